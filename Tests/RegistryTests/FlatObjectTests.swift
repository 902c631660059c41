import EventLog
import Testing
import TestSupport
@testable import Registry

/// The fast path of decoding (`FlatObject`) against the full parser: whatever it scans, it must
/// decode to the same event or the same error, and whatever it does not scan falls back.
@Suite("Flat objects")
struct FlatObjectTests {
    static let today = Day(year: 2026, month: 11, day: 29)!

    /// Lines of every type, with the shapes an import meets.
    static let lines = [
        #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","school":"Sjöbo","pupils":24,"teachers":2}"#,
        #" { "type" : "navet.visit" , "occurred":"2013-09-12","organisation":"HB","pupils":0,"teachers":1,"note":null } "#,
        #"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":1.25,"programme":"Matematiklyftet"}"#,
        #"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":"0.5","municipality":"1490"}"#,
        #"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":2e0}"#,
        #"{"type":"navet.public","occurred":"2013-09-14","children":40,"adults":22,"id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427"}"#,
        #"{"type":"navet.conference","occurred":"2013-09-14","participants":120,"name":"Kuben","by":"anna"}"#,
        #"{"type":"navet.lecture","occurred":"2013-09-14","attendees":30,"title":"Föreläsning"}"#,
        #"{"type":"mc.case","occurred":"2013-09-14","case":"MC-1","municipality":"Mark","service":"core","gender":"female"}"#,
        #"{"type":"mc.outcome","occurred":"2013-10-14","case":"MC-1","municipality":"Mark","outcome":"studies"}"#,
        #"{"type":"grant.decision","occurred":"2013-05-02","grant":"G-1","project":"P","area":"tillvaxt","amount_sek":150000,"decision":"approved","funding":"region"}"#,
        #"{"type":"membership","occurred":"2013-01-01","unit":"navet","municipality":"Borås","role":"member","from":"2013-01-01"}"#,
        #"{"type":"retraction","occurred":"2013-10-01","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"fel"}"#,
        #"{"type":"correction","occurred":"2013-10-01","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"fel","replacement":{"type":"navet.public","occurred":"2013-09-14","children":4,"adults":2}}"#,
        // Problems: an escape, an unknown or repeated key, a wrong kind, bad syntax.
        #"{"type":"navet.visit","occurred":"2013-09-12","school":"A \"B\"","pupils":1,"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","colour":"red","pupils":1,"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"pupils":2,"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":[1],"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":true,"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":01,"teachers":1}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":1,"seq":3,"recorded":"x","hash":"y"}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":1,}"#,
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":1} x"#,
        #"["navet.visit"]"#, #"{}"#, #"{"#, #""#,
    ]

    /// Decoded through the full parser only.
    static func slowly(_ bytes: [UInt8], stored: Bool = false) -> Result<Event, InputError> {
        Result { () throws(InputError) -> Event in
            let parsed = bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONSyntaxError) in try JSONParser.parse(buffer) } }
            let value: JSONValue
            switch parsed {
            case .success(let parsed): value = parsed
            case .failure(let error): throw InputError(error.description)
            }
            guard case .object(let object) = value else { throw InputError("an event must be a JSON object, got \(value.kind)") }
            var reader = FieldReader(object: object, prefix: "", today: today, stored: stored)
            return try reader.event(isReplacement: false)
        }
    }

    /// Decoded as an import does: through `FlatObject` when it scans the line.
    static func quickly(_ bytes: [UInt8], stored: Bool = false) -> Result<Event, InputError> {
        Result { () throws(InputError) -> Event in
            try bytes.withUnsafeBufferPointer { buffer throws(InputError) in try Event.decode(json: buffer, today: today, stored: stored) }
        }
    }

    static func scans(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            withUnsafeTemporaryAllocation(of: FlatObject.Member.self, capacity: FlatObject.capacity) { members in
                FlatObject(scanning: buffer, into: members) != nil
            }
        }
    }

    @Test func decodesEveryLineAsTheFullParserDoes() {
        var scanned = 0
        for line in Self.lines {
            let bytes = Array(line.utf8)
            if Self.scans(bytes) { scanned += 1 }
            #expect(Self.quickly(bytes) == Self.slowly(bytes), "\(line)")
        }
        // The common shapes (not the escape, the unknown and repeated keys, the array, the nested
        // replacement or bad syntax) take the fast path.
        #expect(scanned == 16)
        #expect(Self.scans(Array(Self.lines[0].utf8)))
        #expect(!Self.scans(Array(Self.lines[13].utf8)))
    }

    /// Every line with one byte changed, dropped or doubled, many times over: the same event or
    /// the same error either way.
    @Test func agreesWithTheFullParserOnDamagedLines() {
        var random = SeededRandom(seed: 0x5EED)
        let replacements = Array(#"{}[]":,\ 0-9.eE"aéx"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var compared = 0
        for line in Self.lines.prefix(14) {
            let original = Array(line.utf8)
            for _ in 0..<300 {
                var bytes = original
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] = replacements[Int(random.next() % UInt64(replacements.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(bytes[at], at: at)
                }
                #expect(Self.quickly(bytes) == Self.slowly(bytes), "\(String(decoding: bytes, as: UTF8.self))")
                compared += 1
            }
        }
        #expect(compared == 14 * 300)
    }

    /// The template copied from the input is the event's own, for every line that decodes
    /// (with an id given or added), whole or damaged; and it is copied for the common shapes.
    @Test func copiesTheCanonicalTemplateFromTheInput() throws {
        var random = SeededRandom(seed: 0x7E3)
        var copied = 0, checked = 0
        for line in Self.lines {
            for round in 0..<200 {
                var bytes = Array(line.utf8)
                if round > 0, !bytes.isEmpty { bytes[Int(random.next() % UInt64(bytes.count))] = Array(#"0123456789-"aB ,.e"#.utf8)[Int(random.next() % 18)] }
                let result = bytes.withUnsafeBufferPointer { buffer in
                    try? Event.decode(json: buffer, today: Self.today) { event, flat -> (CanonicalTemplate, CanonicalTemplate?) in
                        var event = event
                        if event.id == nil { event.id = EventID(high: 0x0123_4567_89AB_7DEF, low: 0x8000_0000_0000_0001) }
                        return (CanonicalTemplate(event), flat?.canonicalTemplate(of: event))
                    }
                }
                guard let (whole, copy) = result else { continue }
                checked += 1
                if let copy {
                    copied += 1
                    #expect(copy == whole, "\(String(decoding: bytes, as: UTF8.self))")
                }
                if round == 0, Self.scans(bytes) { #expect(copy != nil, "\(line)") }
            }
        }
        #expect(checked > 300) // most damage makes a line invalid
        // "-0" is a count of 0, but not as the canonical JSON writes it: not copied.
        let minusZero = #"{"type":"navet.visit","occurred":"2013-09-12","pupils":-0,"teachers":1}"#
        let templates = try Array(minusZero.utf8).withUnsafeBufferPointer { buffer in
            try Event.decode(json: buffer, today: Self.today) { event, flat -> (CanonicalTemplate?, Bool) in
                var event = event
                event.id = EventID(high: 0x0123_4567_89AB_7DEF, low: 0x8000_0000_0000_0001)
                return (flat?.canonicalTemplate(of: event), flat != nil)
            }
        }
        #expect(templates.0 == nil && templates.1)
        #expect(copied > checked / 2)
    }

    /// Text lengths around the limit, in scalars of every width and combining ones: the fast
    /// path and the full parser count them alike (Unicode scalar values, SPEC §2), for every
    /// text field; an escape in the line sends it through the full parser.
    @Test func countsTextLengthAsTheFullParserDoes() {
        var compared = 0
        for unit in ["a", "ö", "€", "😀", "o\u{308}", "🇸🇪"] {
            let scalars = Array(unit.unicodeScalars)
            for count in [199, 200, 201, 799, 800, 801] {
                var view = String.UnicodeScalarView()
                for i in 0..<count { view.append(scalars[i % scalars.count]) }
                let text = String(view)
                for (field, limit) in [("note", 200), ("organisation", 200), ("school", 200), ("by", 200)] {
                    for escape in ["", "\\n"] {
                        let line = #"{"type":"navet.visit","occurred":"2013-09-12","\#(field)":"\#(escape)\#(text)","pupils":1,"teachers":1}"#
                        let bytes = Array(line.utf8)
                        #expect(Self.scans(bytes) == escape.isEmpty)
                        let quick = Self.quickly(bytes)
                        #expect(quick == Self.slowly(bytes), "\(field) \(unit) × \(count)")
                        let length = count + (escape.isEmpty ? 0 : 1)
                        switch quick {
                        case .success: #expect(length <= limit, "\(field) \(unit) × \(count)")
                        case .failure(let error): #expect(length > limit && error.field == field, "\(field) \(unit) × \(count): \(error)")
                        }
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 6 * 6 * 4 * 2)
    }

    /// Events read back from the log (`seq` and `recorded` present) take the fast path too.
    @Test func readsStoredEventsAsTheFullParserDoes() throws {
        let event = try Event.decode(json: Self.lines[0], today: Self.today)
        let canonical = event.canonical(seq: 12, recorded: 1_391_000_000_123)
        #expect(Self.scans(canonical))
        #expect(try Self.quickly(canonical, stored: true).get() == event)
        #expect(Self.quickly(canonical, stored: true) == Self.slowly(canonical, stored: true))
        #expect(Self.quickly(canonical) == Self.slowly(canonical)) // as input: seq is refused
    }
}

/// A record made ahead of the append is the one `indexEntries` (and so `verify`) works out.
@Suite("Records made ahead")
struct StandaloneRecordTests {
    @Test func equalTheDayEntryTheLogWorksOut() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let events = FlatObjectTests.lines.prefix(13).compactMap { try? Event.decode(json: $0, today: FlatObjectTests.today) }
        #expect(events.count == 12)
        let appended = try store.append(events)
        var made = 0
        try store.log.read { txn in
            for item in appended {
                let event = item.event.event
                let entries = try store.indexEntries(for: event, at: item.event.seq, in: txn)
                guard let record = Store.standaloneRecord(for: event)?.placed(at: item.event.seq) else {
                    // Only these need the log, or have more than one entry.
                    switch event.fact {
                    case .retraction, .membership, .mcCase, .outcome, .grant: break
                    case .visit(let v): #expect(v.origin == .organisation("HB"))
                    default: Issue.record("no record made ahead for \(event.type)")
                    }
                    continue
                }
                made += 1
                #expect(entries.count == 1)
                #expect(entries.first?.key == event.occurred.key)
                #expect(entries.first?.value == record.bytes, "\(event.type)")
            }
        }
        #expect(made == 6)
    }
}
