import EventLog
import Registry

/// What the work pages list besides reports, folded from the log and kept in memory: the
/// effective MC and grant events (retractions and corrections applied) and the names typed
/// recently at reception. Each use first reads the events appended since the last one, so
/// the fold is always current and the log is read once.
final class Activity: Sendable {
    /// The fold's state; cheap to copy (its collections are copied on write).
    struct State: Sendable {
        var position: Position = 0
        /// Effective MC, grant and membership events by their original's id.
        var effective: [EventID: Event] = [:]
        /// Original ids in log order.
        var order: [EventID] = []
        /// `school`, `school@CODE` (of one municipality), `theme`, `organisation` → name → the
        /// position that last used it.
        var names: [String: [String: Position]] = [:]

        /// Effective events of `types`, newest first.
        func events(_ types: Set<EventType>) -> [Event] {
            order.reversed().compactMap { id in effective[id].flatMap { types.contains($0.type) ? $0 : nil } }
        }

        /// Up to `limit` names of `kind`, most recently used first.
        func recentNames(_ kind: String, limit: Int = 40) -> [String] {
            (names[kind] ?? [:]).sorted { $0.value > $1.value }.prefix(limit).map(\.key)
        }

        mutating func apply(_ recorded: RecordedEvent) {
            position = recorded.seq
            let event = recorded.event
            switch event.fact {
            case .mcCase, .outcome, .grant, .membership:
                guard let id = event.id else { return }
                effective[id] = event
                order.append(id)
            case .retraction(let retraction):
                effective[retraction.target] = nil
            case .correction(let correction):
                remember(correction.replacement, at: recorded.seq)
                guard effective[correction.target] != nil else { break }
                var replacement = correction.replacement
                replacement.id = correction.target
                effective[correction.target] = replacement
            default:
                remember(event, at: recorded.seq)
            }
        }

        private mutating func remember(_ event: Event, at seq: Position) {
            func note(_ kind: String, _ name: String?) {
                if let name { names[kind, default: [:]][name] = seq }
            }
            switch event.fact {
            case .visit(let visit):
                note("school", visit.school)
                // Per municipality too, so that the form offers the schools of the one chosen.
                if case .municipality(let municipality) = visit.origin { note("school@" + municipality.code, visit.school) }
                note("theme", visit.theme)
                note("organisation", visit.origin.organisation)
            case .training(let training): note("organisation", training.origin.organisation)
            case .publicVisit(let visit): note("organisation", visit.origin.organisation)
            case .conference(let conference): note("organisation", conference.origin.organisation)
            case .lecture(let lecture): note("organisation", lecture.origin.organisation)
            default: break
            }
        }
    }

    private let store: Store
    private let state = Locked(State())

    init(store: Store) { self.store = store }

    /// The state with every event in the log folded in.
    func current() throws -> State {
        try state.withLock { state in
            while true {
                let events = try store.events(after: state.position, limit: 4096)
                if events.isEmpty { return state }
                for event in events { state.apply(event) }
            }
        }
    }
}

extension Origin {
    /// The organisation's name, when the origin is one.
    var organisation: String? {
        if case .organisation(let name) = self { name } else { nil }
    }
}
