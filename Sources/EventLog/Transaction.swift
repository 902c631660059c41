import CLMDB
import Foundation

/// A read view of the log, valid only inside the closure that lends it.
public class ReadTransaction {
    let txn: OpaquePointer
    let databases: Databases

    init(txn: OpaquePointer, databases: Databases) {
        self.txn = txn
        self.databases = databases
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
        let event = StoredEvent(
            position: UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size).loadBigEndian(UInt64.self, at: 0),
            stored: UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
        return Head(position: event.position, hash: event.hash, recorded: event.recorded)
    }

    /// The event stored at `position`, or nil past the head.
    public func event(at position: Position) throws -> StoredEvent? {
        try withValue(databases.log, key: position.key) { StoredEvent(position: position, stored: $0) }
    }

    /// The position of the event with this id, if it is in the log.
    public func position(of id: EventID) throws -> Position? {
        try withValue(databases.ids, key: id.bytes) { $0.loadBigEndian(UInt64.self, at: 0) }
    }

    /// Calls `body` with each event after `position`, in order, until it returns false.
    public func forEachEvent(after position: Position, _ body: (StoredEvent) throws -> Bool) throws {
        try scan(databases.log, from: (position + 1).key) { key, value in
            try body(StoredEvent(position: key.loadBigEndian(UInt64.self, at: 0), stored: value))
        }
    }

    /// The value stored under `key` in a secondary index (the first one for duplicates).
    public func value(forKey key: [UInt8], in index: LogIndex) throws -> [UInt8]? {
        try get(index.dbi, key: key)
    }

    /// Calls `body` with each (key, value) of `index` from `lower` on, in key order, until it
    /// returns false or the key passes `upper` (inclusive, compared as bytes).
    /// The buffers are valid only during the call.
    public func scan(
        _ index: LogIndex, from lower: [UInt8], through upper: [UInt8]? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try scan(index.dbi, from: lower) { key, value in
            if let upper, compare(key, upper) > 0 { return false }
            return try body(key, value)
        }
    }

    /// Calls `body` with every value of a fixed-size-value index whose key lies in
    /// `lower...upper`, a page of values at a time (`values.count` is a multiple of the size).
    public func scanBlocks(
        _ index: LogIndex, from lower: [UInt8], through upper: [UInt8],
        _ body: (_ key: UnsafeRawBufferPointer, _ values: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        precondition(index.spec.fixedValueSize != nil, "scanBlocks needs a fixed-size index")
        let cursor = try openCursor(index.dbi)
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(), data = MDB_val()
        var rc = position(cursor, atOrAfter: lower, &key, &data)
        while rc == 0 {
            let keyBuffer = UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)
            if compare(keyBuffer, upper) > 0 { return }
            // A key with one value has no sub-page: GET_MULTIPLE leaves `data` as positioned.
            rc = mdb_cursor_get(cursor, &key, &data, MDB_GET_MULTIPLE)
            while rc == 0 {
                try body(keyBuffer, UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
                rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT_MULTIPLE)
            }
            guard rc == MDB_NOTFOUND else { break }
            rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT_NODUP)
        }
        if rc != MDB_NOTFOUND { try check(rc, "reading index \(index.spec.name)") }
    }

    /// Number of entries (duplicates included) in an index.
    public func count(_ index: LogIndex) throws -> Int { try entries(index.dbi) }

    // MARK: - Plumbing

    func entries(_ dbi: MDB_dbi) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn, dbi, &stat), "mdb_stat")
        return stat.ms_entries
    }

    func get(_ dbi: MDB_dbi, key: [UInt8]) throws -> [UInt8]? {
        try withValue(dbi, key: key) { Array($0) }
    }

    func withValue<T>(_ dbi: MDB_dbi, key: [UInt8], _ body: (UnsafeRawBufferPointer) -> T) throws -> T? {
        var data = MDB_val()
        let rc = key.withUnsafeBytes { bytes in
            var k = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return mdb_get(txn, dbi, &k, &data)
        }
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_get")
        return body(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
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
                UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size),
                UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
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
