/// The organisational units whose membership is recorded.
public enum Unit: String, CaseIterable, Sendable {
    case forbund, navet, mc
}

/// How a municipality belongs to a unit.
public enum Role: String, CaseIterable, Sendable {
    case member, adjunct
}

/// Whether an MC case is paid by the membership fee or bought separately.
public enum Service: String, CaseIterable, Sendable {
    case core, purchased
}

/// Gender of the employee in an MC case (optional, for the yearly share of women).
public enum Gender: String, CaseIterable, Sendable {
    case female, male, other, unspecified
}

/// The nine MC outcomes, in the annual report's order.
public enum Outcome: String, CaseIterable, Sendable {
    case stayedAfterChange = "stayed-after-change"
    case newJobSameMunicipality = "new-job-same-municipality"
    case newJobOtherMunicipality = "new-job-other-municipality"
    case newJobExternal = "new-job-external"
    case studies
    case workAndStudies = "work-and-studies"
    case ownBusiness = "own-business"
    case workAndOwnBusiness = "work-and-own-business"
    case other

    /// The annual report's Swedish label.
    public var label: String {
        switch self {
        case .stayedAfterChange: "Kvar i nuvarande tjänst pga förändring"
        case .newJobSameMunicipality: "Ny tjänst, samma kommun"
        case .newJobOtherMunicipality: "Ny tjänst, annan kommun"
        case .newJobExternal: "Ny tjänst, externt"
        case .studies: "Studier"
        case .workAndStudies: "Arbete + studier"
        case .ownBusiness: "Starta eget"
        case .workAndOwnBusiness: "Arbete + starta eget"
        case .other: "Övrigt"
        }
    }
}

/// Growth-grant areas, in the report's order.
public enum Area: String, CaseIterable, Sendable {
    case tillvaxt, miljo, kultur, infrastruktur
    case socialValfard = "social-valfard"
    case utbildning

    /// The Swedish label.
    public var label: String {
        switch self {
        case .tillvaxt: "Tillväxt"
        case .miljo: "Miljö"
        case .kultur: "Kultur"
        case .infrastruktur: "Infrastruktur"
        case .socialValfard: "Social välfärd"
        case .utbildning: "Utbildning och kompetens"
        }
    }
}

/// A grant decision's verdict.
public enum Decision: String, CaseIterable, Sendable {
    case approved, rejected
}

/// Who pays an approved grant.
public enum Funding: String, CaseIterable, Sendable {
    case region, forbund, mixed
}

/// Where visitors came from: a municipality, an organisation, or not known.
public enum Origin: Hashable, Sendable {
    case unknown
    case municipality(Municipality)
    case organisation(String)
}

/// A session length in days, a whole number of quarter days.
public struct TrainingDays: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let quarters: Int

    public init(quarters: Int) { self.quarters = quarters }

    /// Parses a decimal such as `0.5`, `1.25` or `2`; nil unless it is a multiple of 0.25.
    public init?(decimal text: String) {
        var whole = 0, wholeDigits = 0, hundredths = 0, fractionDigits = 0
        var inFraction = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard !inFraction, wholeDigits > 0 else { return nil }
                inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                if !inFraction {
                    wholeDigits += 1
                    guard wholeDigits <= 6 else { return nil }
                    whole = whole * 10 + digit
                } else {
                    fractionDigits += 1
                    // Only two significant decimals: later digits must be zeros.
                    if fractionDigits <= 2 { hundredths = hundredths * 10 + digit } else if digit != 0 { return nil }
                }
            default: return nil
            }
        }
        guard wholeDigits > 0, !inFraction || fractionDigits > 0 else { return nil }
        if fractionDigits == 1 { hundredths *= 10 }
        guard hundredths % 25 == 0 else { return nil }
        quarters = whole * 4 + hundredths / 25
    }

    /// Canonical text: no trailing zeros ("0.5", "1.25", "2").
    public var description: String {
        let whole = quarters / 4
        switch quarters % 4 {
        case 1: return "\(whole).25"
        case 2: return "\(whole).5"
        case 3: return "\(whole).75"
        default: return "\(whole)"
        }
    }

    public static func < (a: TrainingDays, b: TrainingDays) -> Bool { a.quarters < b.quarters }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// What kind of work an `mc.activity` is.
public enum ActivityKind: String, CaseIterable, Sendable {
    case presentation, training, dialogue
    case groupDevelopment = "group-development"
    case network, other
}

/// A judgement of a plan target (`plan.assessment`), or the status the targets report computes.
public enum AssessmentStatus: String, CaseIterable, Sendable {
    case achieved, partly
    case notAchieved = "not-achieved"
    case ongoing
}

/// Which effective events count towards a target, and what is summed (SPEC §2 `measure`).
public struct Measure: Equatable, Sendable {
    /// A text filter: the field's value contains `contains`, ignoring case.
    public struct Match: Equatable, Sendable {
        public var field: String
        public var contains: String

        public init(field: String, contains: String) {
            self.field = field
            self.contains = contains
        }
    }

    public var type: EventType
    /// Only for `mc.activity`.
    public var kind: ActivityKind?
    public var match: Match?
    /// A count field of `type` (or several joined by `+`, e.g. `children+adults`), `events`, or
    /// `teacher_training_days` (`navet.training`).
    public var sum: String

    public init(type: EventType, kind: ActivityKind? = nil, match: Match? = nil, sum: String) {
        self.type = type
        self.kind = kind
        self.match = match
        self.sum = sum
    }

    /// The count fields each measurable type has, in the compact record's order (a, b).
    public static func countFields(of type: EventType) -> [String]? {
        switch type {
        case .navetVisit: ["pupils", "teachers"]
        case .navetTraining: ["participants"]
        case .navetPublic: ["children", "adults"]
        case .navetConference: ["participants"]
        case .navetLecture: ["attendees"]
        case .mcActivity: ["participants"]
        case .mcCase, .mcOutcome: []
        case .grantDecision: ["amount_sek"]
        case .membership, .retraction, .correction, .planTarget, .planAssessment: nil
        }
    }

    /// The text fields `match` may name for each type.
    public static func textFields(of type: EventType) -> [String] {
        switch type {
        case .navetVisit: ["theme"]
        case .navetTraining, .mcActivity: ["programme", "title"].filter { type == .mcActivity || $0 == "programme" }
        case .navetConference: ["name"]
        case .navetLecture: ["title"]
        default: []
        }
    }
}
