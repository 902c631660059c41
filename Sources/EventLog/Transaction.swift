import CLMDB
import Foundation

/// A read view of the log, valid only inside the closure that lends it.
public class ReadTransaction {
    let txn: OpaquePointer
    let databases: Databases
    let tailContext: TailContext?
    /// Built on first use (see `Tail`); while it is being built, the part built so far.
    var builtTail: Tail?
    /// Set for a read-only transaction: every value read is checked to lie in the file. (A
    /// write transaction reads its own new pages from memory and spilled ones past the last
    /// commit's pages, so it has no such bound.)
    var mappedFile: MappedFile?

    /// `value`, refused when it lies past the data file (see `MappedFile`).
    @inline(__always)
    func checked(_ value: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        try mappedFile?.check(value)
        return value
    }

    init(txn: OpaquePointer, databases: Databases, tailContext: TailContext?) {
        self.txn = txn
        self.databases = databases
        self.tailContext = tailContext
    }

    /// The ids and index entries of the events after the watermark.
    func tail() throws -> Tail {
        if let builtTail { return builtTail }
        let watermark = try self.watermark()
        let head = try head().position
        builtTail = tailContext?.cache.tail(watermark: watermark, head: head) ?? Tail(watermark: watermark)
        let known = builtTail!.last
        guard head > known else { return builtTail! }
        do {
            for position in (known + 1)...head {
                if let event = tailContext?.cache.event(at: position) {
                    builtTail!.add(event)
                    continue
                }
                guard let stored = try event(at: position) else {
                    throw LogError.corrupted("event \(position) is missing below the head \(head)")
                }
                builtTail!.add(TailEvent(position: position, id: stored.id, entries: []))
                guard let indexer = tailContext?.indexer else {
                    // Entries of derived indexes cannot be worked out: reading on would miss them.
                    if databases.indexes.values.contains(where: \.spec.isDerived) {
                        throw LogError.corrupted("the log was opened without the indexer its derived indexes need")
                    }
                    continue
                }
                // The indexer reads through this transaction and sees the tail built so far.
                let entries: [IndexEntry]
                do { entries = try indexer(stored, self) } catch {
                    throw LogError.corrupted("event \(position) cannot be indexed: \(error)")
                }
                for entry in entries { builtTail!.add(entry) }
            }
        } catch {
            builtTail = nil // never a half-built tail
            throw error
        }
        tailContext?.cache.remember(builtTail!)
        return builtTail!
    }

    /// The number of the commit this transaction sees (see `EventLog.lastCommit`).
    public var snapshot: Int { mdb_txn_id(txn) }

    /// The last position whose ids and index entries are in the B-trees (as committed: inside a
    /// transaction in bulk mode the B-trees already hold more, until its commit moves it).
    func watermark() throws -> Position {
        try withValue(databases.meta, key: MetaKey.indexed) { value in
            guard value.count == 8 else { throw LogError.corrupted("store damaged: the index watermark has \(value.count) bytes") }
            return value.loadBigEndian(UInt64.self, at: 0)
        } ?? 0
    }

    /// The newest position, its hash and its recorded time.
    /// Read from the last stored event, so a commit writes no separate head record.
    public func head() throws -> Head {
        let cursor = try openCursor(databases.log)
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(), data = MDB_val()
        let rc = mdb_cursor_get(cursor, &key, &data, MDB_LAST)
        if rc == MDB_NOTFOUND { return .empty }
        try check(rc, "reading the head")
        // The last key of the main database is a database's name while the log is empty.
        guard let position = LogKey.position(UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)) else { return .empty }
        let event = try StoredEvent(position: position, stored: checked(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size)))
        return Head(position: event.position, hash: event.hash, recorded: event.recorded)
    }

    /// The event stored at `position`, or nil past the head.
    public func event(at position: Position) throws -> StoredEvent? {
        var key = LogKey(position)
        return try withUnsafeBytes(of: &key) { key in
            try withValue(databases.log, key: key) { try StoredEvent(position: position, stored: $0) }
        }
    }

    /// The position of the event with this id, if it is in the log.
    public func position(of id: EventID) throws -> Position? {
        let stored = try id.withKey { key in
            try withValue(databases.ids, key: key) { value in
                guard value.count == 8 else { throw LogError.corrupted("store damaged: the id index entry of \(id) has \(value.count) bytes") }
                return value.loadBigEndian(UInt64.self, at: 0)
            }
        }
        return try stored ?? tail().ids[id]
    }

    /// Calls `body` with each event after `position`, in order, until it returns false.
    public func forEachEvent(after position: Position, _ body: (StoredEvent) throws -> Bool) throws {
        // A long scan in a read-only transaction hands back the pages it has read now and then,
        // so its memory does not grow with the log (see `MappedFile.releasePages`).
        var unreleased = 0
        try scan(databases.log, from: LogKey(position + 1).bytes) { key, value in
            guard let position = LogKey.position(key) else { return false }
            if let mappedFile {
                unreleased += value.count
                if unreleased >= Self.scanReleaseBytes { mappedFile.releasePages(); unreleased = 0 }
            }
            return try body(try StoredEvent(position: position, stored: value))
        }
    }

    /// How many bytes of events a read-only scan reads between releases of the map's pages.
    static let scanReleaseBytes = 256 << 20

    /// The value stored under `key` in a secondary index (the first one for duplicates).
    public func value(forKey key: [UInt8], in index: LogIndex) throws -> [UInt8]? {
        guard index.spec.isDerived, let pending = try tail().entries[index.dbi] else { return try get(index.dbi, key: key) }
        // A later put replaces a value; the tail's values of a fixed-size index sort last.
        if pending.replacesValue { return try pending.value(forKey: key) ?? get(index.dbi, key: key) }
        return try get(index.dbi, key: key) ?? pending.value(forKey: key)
    }

    /// Calls `body` with each (key, value) of `index` from `lower` on, in key order, until it
    /// returns false or the key passes `upper` (inclusive, compared as bytes).
    /// The buffers are valid only during the call.
    public func scan(
        _ index: LogIndex, from lower: [UInt8], through upper: [UInt8]? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let pending = index.spec.isDerived ? try tail().entries[index.dbi] : nil
        let pairs = pending?.pairs ?? []
        let replaces = pending?.replacesValue ?? false
        var next = pending?.lowerBound(lower) ?? 0
        var stopped = false
        func emit(_ key: [UInt8], _ value: [UInt8]) throws {
            stopped = try !key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(k, v) } }
        }
        func pendingInRange() -> Bool {
            guard next < pairs.count else { return false }
            guard let upper else { return true }
            return compareBytes(pairs[next].key, upper) <= 0
        }
        // Stored and pending entries, merged in key (then value) order.
        try scan(index.dbi, from: lower) { key, value in
            if let upper, compare(key, upper) > 0 { return false }
            while !stopped, pendingInRange() {
                let pair = pairs[next]
                var order = compare(key, pair.key)
                if order == 0, !replaces { order = compare(value, pair.value) }
                if order < 0 { break }
                next += 1
                try emit(pair.key, pair.value)
                // The same key: the pending value replaces the stored one (or is the same pair).
                if order == 0 { return !stopped }
            }
            if stopped { return false }
            stopped = try !body(key, value)
            return !stopped
        }
        while !stopped, pendingInRange() {
            try emit(pairs[next].key, pairs[next].value)
            next += 1
        }
    }

    /// Calls `body` with every value of a fixed-size-value index whose key lies in
    /// `lower...upper`, a page of values at a time (`values.count` is a multiple of the size).
    public func scanBlocks(
        _ index: LogIndex, from lower: [UInt8], through upper: [UInt8],
        _ body: (_ key: UnsafeRawBufferPointer, _ values: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let size = index.spec.fixedValueSize else { preconditionFailure("scanBlocks needs a fixed-size index") }
        // The tail's values of a key come after the stored ones (they belong to later events),
        // so each key's pending values follow its stored blocks as one more block.
        let pending = try tail().entries[index.dbi]
        let pairs = pending?.pairs ?? []
        var next = pending?.lowerBound(lower) ?? 0
        func emitPending(before key: UnsafeRawBufferPointer?, orEqual: Bool) throws {
            while next < pairs.count, compareBytes(pairs[next].key, upper) <= 0 {
                let pendingKey = pairs[next].key
                if let key {
                    let order = compare(key, pendingKey)
                    if order < 0 || (order == 0 && !orEqual) { return }
                }
                var values: [UInt8] = []
                while next < pairs.count, pairs[next].key == pendingKey {
                    values += pairs[next].value
                    next += 1
                }
                try pendingKey.withUnsafeBytes { k in try values.withUnsafeBytes { v in try body(k, v) } }
            }
        }
        let cursor = try openCursor(index.dbi)
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(), data = MDB_val()
        var rc = position(cursor, atOrAfter: lower, &key, &data)
        while rc == 0 {
            let keyBuffer = try checked(UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size))
            if compare(keyBuffer, upper) > 0 { break }
            try emitPending(before: keyBuffer, orEqual: false)
            // A key with one value has no sub-page: GET_MULTIPLE leaves `data` as positioned.
            rc = mdb_cursor_get(cursor, &key, &data, MDB_GET_MULTIPLE)
            while rc == 0 {
                // Callers read whole values: a block of another length is a damaged page.
                guard data.mv_size % size == 0 else {
                    throw LogError.corrupted("store damaged: index \(index.spec.name) holds a block of \(data.mv_size) bytes, not a multiple of \(size)")
                }
                try body(keyBuffer, checked(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size)))
                rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT_MULTIPLE)
            }
            guard rc == MDB_NOTFOUND else { break }
            try emitPending(before: keyBuffer, orEqual: true)
            rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT_NODUP)
        }
        if rc != MDB_NOTFOUND && rc != 0 { try check(rc, "reading index \(index.spec.name)") }
        try emitPending(before: nil, orEqual: true)
    }

    /// Number of entries (duplicates included) in an index.
    public func count(_ index: LogIndex) throws -> Int {
        var count = try entries(index.dbi)
        guard index.spec.isDerived, let pending = try tail().entries[index.dbi] else { return count }
        for pair in pending.pairs {
            // A pending value that replaces a stored one adds no entry.
            let stored = pending.replacesValue
                ? try get(index.dbi, key: pair.key) != nil
                : try contains(IndexEntry(index, key: pair.key, value: pair.value))
            if !stored { count += 1 }
        }
        return count
    }

    // MARK: - Plumbing

    /// Called before this transaction reads `dbi`: a write transaction first writes what it
    /// holds back for it (see `WriteTransaction.putEntry`).
    func willRead(_ dbi: MDB_dbi) throws {}

    func entries(_ dbi: MDB_dbi) throws -> Int {
        try willRead(dbi)
        var stat = MDB_stat()
        try check(mdb_stat(txn, dbi, &stat), "mdb_stat")
        return stat.ms_entries
    }

    func get(_ dbi: MDB_dbi, key: [UInt8]) throws -> [UInt8]? {
        try withValue(dbi, key: key) { Array($0) }
    }

    func withValue<T>(_ dbi: MDB_dbi, key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try key.withUnsafeBytes { try withValue(dbi, key: $0, body) }
    }

    func withValue<T>(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try willRead(dbi)
        var data = MDB_val()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_get(txn, dbi, &k, &data)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_get")
        return try body(checked(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size)))
    }

    /// Puts `cursor` on the first key at or after `lower` (the first key for an empty one).
    private func position(_ cursor: OpaquePointer, atOrAfter lower: [UInt8], _ key: inout MDB_val, _ data: inout MDB_val) -> Int32 {
        guard !lower.isEmpty else { return mdb_cursor_get(cursor, &key, &data, MDB_FIRST) }
        return lower.withUnsafeBytes { bytes in
            key = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return mdb_cursor_get(cursor, &key, &data, MDB_SET_RANGE)
        }
    }

    func openCursor(_ dbi: MDB_dbi) throws -> OpaquePointer {
        try willRead(dbi)
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open")
        return cursor!
    }

    func scan(
        _ dbi: MDB_dbi, from lower: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let cursor = try openCursor(dbi)
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(), data = MDB_val()
        var rc = position(cursor, atOrAfter: lower, &key, &data)
        while rc == 0 {
            let more = try body(
                checked(UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)),
                checked(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size)))
            if !more { return }
            rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try check(rc, "scanning") }
    }
}

/// Compares two byte strings as LMDB's default comparator does (memcmp, then length).
func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { b in
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

extension Position {
    /// The 8-byte big-endian key: byte order equals numeric order.
    var key: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        bytes.appendBigEndian(self)
        return bytes
    }
}

/// The log lives in LMDB's main database, beside the records that name the other databases:
/// a commit that appends only an event then dirties one B-tree, as a bare commit does. Its
/// keys are 0xFF and the 8-byte big-endian position, so they sort after every database name
/// (and in position order), and the last key is the head.
struct LogKey {
    static let prefix: UInt8 = 0xFF
    let prefix = LogKey.prefix
    /// The position's 8 big-endian bytes; with `prefix`, the key is this struct's 9 bytes.
    let position: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    init(_ position: Position) {
        self.position = unsafeBitCast(position.bigEndian, to: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8).self)
    }

    var bytes: [UInt8] { withUnsafeBytes(of: self) { Array($0) } }

    /// The position a main-database key stands for, or nil for a database's name.
    static func position(_ key: UnsafeRawBufferPointer) -> Position? {
        guard key.count == 9, key[0] == prefix else { return nil }
        return key.loadBigEndian(UInt64.self, at: 1)
    }
}
