import EventLog

/// The kinds of event the registry records, by their JSON `type`.
public enum EventType: String, CaseIterable, Sendable {
    case navetVisit = "navet.visit"
    case navetTraining = "navet.training"
    case navetPublic = "navet.public"
    case navetConference = "navet.conference"
    case navetLecture = "navet.lecture"
    case mcCase = "mc.case"
    case mcOutcome = "mc.outcome"
    case grantDecision = "grant.decision"
    case membership
    case retraction
    case correction
    // Added after the first stores were written: a compact record keeps a type's place in
    // this list, so new types go at the end.
    case mcActivity = "mc.activity"
    case planTarget = "plan.target"
    case planAssessment = "plan.assessment"

    /// By name: compares lengths first, then the few names of that length (quicker than
    /// hashing the name, or than `init(rawValue:)`).
    static func named(_ name: String) -> EventType? {
        let length = name.utf8.count
        return inOrder.first { $0.rawValue.utf8.count == length && $0.rawValue == name }
    }

    /// A small stable number for compact records.
    var code: UInt8 { UInt8(Self.inOrder.firstIndex(of: self)! + 1) }

    init?(code: UInt8) {
        guard code >= 1, Int(code) <= Self.inOrder.count else { return nil }
        self = Self.inOrder[Int(code) - 1]
    }

    /// `allCases`, made once (`allCases` makes a new array on every call).
    private static let inOrder = allCases

    /// The role that may append this type (besides admin).
    public var unitPrefix: String { String(rawValue.prefix { $0 != "." }) }

    /// A retraction or correction: an event about an earlier one.
    public var isAmendment: Bool { self == .retraction || self == .correction }

    /// Whether events of this type have an origin: `municipality` or `organisation`, or neither (§2).
    public var hasOrigin: Bool {
        switch self {
        case .navetVisit, .navetTraining, .navetPublic, .navetConference, .navetLecture: true
        case .mcCase, .mcOutcome, .grantDecision, .membership, .retraction, .correction, .mcActivity, .planTarget, .planAssessment: false
        }
    }
}

/// A guided theme visit by a school class (handlett besök).
public struct NavetVisit: Equatable, Sendable {
    public var origin: Origin
    public var school: String?
    public var theme: String?
    public var pupils: Int
    public var teachers: Int
}

/// A teacher competence-development session (kompetensutveckling).
public struct TeacherTraining: Equatable, Sendable {
    public var origin: Origin
    public var programme: String?
    public var participants: Int
    public var days: TrainingDays

    /// Participants × days, in quarter days.
    public var trainingQuarterDays: Int { participants * days.quarters }
}

/// Public visitors on a weekend or holiday (allmänheten).
public struct PublicVisit: Equatable, Sendable {
    public var origin: Origin
    public var children: Int
    public var adults: Int
}

/// A conference, mostly in the hall Kuben.
public struct Conference: Equatable, Sendable {
    public var origin: Origin
    public var name: String?
    public var participants: Int
}

/// A lecture (föreläsning).
public struct Lecture: Equatable, Sendable {
    public var origin: Origin
    public var title: String?
    public var attendees: Int
}

/// An MC case opened for an employee, known only by a pseudonymous case id.
public struct CoachingCase: Equatable, Sendable {
    public var caseID: String
    public var municipality: Municipality
    public var service: Service
    public var gender: Gender?
}

/// The outcome of an MC case.
public struct CaseOutcome: Equatable, Sendable {
    public var caseID: String
    public var municipality: Municipality
    public var outcome: Outcome
}

/// A board decision on a growth-grant application.
public struct GrantDecision: Equatable, Sendable {
    public var grant: String
    public var project: String
    public var applicant: String?
    public var area: Area
    public var municipality: Municipality?
    public var amountSEK: Int
    public var decision: Decision
    public var funding: Funding?
}

/// MC's work beyond cases: a presentation, a training, a dialogue meeting, ….
public struct MCActivity: Equatable, Sendable {
    public var kind: ActivityKind
    public var programme: String?
    public var municipality: Municipality?
    public var participants: Int
    public var title: String?

    public init(kind: ActivityKind, programme: String? = nil, municipality: Municipality? = nil, participants: Int, title: String? = nil) {
        self.kind = kind
        self.programme = programme
        self.municipality = municipality
        self.participants = participants
        self.title = title
    }
}

/// A target of a unit's activity plan (resultatmål), with how its outcome is measured.
public struct PlanTarget: Equatable, Sendable {
    public var unit: Unit
    public var key: String
    /// As given (a period of §4); `Period.parse` accepts it.
    public var period: String
    public var text: String
    /// Nil for a manual target.
    public var minimum: Int?
    /// Nil for a manual target.
    public var measure: Measure?

    public init(unit: Unit, key: String, period: String, text: String, minimum: Int? = nil, measure: Measure? = nil) {
        self.unit = unit
        self.key = key
        self.period = period
        self.text = text
        self.minimum = minimum
        self.measure = measure
    }
}

/// A judgement of a target's outcome.
public struct PlanAssessment: Equatable, Sendable {
    /// The target's `key`.
    public var target: String
    public var status: AssessmentStatus
    public var value: Int?
    public var comment: String?

    public init(target: String, status: AssessmentStatus, value: Int? = nil, comment: String? = nil) {
        self.target = target
        self.status = status
        self.value = value
        self.comment = comment
    }
}

/// A municipality's membership of a unit over `from...to` (open-ended without `to`).
public struct Membership: Equatable, Sendable {
    public var unit: Unit
    public var municipality: Municipality
    public var role: Role
    public var from: Day
    public var to: Day?

    /// Whether the membership interval overlaps `first...last`.
    public func overlaps(_ first: Day, _ last: Day) -> Bool {
        from <= last && (to ?? last) >= first
    }
}

/// Withdraws an earlier event.
public struct Retraction: Equatable, Sendable {
    public var target: EventID
    public var reason: String
}

/// Replaces an earlier event by a corrected version of the same type.
public struct Correction: Equatable, Sendable {
    public var target: EventID
    public var reason: String
    public var replacement: Event
}

/// What an event says, one case per type.
public indirect enum Fact: Equatable, Sendable {
    case visit(NavetVisit)
    case training(TeacherTraining)
    case publicVisit(PublicVisit)
    case conference(Conference)
    case lecture(Lecture)
    case mcCase(CoachingCase)
    case outcome(CaseOutcome)
    case grant(GrantDecision)
    case membership(Membership)
    case retraction(Retraction)
    case correction(Correction)
    case activity(MCActivity)
    case target(PlanTarget)
    case assessment(PlanAssessment)

    public var type: EventType {
        switch self {
        case .visit: .navetVisit
        case .training: .navetTraining
        case .publicVisit: .navetPublic
        case .conference: .navetConference
        case .lecture: .navetLecture
        case .mcCase: .mcCase
        case .outcome: .mcOutcome
        case .grant: .grantDecision
        case .membership: .membership
        case .retraction: .retraction
        case .correction: .correction
        case .activity: .mcActivity
        case .target: .planTarget
        case .assessment: .planAssessment
        }
    }
}

/// An event as given on input: validated, not yet in the log. A correction's replacement
/// is an `Event` without id.
public struct Event: Equatable, Sendable {
    public var id: EventID?
    public var occurred: Day
    public var by: String?
    public var note: String?
    public var fact: Fact

    public init(id: EventID? = nil, occurred: Day, by: String? = nil, note: String? = nil, fact: Fact) {
        self.id = id
        self.occurred = occurred
        self.by = by
        self.note = note
        self.fact = fact
    }

    public var type: EventType { fact.type }
}

/// An event as the log holds it: with its position, recorded time and hash.
public struct RecordedEvent: Sendable {
    public let seq: Position
    public let recorded: Milliseconds
    public let hash: String
    public let event: Event
    /// The canonical JSON the hash covers.
    public let canonical: [UInt8]
}
