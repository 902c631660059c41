import Dispatch
import EventLog

/// The result of appending one event: the event as stored, and whether it is new
/// (false for a repeat of an id already in the log).
public struct Appended: Sendable {
    public let isNew: Bool
    private let stored: Stored

    private enum Stored {
        /// Already in the log.
        case existing(RecordedEvent)
        /// Appended now: its canonical JSON is rendered again from the template when asked for.
        case new(Head, PreparedEvent)
    }

    init(existing: StoredEvent) throws {
        isNew = false
        stored = .existing(try RecordedEvent(existing))
    }

    init(new head: Head, _ prepared: PreparedEvent) {
        isNew = true
        stored = .new(head, prepared)
    }

    /// The event as stored.
    public var event: RecordedEvent {
        switch stored {
        case .new(let head, let prepared):
            let canonical = prepared.template.render(seq: head.position, recorded: head.recorded)
            return RecordedEvent(seq: head.position, recorded: head.recorded, hash: head.hashHex, event: prepared.event, canonical: canonical)
        case .existing(let recorded):
            return recorded
        }
    }
}

/// An event ready to append: its id fixed and its canonical JSON rendered but for the
/// position and recorded time that only the write transaction knows.
struct PreparedEvent: Sendable {
    let event: Event
    let template: CanonicalTemplate
    /// The id was generated here, so it cannot be in the log yet.
    let isFresh: Bool
    /// The event's one index entry, made ahead when it needs nothing from the log (see
    /// `Store.standaloneRecord`).
    let record: CompactRecord?

    init(_ event: Event, random: inout SecureRandom, now: Milliseconds = Timestamp.now()) {
        self.init(event, freshID: { EventID.timeOrdered(milliseconds: now, using: &random) })
    }

    /// `freshID` gives the id of an event that has none.
    init(_ event: Event, freshID: () -> EventID) {
        let (event, isFresh) = event.identified(by: freshID)
        self.init(event, isFresh: isFresh, flat: nil)
    }

    /// An event with its id; `flat` is the object it was read from, if it had the common shape
    /// (its template is then copied from the input).
    init(_ event: Event, isFresh: Bool, flat: FlatObject?) {
        self.event = event
        self.isFresh = isFresh
        template = CanonicalTemplate(event, flat: flat)
        record = Store.standaloneRecord(for: event)
    }

    /// Prepares a batch, on all cores when it is large (an import). Fresh ids increase
    /// through the batch, so they append to the id index in order.
    static func batch(_ events: [Event]) -> [PreparedEvent] {
        var random = SecureRandom()
        let ids = EventID.TimeOrderedSequence(milliseconds: Timestamp.now(), using: &random)
        guard events.count > 4096 else {
            return events.indices.map { i in PreparedEvent(events[i], freshID: { ids.id(i) }) }
        }
        let workers = 8, chunk = (events.count + workers - 1) / workers
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<PreparedEvent>.allocate(capacity: events.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in (worker * chunk)..<min(events.count, (worker + 1) * chunk) {
                (slots.baseAddress! + i).initialize(to: PreparedEvent(events[i], freshID: { ids.id(i) }))
            }
        }
        defer { slots.deinitialize().deallocate() }
        return Array(slots)
    }
}

extension Store {
    /// Appends `events` in one durable transaction: all or nothing. Events are validated
    /// against the log (targets, cases, membership); a rejected event's `InputError` names its
    /// index in `events`. An event whose id is already in the log is returned as it is stored.
    public func append(_ events: [Event]) throws -> [Appended] {
        var appended: [Appended] = []
        try append(PreparedEvent.batch(events)) { appended.append($0) }
        return appended
    }

    /// Appends prepared events in one transaction, handing each result to `collect`.
    func append(_ events: [PreparedEvent], collect: (Appended) -> Void) throws {
        var results: [Appended] = []
        try append(expecting: events.count) { txn, context in
            results.removeAll(keepingCapacity: true) // the map may have grown: this is a rerun
            for (index, event) in events.enumerated() {
                do {
                    results.append(try append(event, in: txn, context: &context))
                } catch let error as InputError {
                    throw error.at(index: index)
                }
            }
        }
        results.forEach(collect)
    }

    /// A batch of more than this many events is large: the map grows for it beforehand and
    /// its transaction runs in bulk mode (see `WriteTransaction.beginBulk`).
    public static let largeBatch = 1000

    /// Grows the map ahead of a large batch of `count` events (about 600 bytes an event land in
    /// the log and its indexes), sparing a transaction that fills it from starting over.
    public func reserve(forEvents count: Int) throws {
        if count > Self.largeBatch { try log.reserve(bytes: count * 600) }
    }

    /// Runs `body` in one write transaction that is expected to append about `count` events.
    /// `body` runs again from the start if the map had to grow.
    func append(expecting count: Int, _ body: (WriteTransaction, inout AppendContext) throws -> Void) throws {
        try reserve(forEvents: count)
        try log.write { txn in
            if count > Self.largeBatch { try txn.beginBulk() }
            var context = AppendContext()
            try body(txn, &context)
        }
    }

    /// Appends one event inside a caller's transaction (used for group commit).
    public func append(_ event: Event, in txn: WriteTransaction, context: inout AppendContext) throws -> Appended {
        try append(PreparedEvent(event, random: &context.random), in: txn, context: &context)
    }

    func append(_ prepared: PreparedEvent, in txn: WriteTransaction, context: inout AppendContext) throws -> Appended {
        if !prepared.isFresh, let existing = try txn.position(of: prepared.event.id!), let stored = try txn.event(at: existing) {
            return try Appended(existing: stored)
        }
        return Appended(new: try appendNew(prepared, in: txn, context: &context), prepared)
    }

    /// Appends `prepared` unless its id is in the log already; whether it was new (an import
    /// only counts, so nothing is kept of the event).
    func appendIfNew(_ prepared: PreparedEvent, in txn: WriteTransaction, context: inout AppendContext) throws -> Bool {
        if !prepared.isFresh, try txn.position(of: prepared.event.id!) != nil { return false }
        _ = try appendNew(prepared, in: txn, context: &context)
        return true
    }

    /// Appends an event whose id is not in the log; the new head.
    private func appendNew(_ prepared: PreparedEvent, in txn: WriteTransaction, context: inout AppendContext) throws -> Head {
        let event = prepared.event, id = event.id!
        // Every rule is checked, and every entry worked out, before anything is written: a
        // rejected event leaves the transaction as it was (the group commit relies on it).
        try validate(event, in: txn, context: &context)
        let position = try txn.head().position + 1
        let entries = prepared.record == nil ? try indexEntries(for: event, at: position, in: txn) : []
        do {
            for entry in entries { try txn.checkSize(of: entry) }
        } catch let error as LogError {
            throw InputError("cannot be indexed: \(error)")
        }
        let head = try prepared.template.withView { template in
            try write(id: id, template: template, record: prepared.record, occurred: event.occurred, in: txn, context: &context)
        }
        precondition(head.position == position, "the position an event's entries were made for")
        for entry in entries { try txn.put(entry) }
        if event.touchesMembership { context.memberships = nil }
        return head
    }

    /// Appends a plain event of an import (see `PlainEvent`) unless its id is in the log
    /// already; whether it was new. `templates` are those of its chunk.
    func appendIfNew(_ plain: PlainEvent, templates: UnsafeRawBufferPointer, in txn: WriteTransaction, context: inout AppendContext) throws -> Bool {
        if !plain.isFresh, try txn.position(of: plain.id) != nil { return false }
        precondition(plain.template.upperBound <= templates.count, "the template lies among its chunk's")
        let template = TemplateView(fields: UnsafeRawBufferPointer(rebasing: templates[plain.template]), split: plain.split)
        _ = try write(id: plain.id, template: template, record: plain.record, occurred: plain.occurred, in: txn, context: &context)
        return true
    }

    /// Writes an event that is checked, with a new id: its canonical JSON rendered straight
    /// into the log's page, and its day record if it was made ahead.
    private func write(
        id: EventID, template: TemplateView, record: CompactRecord?, occurred: Day, in txn: WriteTransaction, context: inout AppendContext
    ) throws -> Head {
        if context.recorded?.time != txn.recorded {
            context.recorded = (txn.recorded, CanonicalTemplate.recordedField(txn.recorded))
        }
        let recordedField = context.recorded!.field
        let head = try txn.append(
            newID: id, byteCount: { seq in template.renderedCount(seq: seq, recordedField: recordedField) },
            write: { seq, bytes in template.render(seq: seq, recordedField: recordedField, into: bytes) })
        if let record = record?.placed(at: head.position) {
            try occurred.withKey { key in try record.withUnsafeBytes { try txn.putEntry($0, forKey: key, in: day) } }
        }
        return head
    }

    /// The day record of an event an import can append without the `Event` (see
    /// `PlainEvent`): no rule checks it against the log (`validate`), and its one index entry
    /// is made ahead (`standaloneRecord`). Nil for any other event.
    static func plainRecord(for event: Event) -> CompactRecord? {
        // Every type `validate` checks has no record made ahead.
        standaloneRecord(for: event)
    }

    /// Checks the rules of SPEC §2 that need the log. `replacing`: the position of the original
    /// a correction's replacement (`event`) replaces, whose own claims do not count against it.
    private func validate(
        _ event: Event, in txn: WriteTransaction, context: inout AppendContext, prefix: String = "", replacing: Position? = nil
    ) throws {
        switch event.fact {
        case .mcCase(let c):
            try requireMember(.mc, c.municipality, on: event.occurred, field: prefix + "municipality", in: txn, context: &context)
            // A case id may come again once its case is retracted (a case logged anew).
            if let live = try liveClaims(of: event.fact, except: replacing, in: txn).first {
                throw InputError(field: prefix + "case", "case id \(c.caseID) is already used by the live mc.case \(try originalID(of: live, in: txn)); correct that case instead of logging it again")
            }
        case .outcome(let o):
            let opened = try openCase(o.caseID, in: txn)
            guard let (caseDay, openedCase) = opened.live else {
                if opened.logged { throw InputError(field: prefix + "case", "the mc.case with case id \(o.caseID) is retracted; log the case again before its outcome") }
                throw InputError(field: prefix + "case", "no mc.case with case id \(o.caseID); open the case first")
            }
            guard event.occurred >= caseDay else {
                throw InputError(field: prefix + "occurred", "\(event.occurred) is before the case was opened; an outcome must be on or after the case's occurred date (\(caseDay))")
            }
            guard o.municipality == openedCase.municipality else {
                throw InputError(field: prefix + "municipality", "must be the case's municipality, \(openedCase.municipality.name) (\(openedCase.municipality.code)), got \(o.municipality.name)")
            }
            try requireMember(.mc, o.municipality, on: event.occurred, field: prefix + "municipality", in: txn, context: &context)
            if let live = try liveClaims(of: event.fact, except: replacing, in: txn).first {
                throw InputError(field: prefix + "case", "case \(o.caseID) already has an outcome, event \(try originalID(of: live, in: txn)); a case ends with one outcome: correct that outcome instead")
            }
        case .grant(let g):
            if let live = try liveClaims(of: event.fact, except: replacing, in: txn).first {
                throw InputError(field: prefix + "grant", "grant id \(g.grant) is already used by the live decision \(try originalID(of: live, in: txn)); correct that decision instead")
            }
        case .target(let t):
            if let live = try liveClaims(of: event.fact, except: replacing, in: txn).first {
                throw InputError(field: prefix + "key", "target key \(t.key) is already used by the live plan.target \(try originalID(of: live, in: txn)); correct that target instead")
            }
        case .assessment(let a):
            // An assessment judges a target that counts now.
            guard try allClaims(under: Claim.key(.target, a.target), in: txn).contains(where: { try isLive($0, in: txn) }) else {
                throw InputError(field: prefix + "target", "no live plan.target with key \(a.target); set the target first")
            }
        case .retraction(let r):
            _ = try correctableTarget(r.target, in: txn)
        case .correction(let c):
            let target = try correctableTarget(c.target, in: txn)
            guard c.replacement.type == target.event.type else {
                throw InputError(field: "replacement.type", "must be \(target.event.type.rawValue), the type of the target, got \(c.replacement.type.rawValue)")
            }
            try validate(c.replacement, in: txn, context: &context, prefix: "replacement.", replacing: target.position)
        default:
            // An import appends plain events without coming here (`plainRecord`).
            break
        }
    }

    /// The claims of the id `fact` claims that are live now, but those of the original
    /// `except` (which a correction replaces), oldest first.
    private func liveClaims(of fact: Fact, except original: Position?, in txn: WriteTransaction) throws -> [Claim] {
        guard let key = Claim.key(of: fact) else { return [] }
        return try allClaims(under: key, in: txn).filter { claim in try claim.original != original && isLive(claim, in: txn) }
    }

    /// Every claim under `key`, oldest first.
    private func allClaims(under key: [UInt8], in txn: ReadTransaction) throws -> [Claim] {
        var result: [Claim] = []
        try txn.scanBlocks(claims, from: key, through: key) { _, values in
            for offset in stride(from: 0, to: values.count, by: Claim.size) { result.append(Claim(values, at: offset)) }
        }
        return result
    }

    /// Whether a claim's event counts now (§3): its original is not retracted, and the claim
    /// is the original's newest version.
    private func isLive(_ claim: Claim, in txn: ReadTransaction) throws -> Bool {
        let fate = try EffectiveEvents(store: self, txn: txn, asOf: try txn.head().position)
            .fate(ofOriginal: claim.original, day: claim.day.ordinal)
        return !fate.retracted && fate.latestCorrection == (claim.by == claim.original ? 0 : claim.by)
    }

    /// The id of a claim's original: the event to correct or retract.
    private func originalID(of claim: Claim, in txn: ReadTransaction) throws -> EventID {
        guard let stored = try txn.event(at: claim.original) else { throw LogError.corrupted("claims index names a missing event \(claim.original)") }
        return stored.id
    }

    /// The newest live mc.case with `caseID`, as it counts now (its occurred day and the case),
    /// and whether any case was ever logged with that id.
    private func openCase(_ caseID: String, in txn: ReadTransaction) throws -> (live: (Day, CoachingCase)?, logged: Bool) {
        let all = try allClaims(under: Claim.key(.case, caseID), in: txn)
        for claim in all.reversed() where try isLive(claim, in: txn) {
            guard let stored = try txn.event(at: claim.by) else { break }
            var event = try RecordedEvent(stored).event
            if case .correction(let c) = event.fact { event = c.replacement }
            if case .mcCase(let opened) = event.fact { return ((event.occurred, opened), true) }
        }
        return (nil, !all.isEmpty)
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
    /// The transaction's recorded time, rendered once.
    var recorded: (time: Milliseconds, field: [UInt8])?
    public init() {}
}

extension Event {
    /// This event with an id: its own, or else `freshID()` (then `isFresh`).
    func identified(by freshID: () -> EventID) -> (event: Event, isFresh: Bool) {
        guard id == nil else { return (self, false) }
        var event = self
        event.id = freshID()
        return (event, true)
    }

    var touchesMembership: Bool {
        switch fact {
        case .membership: true
        case .correction(let c): c.replacement.type == .membership
        case .retraction: true // might retract a membership
        default: false
        }
    }
}
