import EventLog
import Foundation

/// The registry's store: the event log plus the domain's indexes over it. Open one per
/// store directory and process and share it (see Concurrency.md).
public final class Store: Sendable {
    public let log: EventLog
    let day: LogIndex
    let targets: LogIndex
    let memberships: LogIndex
    let cases: LogIndex
    let organisations: LogIndex
    let claims: LogIndex
    /// User records this process has written (see `userRecordStamped`).
    let userWrites = Locked(0)

    /// The indexes the domain keeps beside the log.
    static let indexSpecs = [
        IndexSpec(name: "day", fixedValueSize: CompactRecord.size),
        IndexSpec(name: "targets", fixedValueSize: 9),
        IndexSpec(name: "membership"),
        IndexSpec(name: "cases"),
        IndexSpec(name: "organisations"),
        IndexSpec(name: "claims", fixedValueSize: Claim.size),
        usersSpec,
    ]

    /// Whether a store exists at `path`.
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("data.mdb"))
    }

    /// Opens the store at `path`, creating it when missing; a new store receives the
    /// federation's membership unless `seedMembership` is false.
    public init(path: String, seedMembership: Bool = true, initialMapSize: Int = 64 << 20) throws {
        let isNew = !Self.exists(at: path)
        log = try EventLog(path: path, options: LogOptions(initialMapSize: initialMapSize, indexes: Self.indexSpecs))
        day = log.index("day")
        targets = log.index("targets")
        memberships = log.index("membership")
        cases = log.index("cases")
        organisations = log.index("organisations")
        claims = log.index("claims")
        // The log computes the entries of its newest events itself (see EventLog's Tail).
        log.setIndexer { [unowned self] stored, txn in
            try indexEntries(for: RecordedEvent(stored).event, at: stored.position, in: txn)
        }
        // A store written before the claims existed gets them once (only events that can
        // claim an id are decoded).
        for index in log.unbuiltIndexes {
            try log.build(index) { stored, txn in
                guard Self.mayClaim(stored.bytes) else { return [] }
                return try indexEntries(for: RecordedEvent(stored).event, at: stored.position, in: txn)
            }
        }
        if isNew && seedMembership {
            _ = try append(Federation.membershipEvents())
        }
    }

    /// The newest position and hash.
    public func head() throws -> Head { try log.head() }

    /// The event at `seq`.
    public func event(at seq: Position) throws -> RecordedEvent? {
        try log.read { txn in try txn.event(at: seq).map { try RecordedEvent($0) } }
    }

    /// The event with this id.
    public func event(id: EventID) throws -> RecordedEvent? {
        try log.read { txn in
            guard let seq = try txn.position(of: id), let stored = try txn.event(at: seq) else { return nil }
            return try RecordedEvent(stored)
        }
    }

    /// The event with this id as it counts now (§3): the replacement of its newest correction,
    /// or itself; with the retraction that undid it, if one did. Nil when no event has this id.
    public func currentVersion(of id: EventID) throws -> (event: Event, retraction: Retraction?)? {
        try log.read { txn in
            guard let seq = try txn.position(of: id), let stored = try txn.event(at: seq) else { return nil }
            let original = try RecordedEvent(stored).event
            let fate = try EffectiveEvents(store: self, txn: txn, asOf: txn.head().position)
                .fate(ofOriginal: seq, day: original.occurred.ordinal)
            func fact(at position: Position) throws -> Fact? {
                guard position > 0, let stored = try txn.event(at: position) else { return nil }
                return try RecordedEvent(stored).event.fact
            }
            var retraction: Retraction?
            if case .retraction(let undo)? = try fact(at: fate.retraction) { retraction = undo }
            guard case .correction(let correction)? = try fact(at: fate.latestCorrection) else { return (original, retraction) }
            return (correction.replacement, retraction)
        }
    }

    /// Up to `limit` events after `seq`, in log order.
    public func events(after seq: Position, limit: Int = .max) throws -> [RecordedEvent] {
        try log.read { txn in
            var result: [RecordedEvent] = []
            try txn.forEachEvent(after: seq) { stored in
                result.append(try RecordedEvent(stored))
                return result.count < limit
            }
            return result
        }
    }

    /// Writes the export lines (§2) of every event after `seq` to `sink`, a chunk at a time.
    public func export(after seq: Position, limit: Int = .max, to sink: ([UInt8]) throws -> Void) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var written = 0
        try log.read { txn in
            try txn.forEachEvent(after: seq) { stored in
                buffer += RecordedEvent.exportLine(canonical: stored.bytes, hash: stored.hashHex)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 { try sink(buffer); buffer.removeAll(keepingCapacity: true) }
                written += 1
                return written < limit
            }
        }
        if !buffer.isEmpty { try sink(buffer) }
    }

    /// Recomputes the chain and every index; returns the head or throws at the first bad position.
    public func verify() throws -> Head {
        try log.read { txn in
            // One snapshot for the check and for working out the expected entries.
            var recordedField: (time: Milliseconds, field: [UInt8])?
            return try log.verify(in: txn) { stored in
                let recorded = try RecordedEvent(stored)
                guard recorded.event.id == stored.id else { throw InputError("the event's id differs from the stored id") }
                // The events of one transaction share their recorded time: rendered once.
                if recordedField?.time != stored.recorded {
                    recordedField = (stored.recorded, CanonicalTemplate.recordedField(stored.recorded))
                }
                let expected = CanonicalTemplate(recorded.event)
                    .render(seq: stored.position, recorded: stored.recorded, recordedField: recordedField?.field)
                guard expected == stored.bytes else { throw InputError("the stored JSON is not the canonical form of its event") }
                return try indexEntries(for: recorded.event, at: stored.position, in: txn)
            }
        }
    }

    /// A consistent compacted copy in a new directory.
    public func backup(to destination: String) throws { try log.backup(to: destination) }

    /// The last position recorded at or before `instant` (0 when none).
    public func position(recordedAtOrBefore instant: Date) throws -> Position {
        let limit = Milliseconds((instant.timeIntervalSince1970 * 1000).rounded())
        return try log.read { txn in
            var low: Position = 0, high = try txn.head().position
            while low < high {
                let mid = (low + high + 1) / 2
                guard let event = try txn.event(at: mid) else { break }
                if event.recorded <= limit { low = mid } else { high = mid - 1 }
            }
            return low
        }
    }
}
