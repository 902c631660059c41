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
