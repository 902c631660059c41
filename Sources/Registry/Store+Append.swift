import EventLog

/// The result of appending one event: the event as stored, and whether it is new
/// (false for a repeat of an id already in the log).
public struct Appended: Sendable {
    public let event: RecordedEvent
    public let isNew: Bool
}

extension Store {
    /// Appends `events` in one durable transaction: all or nothing. Events are validated
    /// against the log (targets, cases, membership); a rejected event's `InputError` names its
    /// index in `events`. An event whose id is already in the log is returned as it is stored.
    public func append(_ events: [Event]) throws -> [Appended] {
        // About 600 bytes an event land in the log and its indexes; growing the map first spares
        // a large import from filling it and starting over.
        if events.count > 1000 { try log.reserve(bytes: events.count * 600) }
        return try log.write { txn in
            var context = AppendContext()
            var appended: [Appended] = []
            appended.reserveCapacity(events.count)
            for (index, event) in events.enumerated() {
                do {
                    appended.append(try append(event, in: txn, context: &context))
                } catch let error as InputError {
                    throw error.at(index: index)
                }
            }
            return appended
        }
    }

    /// Appends one event inside a caller's transaction (used for group commit).
    public func append(_ event: Event, in txn: WriteTransaction, context: inout AppendContext) throws -> Appended {
        var event = event
        if let id = event.id, let existing = try txn.position(of: id), let stored = try txn.event(at: existing) {
            return Appended(event: try RecordedEvent(stored), isNew: false)
        }
        let id = event.id ?? EventID.random(using: &context.random)
        event.id = id
        try validate(event, in: txn, context: &context)
        let (stored, _) = try txn.append(id: id) { seq, recorded in event.canonical(seq: seq, recorded: recorded) }
        for entry in try indexEntries(for: event, at: stored.position, in: txn) {
            try txn.put(entry)
        }
        if event.touchesMembership { context.memberships = nil }
        return Appended(
            event: RecordedEvent(seq: stored.position, recorded: stored.recorded, hash: stored.hashHex, event: event, canonical: stored.bytes),
            isNew: true)
    }

    private func validate(_ event: Event, in txn: WriteTransaction, context: inout AppendContext, prefix: String = "", replacing: Event? = nil) throws {
        switch event.fact {
        case .mcCase(let c):
            try requireMember(.mc, c.municipality, on: event.occurred, field: prefix + "municipality", in: txn, context: &context)
            if case .mcCase(let old)? = replacing?.fact, old.caseID == c.caseID { break }
            if let first = try txn.value(forKey: Array(c.caseID.utf8), in: cases) {
                let seq = first.withUnsafeBytes { $0.loadBigEndianUInt64(at: 0) }
                throw InputError(field: prefix + "case", "case \(c.caseID) is already open (seq \(seq)); record its outcome with mc.outcome")
            }
        case .outcome(let o):
            guard try txn.value(forKey: Array(o.caseID.utf8), in: cases) != nil else {
                throw InputError(field: prefix + "case", "no mc.case with case id \(o.caseID); open the case first")
            }
            try requireMember(.mc, o.municipality, on: event.occurred, field: prefix + "municipality", in: txn, context: &context)
        case .retraction(let r):
            _ = try correctableTarget(r.target, in: txn)
        case .correction(let c):
            let target = try correctableTarget(c.target, in: txn)
            guard c.replacement.type == target.event.type else {
                throw InputError(field: "replacement.type", "must be \(target.event.type.rawValue), the type of the target, got \(c.replacement.type.rawValue)")
            }
            try validate(c.replacement, in: txn, context: &context, prefix: "replacement.", replacing: target.event)
        default:
            break
        }
    }

    /// The target of a retraction or correction: an original event that is not retracted.
    private func correctableTarget(_ id: EventID, in txn: WriteTransaction) throws -> TargetInfo {
        let target = try targetInfo(id, in: txn)
        switch target.event.fact {
        case .retraction, .correction:
            throw InputError(field: "target", "\(id) is a \(target.event.type.rawValue); target the original event's id instead")
        default: break
        }
        let fate = try EffectiveEvents(store: self, txn: txn, asOf: try txn.head().position)
            .fate(ofOriginal: target.position, day: target.occurred.ordinal)
        guard !fate.retracted else { throw InputError(field: "target", "event \(id) is already retracted") }
        return target
    }

    private func requireMember(_ unit: Unit, _ municipality: Municipality, on day: Day, field: String, in txn: WriteTransaction, context: inout AppendContext) throws {
        if context.memberships == nil {
            context.memberships = try EffectiveEvents(store: self, txn: txn, asOf: try txn.head().position).memberships()
        }
        let isMember = context.memberships!.contains {
            $0.unit == unit && $0.municipality == municipality && $0.overlaps(day, day)
        }
        guard isMember else {
            throw InputError(field: field, "\(municipality.name) is not a member of \(unit.rawValue) on \(day)")
        }
    }
}

/// State one write transaction keeps between its appends.
public struct AppendContext {
    var memberships: [Membership]?
    var random = SecureRandom()
    public init() {}
}

extension Event {
    var touchesMembership: Bool {
        switch fact {
        case .membership: true
        case .correction(let c): c.replacement.type == .membership
        case .retraction: true // might retract a membership
        default: false
        }
    }
}
