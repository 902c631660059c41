import Registry

/// What a user may do (SPEC §8): each role appends one unit's events; the analyst reads
/// reports and the log; the admin may do everything.
public enum UserRole: String, CaseIterable, Codable, Sendable {
    case reception, coach, grants, analyst, admin

    /// The Swedish name shown on pages.
    public var label: String {
        switch self {
        case .reception: "Reception (Navet)"
        case .coach: "Coach (MC)"
        case .grants: "Tillväxtmedel"
        case .analyst: "Analytiker"
        case .admin: "Administratör"
        }
    }

    /// Whether this role may append events of `type`. A retraction or correction is judged by
    /// the type of the event it targets.
    func mayAppend(_ type: EventType) -> Bool {
        if self == .admin { return true }
        switch type.unitPrefix {
        case "navet": return self == .reception
        case "mc": return self == .coach
        case "grant": return self == .grants
        default: return false
        }
    }

    /// Whether this role may append events of any type.
    var mayAppendAny: Bool { EventType.allCases.contains(where: mayAppend) }

    /// Why this role may not append an event of `type`.
    func refusal(_ type: EventType) -> String { "role \(rawValue) may not append \(type.rawValue) events" }

    /// Reports, the event log and the export.
    var mayRead: Bool { self == .analyst || self == .admin }
}
