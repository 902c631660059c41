import CLMDB
import Foundation

/// A write view of the log, valid only inside the closure that lends it.
public final class WriteTransaction: ReadTransaction {
    private(set) var currentHead: Head
    /// The recorded time given to every event of this transaction.
    public let recorded: Milliseconds
    /// Set when any write hit `MDB_MAP_FULL`, even if the caller swallowed the error.
    var mapFull = false
    /// Set by every successful put or delete (and by a savepoint that kept its writes): LMDB
    /// commits a transaction that changed nothing without giving it a number.
    private(set) var wrote = false
    private let parent: WriteTransaction?
    /// One cursor per database, opened on first use: a put through a cursor skips the setup
    /// `mdb_put` repeats. LMDB closes a write transaction's cursors when it ends.
    private var cursors = [OpaquePointer?](repeating: nil, count: 64)
    /// Positions after this one were appended by this transaction (or its parent).
    private let firstHead: Position
    /// Events appended since the tail was last written into the B-trees here.
    private var unwritten = 0
    /// Bulk mode (see `beginBulk`): ids and entries go straight into the B-trees.
    private var isBulk = false
    /// In bulk mode, the greatest id in the id index (nil while it is empty).
    private var greatestID: EventID?
    /// In bulk mode, the values of one key of an index of fixed-size values, waiting to be
    /// written together in one call (`MDB_MULTIPLE`): an import's events come day after day,
    /// and writing a day's records one by one costs a descent of its duplicates each.
    private var pendingIndex: MDB_dbi?
    private var pendingKey: [UInt8] = []
    private var pendingValues: [UInt8] = []
    private var pendingSize = 0

    /// A tail this long is written into the B-trees at the end of a transaction; one that
    /// grows this long within a transaction (a large group commit) is written at once. A batch
    /// meant to be large (an import) uses bulk mode instead.
    static let tailToWrite = 32, tailToWriteAtOnce = 4096

    init(txn: OpaquePointer, databases: Databases, parent: WriteTransaction?, tailContext: TailContext?, recorded given: Milliseconds? = nil) throws {
        let stored = ReadTransaction(txn: txn, databases: databases, tailContext: nil)
        let head: Head
        if let parent { head = parent.currentHead } else { head = try stored.head() }
        self.currentHead = head
        self.parent = parent
        firstHead = parent?.firstHead ?? head.position
        let now = Milliseconds((Date().timeIntervalSince1970 * 1000).rounded(.down))
        if let given, given < head.recorded {
            throw LogError.corrupted("recorded time \(given) is before the head's \(head.recorded)")
        }
        self.recorded = parent?.recorded ?? given ?? max(now, head.recorded)
        super.init(txn: txn, databases: databases, tailContext: tailContext)
        if let parent {
            builtTail = try parent.tail()
            unwritten = parent.unwritten
        }
    }

    override public func head() throws -> Head { currentHead }

    /// Starts bulk mode for the rest of this transaction, for a large batch (an import): the ids
    /// and index entries of the events it appends go straight into the B-trees, and the
    /// watermark follows the head. The tail stays empty, so the batch is spared keeping,
    /// sorting and freeing thousands of entries in memory; a batch that large dirties most of
    /// the B-trees' last pages anyway. Not for a transaction with savepoints.
    public func beginBulk() throws {
        precondition(parent == nil, "bulk mode is for a top-level transaction")
        guard !isBulk else { return }
        try writeTailIfDue(always: true)
        greatestID = try lastID()
        isBulk = true
    }

    /// Appends one event: gives it the next position and this transaction's recorded time,
    /// lets `render` produce its bytes and extends the hash chain; its id joins the tail (in
    /// bulk mode, the id index, before the event). An id already in the log appends nothing
    /// and returns the stored event with `isNew` false. `fresh` promises the id was just
    /// generated, which spares the look-up (the id index still refuses a duplicate when the
    /// tail is written, or at once in bulk mode).
    public func append(
        id: EventID, fresh: Bool = false, render: (Position, Milliseconds) throws -> [UInt8]
    ) throws -> (event: StoredEvent, isNew: Bool) {
        if let existing = try existing(id, fresh: fresh) { return (existing, false) }
        let bytes = try render(currentHead.position + 1, recorded)
        let head = try appendNew(id: id, byteCount: bytes.count) { value in
            bytes.withUnsafeBytes { value.copyMemory(from: $0) }
        }
        return (StoredEvent(position: head.position, recorded: recorded, hash: head.hash, id: id, bytes: bytes), true)
    }

    /// Appends one event whose id the caller found not to be in the log (the id index still
    /// refuses a duplicate), writing its bytes straight into the log's page: `byteCount` tells
    /// how many the event at a position has, and `write` writes them there. Nothing is copied
    /// or kept. Returns the new head.
    public func append(
        newID id: EventID, byteCount: (Position) -> Int, write: (Position, UnsafeMutableRawBufferPointer) -> Void
    ) throws -> Head {
        let position = currentHead.position + 1
        return try appendNew(id: id, byteCount: byteCount(position)) { write(position, $0) }
    }

    /// The stored event with this id, if any (a fresh id is only looked for in the tail, a
    /// dictionary look-up).
    private func existing(_ id: EventID, fresh: Bool) throws -> StoredEvent? {
        guard let position = fresh ? try tail().ids[id] : try position(of: id) else { return nil }
        return try event(at: position)
    }

    /// Appends an event with a new id at the next position; `write` fills its bytes.
    private func appendNew(id: EventID, byteCount: Int, write: (UnsafeMutableRawBufferPointer) -> Void) throws -> Head {
        _ = try tail() // built before the event joins it
        let position = currentHead.position + 1
        if isBulk {
            // First: a duplicate id is refused before anything of the event is written.
            let isGreatest = greatestID.map { $0 < id } ?? true
            try writeID(id, at: position, append: isGreatest)
            if isGreatest { greatestID = id }
        }
        var key = LogKey(position)
        var hash = ChainHash()
        let previous = currentHead.hash, recorded = self.recorded
        try withUnsafeBytes(of: &key) { key in
            // The value is written straight into the page LMDB reserves for it, and hashed there.
            try self.write(databases.log, key: key, reserving: StoredEvent.headerSize + byteCount, flags: MDB_APPEND) { value in
                let bytes = UnsafeMutableRawBufferPointer(rebasing: value[StoredEvent.headerSize...])
                write(bytes)
                hash = chainHash(previous: previous, bytes: UnsafeRawBufferPointer(bytes))
                StoredEvent.writeHeader(recorded: recorded, hash: hash, id: id, to: value)
            }
        }
        currentHead = Head(position: position, hash: hash, recorded: recorded)
        if isBulk {
            builtTail!.moveWatermark(to: position)
        } else {
            // The id and the entries the caller puts next wait in the tail.
            builtTail!.add(TailEvent(position: position, id: id, entries: []))
            unwritten += 1
            if unwritten >= Self.tailToWriteAtOnce { try writeTail() }
        }
        return currentHead
    }

    /// Writes an entry into a secondary index. `appendDuplicate` promises the value sorts after
    /// every value already under `key` (true for values that start with a new position).
    public func put(_ value: [UInt8], forKey key: [UInt8], in index: LogIndex, appendDuplicate: Bool = false) throws {
        if let size = index.spec.fixedValueSize {
            precondition(value.count == size, "index \(index.spec.name) takes \(size)-byte values")
        }
        try checkSize(key: key.count, value: value.count, in: index)
        try key.withUnsafeBytes { key in
            try value.withUnsafeBytes { value in
                try write(index.dbi, key: key, value: value, flags: appendDuplicate ? MDB_APPENDDUP : 0)
            }
        }
    }

    /// Writes an `IndexEntry`. The entries of an event appended in this transaction to an
    /// index derived from the log wait in the tail with the event (except in bulk mode).
    public func put(_ entry: IndexEntry) throws {
        if !isBulk, entry.index.spec.isDerived, let last = try tail().events.last, last.position > firstHead {
            // Refused now, with the event's append: in the B-trees it would fail the write
            // that flushes the tail, and every write after it.
            try checkSize(of: entry)
            builtTail!.add(entry)
            return
        }
        try put(entry.value, forKey: entry.key, in: entry.index, appendDuplicate: entry.index.spec.fixedValueSize != nil)
    }

    /// Writes an `IndexEntry` given as bytes the caller lends (in bulk mode, an import, without
    /// making an `IndexEntry`; the values of a fixed-size index wait to be written together).
    public func putEntry(_ value: UnsafeRawBufferPointer, forKey key: UnsafeRawBufferPointer, in index: LogIndex) throws {
        guard isBulk else { return try put(IndexEntry(index, key: Array(key), value: Array(value))) }
        try checkSize(key: key.count, value: value.count, in: index)
        guard let size = index.spec.fixedValueSize else { return try write(index.dbi, key: key, value: value, flags: 0) }
        precondition(value.count == size, "index \(index.spec.name) takes \(size)-byte values")
        // The values of one key wait, to be written together; they sort after the key's stored
        // ones (they start with new positions).
        if pendingIndex != index.dbi || !pendingKey.elementsEqual(key) {
            try writePending()
            pendingIndex = index.dbi
            pendingKey = Array(key)
            pendingSize = size
        }
        pendingValues.append(contentsOf: value)
    }

    /// Throws `LogError.entryTooLarge` for an entry LMDB would refuse: an empty key, or a key
    /// (in an index of many values a key, also a value) longer than the store takes. `put`
    /// checks it too; a caller that must refuse an event before appending it checks first.
    public func checkSize(of entry: IndexEntry) throws {
        try checkSize(key: entry.key.count, value: entry.value.count, in: entry.index)
    }

    private func checkSize(key: Int, value: Int, in index: LogIndex) throws {
        let bytes = index.spec.fixedValueSize == nil ? key : max(key, value)
        guard key == 0 || bytes > databases.maxKeySize else { return }
        throw LogError.entryTooLarge(index: index.spec.name, bytes: bytes, limit: databases.maxKeySize)
    }

    /// In bulk mode, an id greater than every id in the index is not looked up: an import of
    /// exported events, whose ids increase, spares a look-up per event.
    override public func position(of id: EventID) throws -> Position? {
        if isBulk, greatestID.map({ $0 < id }) ?? true { return nil }
        return try super.position(of: id)
    }

    override func willRead(_ dbi: MDB_dbi) throws {
        if dbi == pendingIndex { try writePending() }
    }

    /// Writes the values waiting for one key, in one call.
    private func writePending() throws {
        guard let dbi = pendingIndex else { return }
        pendingIndex = nil
        guard !pendingValues.isEmpty else { return }
        defer { pendingValues.removeAll(keepingCapacity: true) }
        let count = pendingValues.count / pendingSize
        try pendingKey.withUnsafeBytes { key in
            try pendingValues.withUnsafeMutableBytes { values in
                var keyVal = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
                var data = (MDB_val(mv_size: pendingSize, mv_data: values.baseAddress), MDB_val(mv_size: count, mv_data: nil))
                try withUnsafeMutablePointer(to: &data) { data in
                    try data.withMemoryRebound(to: MDB_val.self, capacity: 2) { data in
                        try checkPut(mdb_cursor_put(try cursor(dbi), &keyVal, data, UInt32(MDB_MULTIPLE | MDB_APPENDDUP)))
                        precondition(data[1].mv_size == count, "LMDB wrote every value")
                    }
                }
            }
        }
        wrote = true
    }

    /// Writes the tail into the B-trees (ids and derived indexes, each in key order) and
    /// moves the watermark to the head, when the tail is long enough or `always`.
    func writeTailIfDue(always: Bool) throws {
        try writePending()
        let tail = try tail()
        if isBulk, tail.watermark > firstHead {
            try writeWatermark(tail.watermark) // bulk mode moved it
            return
        }
        guard !tail.events.isEmpty, always || tail.events.count >= Self.tailToWrite else { return }
        try writeTail()
    }

    private func writeTail() throws {
        let tail = try tail()
        for (dbi, sorted) in tail.entries {
            // A key's pending values sort after its stored ones: they append to its duplicates.
            let flags = sorted.replacesValue ? 0 : MDB_APPENDDUP
            for pair in sorted.pairs {
                try pair.key.withUnsafeBytes { k in
                    try pair.value.withUnsafeBytes { v in try write(dbi, key: k, value: v, flags: flags) }
                }
            }
        }
        // Ids made in time order need no sort, and usually sort after every stored id.
        var ids = tail.events.map { ($0.id, $0.position) }
        if !zip(ids, ids.dropFirst()).allSatisfy({ $0.0 < $1.0 }) { ids.sort { $0.0 < $1.0 } }
        var append = false
        if let first = ids.first?.0 { append = try lastID().map { $0 < first } ?? true }
        for (id, position) in ids { try writeID(id, at: position, append: append) }
        try writeWatermark(tail.last)
        // The next tail is likely as long as this one (a large transaction writes one every 4096 events).
        builtTail = Tail(watermark: tail.last, capacity: tail.events.count)
        unwritten = 0
    }

    /// Puts an id into the id index; `append` promises it sorts after every id there.
    private func writeID(_ id: EventID, at position: Position, append: Bool) throws {
        var value = position.bigEndian
        try id.withKey { k in
            try withUnsafeBytes(of: &value) { v in
                try write(databases.ids, key: k, value: v, flags: append ? MDB_APPEND : MDB_NOOVERWRITE)
            }
        }
    }

    /// Records that the B-trees hold the ids and entries of every event up to `position`.
    private func writeWatermark(_ position: Position) throws {
        var watermark = position.bigEndian
        try MetaKey.indexed.withUnsafeBytes { k in
            try withUnsafeBytes(of: &watermark) { v in try write(databases.meta, key: k, value: v, flags: 0) }
        }
    }

    /// Removes `key` (with every value under it) from an index; false when it was absent.
    @discardableResult
    public func delete(_ key: [UInt8], in index: LogIndex) throws -> Bool {
        try willRead(index.dbi)
        let rc = key.withUnsafeBytes { k in
            var keyVal = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            return mdb_del(txn, index.dbi, &keyVal, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_del")
        wrote = true
        return true
    }

    /// Removes a record of the log's own (see `MetaKey`).
    func deleteMeta(_ key: [UInt8]) throws {
        let rc = key.withUnsafeBytes { k in
            var keyVal = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            return mdb_del(txn, databases.meta, &keyVal, nil)
        }
        if rc == MDB_NOTFOUND { return }
        try checkPut(rc)
        wrote = true
    }

    /// Runs `body` in a nested transaction: if it throws, only its own writes are undone.
    public func savepoint<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        precondition(!isBulk, "a transaction in bulk mode has no savepoints")
        // Built here: while the child is open this transaction cannot be read.
        _ = try tail()
        var child: OpaquePointer?
        try check(mdb_txn_begin(mdb_txn_env(txn), txn, 0, &child), "beginning a nested transaction")
        let nested: WriteTransaction
        do {
            nested = try WriteTransaction(txn: child!, databases: databases, parent: self, tailContext: tailContext)
        } catch {
            mdb_txn_abort(child)
            throw error
        }
        do {
            let result = try body(nested)
            if nested.mapFull { throw LogError.mapFull }
            try check(mdb_txn_commit(child), "committing a nested transaction")
            currentHead = nested.currentHead
            builtTail = nested.builtTail
            unwritten = nested.unwritten
            wrote = wrote || nested.wrote
            return result
        } catch {
            if nested.mapFull { mapFull = true }
            mdb_txn_abort(child)
            throw error
        }
    }

    /// Puts through the database's cursor.
    private func write(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: Int32) throws {
        if dbi == pendingIndex { try writePending() }
        var keyVal = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataVal = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try checkPut(mdb_cursor_put(try cursor(dbi), &keyVal, &dataVal, UInt32(flags)))
        wrote = true
    }

    private func cursor(_ dbi: MDB_dbi) throws -> OpaquePointer {
        let slot = Int(dbi)
        guard slot < cursors.count else { return try openCursor(dbi) }
        if let cursor = cursors[slot] { return cursor }
        let cursor = try openCursor(dbi)
        cursors[slot] = cursor
        return cursor
    }

    /// Reserves `count` bytes for the value under `key` and lets `fill` write them.
    private func write(
        _ dbi: MDB_dbi, key: UnsafeRawBufferPointer, reserving count: Int, flags: Int32,
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws {
        var keyVal = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataVal = MDB_val(mv_size: count, mv_data: nil)
        try checkPut(mdb_cursor_put(try cursor(dbi), &keyVal, &dataVal, UInt32(flags | MDB_RESERVE)))
        wrote = true
        fill(UnsafeMutableRawBufferPointer(start: dataVal.mv_data, count: count))
    }

    /// The greatest id in the id index.
    private func lastID() throws -> EventID? {
        var key = MDB_val(), data = MDB_val()
        let rc = mdb_cursor_get(try cursor(databases.ids), &key, &data, MDB_LAST)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "reading the id index")
        return EventID(bytes: UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size))
    }

    private func checkPut(_ rc: Int32) throws {
        if rc == MDB_MAP_FULL {
            markMapFull()
            throw LogError.mapFull
        }
        try check(rc, "mdb_put")
    }

    private func markMapFull() {
        mapFull = true
        parent?.markMapFull()
    }

    static func put(_ txn: OpaquePointer, _ dbi: MDB_dbi, key: [UInt8], value: [UInt8], flags: UInt32) throws {
        let rc = key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                var keyVal = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var dataVal = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                return mdb_put(txn, dbi, &keyVal, &dataVal, flags)
            }
        }
        if rc == MDB_MAP_FULL { throw LogError.mapFull }
        try check(rc, "mdb_put")
    }
}
