import EventLog
import PropertyBased

/// Generators of hostile input for the write path: events of every type whose text fields hold
/// arbitrary Unicode at and around the length limits, counts and dates at and around their
/// bounds, and corrections and retractions of earlier events. Every event is a JSON text, so
/// the same scenarios run in process and over HTTP.
public enum AttackEvents {
    /// One step of a scenario. A correction or retraction names its target by a number that
    /// picks one of the events accepted so far (modulo their count).
    public enum Step: Sendable, CustomStringConvertible {
        /// `texts`: the event's text fields as generated, before JSON escaping.
        case append(json: String, texts: [String: String])
        case retract(pick: Int, reason: String)
        /// The replacement is made for the target's type when the step runs, from `seed`.
        case correct(pick: Int, reason: String, seed: UInt64)

        public var description: String {
            switch self {
            case .append(let json, _): "append \(json.prefix(300))"
            case .retract(let pick, let reason): "retract #\(pick) (\(reason.unicodeScalars.count) scalars)"
            case .correct(let pick, _, let seed): "correct #\(pick) (seed \(seed))"
            }
        }
    }

    /// The event types a scenario appends.
    public static let types = [
        "navet.visit", "navet.training", "navet.public", "navet.conference", "navet.lecture",
        "mc.case", "mc.outcome", "grant.decision",
    ]

    /// A scenario of up to `steps` steps.
    public static func scenario(steps: ClosedRange<Int> = 1...40) -> Generator<[Step], some SendableSequenceType> {
        step.array(of: steps)
    }

    public static let step = Generator<Step, Shrink.None<Step>>(run: { seeded in
        // The step is made from one number of the checker's generator, so a fixed seed
        // replays the scenario.
        var rng = SeededRandom(seed: seeded.next())
        return step(using: &rng)
    })

    static func step(using rng: inout SeededRandom) -> Step {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return .retract(pick: Int.random(in: 0..<1000, using: &rng), reason: text(using: &rng))
        case 1: return .correct(pick: Int.random(in: 0..<1000, using: &rng), reason: text(using: &rng), seed: rng.next())
        default:
            let (json, texts) = eventWithTexts(types.randomElement(using: &rng)!, using: &rng)
            return .append(json: json, texts: texts)
        }
    }

    /// A JSON object of `type` with fields chosen to probe every rule; often valid, often not.
    public static func event(_ type: String, replacement: Bool = false, using rng: inout some RandomNumberGenerator) -> String {
        eventWithTexts(type, replacement: replacement, using: &rng).json
    }

    /// `event`, with its text fields as generated (before escaping).
    public static func eventWithTexts(
        _ type: String, replacement: Bool = false, using rng: inout some RandomNumberGenerator
    ) -> (json: String, texts: [String: String]) {
        var fields: [(String, String)] = [("type", quoted(type)), ("occurred", quoted(date(using: &rng)))]
        var texts: [String: String] = [:]
        func maybe(_ key: String, _ value: @autoclosure () -> String) {
            if Bool.random(using: &rng) { fields.append((key, value())) }
        }
        /// A text field, remembered as generated.
        func text(_ key: String) -> String {
            let value = AttackEvents.text(using: &rng)
            texts[key] = value
            return quoted(value)
        }
        func origin() {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: fields.append(("municipality", quoted(municipality(using: &rng))))
            case 1: fields.append(("organisation", text("organisation")))
            default: break
            }
        }
        switch type {
        case "navet.visit":
            origin(); maybe("school", text("school")); maybe("theme", text("theme"))
            fields.append(("pupils", count(using: &rng))); fields.append(("teachers", count(using: &rng)))
        case "navet.training":
            origin(); maybe("programme", text("programme"))
            fields.append(("participants", count(using: &rng)))
            fields.append(("days", ["0.25", "0.5", "\"1.25\"", "2", "0.3", "0", "-0.5", "367", "\"1,5\""].randomElement(using: &rng)!))
        case "navet.public":
            fields.append(("children", count(using: &rng))); fields.append(("adults", count(using: &rng)))
        case "navet.conference":
            origin(); maybe("name", text("name")); fields.append(("participants", count(using: &rng)))
        case "navet.lecture":
            origin(); maybe("title", text("title")); fields.append(("attendees", count(using: &rng)))
        case "mc.case":
            fields.append(("case", quoted(caseID(using: &rng))))
            fields.append(("municipality", quoted(municipality(using: &rng))))
            fields.append(("service", quoted(["core", "purchased", "other"].randomElement(using: &rng)!)))
            maybe("gender", quoted(["female", "male", "other", "unspecified", "x"].randomElement(using: &rng)!))
        case "mc.outcome":
            fields.append(("case", quoted(caseID(using: &rng))))
            fields.append(("municipality", quoted(municipality(using: &rng))))
            fields.append(("outcome", quoted(["studies", "own-business", "new-job-external", "other", "stayed"].randomElement(using: &rng)!)))
        default: // grant.decision
            fields.append(("grant", Bool.random(using: &rng) ? quoted("G-\(Int.random(in: 1...4, using: &rng))") : text("grant")))
            fields.append(("project", text("project")))
            maybe("applicant", text("applicant"))
            fields.append(("area", quoted(["tillvaxt", "miljo", "kultur", "utbildning", "sport"].randomElement(using: &rng)!)))
            maybe("municipality", quoted(municipality(using: &rng)))
            fields.append(("amount_sek", ["0", "1", "250000", "1000000000", "1000000001", "-1", "1e3"].randomElement(using: &rng)!))
            fields.append(("decision", quoted(["approved", "rejected", "maybe"].randomElement(using: &rng)!)))
        }
        if !replacement { maybe("note", text("note")) }
        fields.shuffle(using: &rng)
        return ("{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}", texts)
    }

    /// Text of a length at or around a limit (in Unicode scalars), from alphabets that differ
    /// in bytes per scalar and in how they combine.
    public static func text(using rng: inout some RandomNumberGenerator) -> String {
        let length = [0, 1, 2, 7, 40, 199, 200, 201, 260].randomElement(using: &rng)!
        let alphabets: [[ClosedRange<UInt32>]] = [
            [0x20...0x7E], // ASCII
            [0x61...0x7A, 0xE5...0xE5, 0xE4...0xE4, 0xF6...0xF6, 0xC5...0xC6, 0xD6...0xD6], // Swedish
            [0x300...0x36F], // combining marks only
            [0x1F600...0x1F64F, 0x1F1E6...0x1F1FF, 0x200D...0x200D], // emoji, flags, joiners
            [0x00...0x1F, 0x7F...0x9F], // control characters
            [0x22...0x22, 0x5C...0x5C, 0x2028...0x2029, 0xFEFF...0xFEFF, 0x3D...0x3D, 0x2B...0x2B, 0x7C...0x7C, 0x09...0x09, 0x0D...0x0D], // quotes, escapes, formula starts, pipes
            [0x4E00...0x4E50, 0x5D0...0x5EA, 0x627...0x64A], // CJK, Hebrew, Arabic
            [0x20...0x7E, 0x80...0x10FFFF], // anything at all
        ]
        let alphabet = alphabets.randomElement(using: &rng)!
        var scalars = String.UnicodeScalarView()
        while scalars.count < length {
            let range = alphabet.randomElement(using: &rng)!
            // Surrogates are not scalars: skip them.
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    static func date(using rng: inout some RandomNumberGenerator) -> String {
        if Int.random(in: 0..<8, using: &rng) == 0 {
            return ["1582-12-31", "1583-01-01", "2099-01-01", "2013-02-30", "2013-13-01", "13-09-12", ""].randomElement(using: &rng)!
        }
        let year = Int.random(in: 2012...2014, using: &rng), month = Int.random(in: 1...12, using: &rng), day = Int.random(in: 1...28, using: &rng)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    static func municipality(using rng: inout some RandomNumberGenerator) -> String {
        ["1490", "Borås", "boras", "BORÅS", "Mark", "1443", "Ulricehamn", "0180", "Borsa", "9999", ""].randomElement(using: &rng)!
    }

    static func caseID(using rng: inout some RandomNumberGenerator) -> String {
        Bool.random(using: &rng) ? "C-\(Int.random(in: 1...6, using: &rng))" : text(using: &rng)
    }

    /// Mostly a valid count, so that most events get in and meet the rules behind decoding;
    /// now and then one at or beyond a bound.
    static func count(using rng: inout some RandomNumberGenerator) -> String {
        if Int.random(in: 0..<5, using: &rng) > 0 { return String(Int.random(in: 1...60, using: &rng)) }
        return ["0", "99999", "100000", "100001", "-1", "2.5", "\"3\"", "1e2"].randomElement(using: &rng)!
    }

    /// `text` as a JSON string: only `"`, `\` and control characters escaped (as §6's
    /// canonical form does), so the log must keep every other scalar as it came.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
