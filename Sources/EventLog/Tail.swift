import CLMDB

/// The index entries of the newest events, kept in memory instead of in the B-trees.
///
/// A commit that wrote an event's id and index entries as well as the event itself would
/// dirty three B-trees or more, where a bare commit dirties one, and a durable commit costs
/// about what it writes. So the ids and derived entries of the events after the *watermark*
/// (the tail) stay out of the B-trees: every transaction computes them from the log (the
/// caller's indexer; computed entries are cached per position) and merges them into what
/// it reads. Once the tail is long enough a write transaction writes them all at once, sorted,
/// and moves the watermark, in the same atomic commit. The B-trees and the watermark are
/// therefore always consistent with the log, in every process and after any crash.
struct Tail {
    /// Positions up to here are in the B-trees.
    private(set) var watermark: Position
    /// The events of the tail, in position order.
    private(set) var events: [TailEvent] = []
    private(set) var ids: [EventID: Position] = [:]
    private(set) var entries: [MDB_dbi: SortedEntries] = [:]

    /// `capacity`: how many events the tail is expected to take before it is written.
    init(watermark: Position, capacity: Int = 0) {
        self.watermark = watermark
        events.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    var last: Position { watermark + Position(events.count) }

    /// Moves the watermark of an empty tail (the B-trees were written directly, in bulk mode).
    mutating func moveWatermark(to position: Position) {
        precondition(events.isEmpty && position >= watermark, "only an empty tail's watermark moves")
        watermark = position
    }

    mutating func add(_ event: TailEvent) {
        precondition(event.position == last + 1, "the tail grows one position at a time")
        events.append(event)
        ids[event.id] = event.position
        for entry in event.entries { insert(entry) }
    }

    /// Adds an entry of the newest event.
    mutating func add(_ entry: IndexEntry) {
        events[events.count - 1].entries.append(entry)
        insert(entry)
    }

    private mutating func insert(_ entry: IndexEntry) {
        guard entry.index.spec.isDerived else { return }
        entries[entry.index.dbi, default: SortedEntries(replacesValue: entry.index.spec.fixedValueSize == nil)]
            .insert(key: entry.key, value: entry.value)
    }
}

/// One event of the tail: what the B-trees will hold for it.
struct TailEvent: Sendable {
    let position: Position
    let id: EventID
    var entries: [IndexEntry]
}

/// What a transaction needs to build its tail: the log's cache and the caller's indexer.
struct TailContext: Sendable {
    let cache: TailCache
    let indexer: Indexer?
}

/// The index entries of a stored event, read through a transaction that sees every event
/// before it (see `EventLog.setIndexer`).
public typealias Indexer = @Sendable (StoredEvent, ReadTransaction) throws -> [IndexEntry]

/// (key, value) pairs in LMDB's order: keys by bytes; the values of one key by bytes too
/// (a fixed-size index), or one value a key that a later put replaces (any other index).
struct SortedEntries {
    let replacesValue: Bool
    private(set) var pairs: [(key: [UInt8], value: [UInt8])] = []

    init(replacesValue: Bool) { self.replacesValue = replacesValue }

    mutating func insert(key: [UInt8], value: [UInt8]) {
        // Entries mostly come in order (days of an import, ids made in time order): append.
        if let last = pairs.last {
            let order = compareBytes(last.key, key)
            if order < 0 || (order == 0 && !replacesValue && compareBytes(last.value, value) < 0) {
                pairs.append((key, value))
                return
            }
        } else {
            pairs.append((key, value))
            return
        }
        var low = 0, high = pairs.count
        while low < high {
            let mid = (low + high) / 2
            let order = replacesValue ? compareBytes(pairs[mid].key, key) : compare(pairs[mid], (key, value))
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        if low < pairs.count, compareBytes(pairs[low].key, key) == 0 {
            if replacesValue { pairs[low].value = value; return }
            if compareBytes(pairs[low].value, value) == 0 { return }
        }
        pairs.insert((key, value), at: low)
    }

    /// The first pair whose key is at or after `key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0, high = pairs.count
        while low < high {
            let mid = (low + high) / 2
            if compareBytes(pairs[mid].key, key) < 0 { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The first value under `key`.
    func value(forKey key: [UInt8]) -> [UInt8]? {
        let i = lowerBound(key)
        guard i < pairs.count, compareBytes(pairs[i].key, key) == 0 else { return nil }
        return pairs[i].value
    }

    private func compare(_ a: (key: [UInt8], value: [UInt8]), _ b: (key: [UInt8], value: [UInt8])) -> Int {
        let keys = compareBytes(a.key, b.key)
        return keys != 0 ? keys : compareBytes(a.value, b.value)
    }
}

/// Compares byte strings as LMDB's default comparator does (memcmp, then length).
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { compare($0, b) }
}

/// Computed tails, shared by the transactions of one `EventLog`: the newest whole tail (a
/// transaction that sees at least its events starts from it) and its events by position (for
/// a transaction on an older snapshot).
final class TailCache: Sendable {
    private struct State {
        var latest: Tail?
        var events: [Position: TailEvent] = [:]
    }
    private let state = Locked(State())

    /// The newest remembered tail that a snapshot with this watermark and head can extend.
    func tail(watermark: Position, head: Position) -> Tail? {
        state.withLock { state in
            guard let latest = state.latest, latest.watermark == watermark, latest.last <= head else { return nil }
            return latest
        }
    }

    func event(at position: Position) -> TailEvent? { state.withLock { $0.events[position] } }

    /// Remembers a tail of committed events; forgets events at or below its watermark.
    func remember(_ tail: Tail) {
        state.withLock { state in
            if let latest = state.latest, latest.watermark == tail.watermark, latest.last >= tail.last { return }
            state.latest = tail
            if state.events.keys.contains(where: { $0 <= tail.watermark }) {
                state.events = state.events.filter { $0.key > tail.watermark }
            }
            for event in tail.events where state.events[event.position] == nil { state.events[event.position] = event }
        }
    }
}
