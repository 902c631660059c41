import CLMDB

extension EventLog {
    /// Recomputes the hash chain, the id index and every secondary index from the stored
    /// events and throws `LogError.verificationFailed` at the first disagreement.
    /// `expectedEntries` returns the index entries an event must have (the same function the
    /// writer used) and may throw to reject an event's bytes. Returns the verified head.
    public func verify(expectedEntries: (StoredEvent) throws -> [IndexEntry]) throws -> Head {
        try read { txn in try verify(in: txn, expectedEntries: expectedEntries) }
    }

    /// `verify` within a read transaction the caller also uses to work out the entries.
    public func verify(in txn: ReadTransaction, expectedEntries: (StoredEvent) throws -> [IndexEntry]) throws -> Head {
        var previous = Head.empty
        var expectedCounts: [String: Int] = [:]
        // The B-trees hold the entries of the events up to the watermark; the later ones
        // (the tail) are computed from the log in every transaction.
        let watermark = try txn.watermark()
        guard watermark <= (try txn.head().position) else {
            throw LogError.verificationFailed(position: watermark, reason: "the indexes claim events past the head")
        }
        try txn.forEachEvent(after: 0) { event in
            let position = event.position
            func fail(_ reason: String) -> LogError { .verificationFailed(position: position, reason: reason) }
            guard position == previous.position + 1 else {
                throw fail("expected position \(previous.position + 1)")
            }
            guard event.recorded >= previous.recorded else { throw fail("recorded time goes backwards") }
            let hash = event.bytes.withUnsafeBytes { chainHash(previous: previous.hash, bytes: $0) }
            guard hash == event.hash else { throw fail("hash does not match the event's bytes and the chain") }
            guard try txn.position(of: event.id) == position else { throw fail("id index does not point here") }
            let entries: [IndexEntry]
            do { entries = try expectedEntries(event) } catch { throw fail("\(error)") }
            for entry in entries where position <= watermark {
                guard try txn.contains(entry) else { throw fail("index \(entry.index.spec.name) lacks this event's entry") }
                expectedCounts[entry.index.spec.name, default: 0] += 1
            }
            previous = Head(position: position, hash: hash, recorded: event.recorded)
            return true
        }
        guard try txn.entries(databases.ids) == Int(watermark) else {
            throw LogError.verificationFailed(position: 0, reason: "id index has entries for events not in the log")
        }
        for (name, index) in databases.indexes where index.spec.isDerived {
            let count = try txn.entries(index.dbi)
            let expected = expectedCounts[name, default: 0]
            guard count == expected else {
                throw LogError.verificationFailed(
                    position: 0, reason: "index \(name) holds \(count) entries, the log implies \(expected)")
            }
        }
        return previous
    }
}

extension ReadTransaction {
    /// Whether the index holds exactly this entry.
    func contains(_ entry: IndexEntry) throws -> Bool {
        let dbi = entry.index.dbi
        guard entry.index.spec.fixedValueSize != nil else {
            return try get(dbi, key: entry.key) == entry.value
        }
        let cursor = try openCursor(dbi)
        defer { mdb_cursor_close(cursor) }
        let rc = entry.key.withUnsafeBytes { k in
            entry.value.withUnsafeBytes { v in
                var keyVal = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var dataVal = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                return mdb_cursor_get(cursor, &keyVal, &dataVal, MDB_GET_BOTH)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_cursor_get")
        return true
    }
}
