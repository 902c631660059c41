import EventLog

extension Store {
    /// Events read from the source per write transaction at most (and never more bytes than
    /// `copyBatchBytes`): a copy's memory stays bounded whatever the log's size.
    static let copyBatchEvents = 100_000
    static let copyBatchBytes = 64 << 20

    /// Copies the whole of `source` into this store, which must hold no event and no user
    /// (SPEC §5 `registry copy`): every event keeps its `seq`, `id`, `recorded` and bytes, so
    /// its hash comes out the same; the indexes are made as an append makes them; the users
    /// are copied as they are. Events recorded together stay in one transaction. `progress`
    /// hears the position copied so far and the source's head. Returns the new head.
    @discardableResult
    public func copy(from source: Store, progress: (Position, Position) -> Void = { _, _ in }) throws -> Head {
        guard try head().position == 0, try userRecords().isEmpty else {
            throw InputError("the destination is not empty; copy into a new store")
        }
        let target = try source.head()
        var copied: Position = 0
        while copied < target.position {
            // The next run of events that share a recorded time, or a part of a long one.
            var batch: [StoredEvent] = []
            var bytes = 0
            try source.log.read { txn in
                try txn.forEachEvent(after: copied) { stored in
                    guard stored.position <= target.position else { return false }
                    if let first = batch.first, stored.recorded != first.recorded { return false }
                    batch.append(stored)
                    bytes += stored.bytes.count
                    return batch.count < Self.copyBatchEvents && bytes < Self.copyBatchBytes
                }
            }
            guard let first = batch.first else {
                throw LogError.corrupted("the source ends at position \(copied) below its head \(target.position)")
            }
            try reserve(forEvents: batch.count)
            try log.write(recorded: first.recorded) { txn in
                if batch.count > Self.largeBatch { try txn.beginBulk() }
                for stored in batch {
                    // Worked out before the event joins the log, as an append does.
                    let event = try RecordedEvent(stored).event
                    let entries = try indexEntries(for: event, at: stored.position, in: txn)
                    let (written, isNew) = try txn.append(id: stored.id) { position, _ in
                        guard position == stored.position else {
                            throw LogError.corrupted("event \(stored.position) would land at \(position)")
                        }
                        return stored.bytes
                    }
                    guard isNew, written.hash == stored.hash else {
                        throw LogError.corrupted("event \(stored.position) does not copy to the same hash")
                    }
                    for entry in entries { try txn.put(entry) }
                }
            }
            copied = batch.last!.position
            progress(copied, target.position)
        }
        for (name, record) in try source.userRecords() { try putUser(name, record: record) }
        return try head()
    }
}
