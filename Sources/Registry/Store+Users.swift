import EventLog

/// Users live beside the log, never in it: their records hold secrets (password and token
/// hashes) that an immutable log must not keep. The store keeps opaque bytes per user name;
/// the server decides what they mean.
extension Store {
    static let usersSpec = IndexSpec(name: "users", isDerived: false)

    var users: LogIndex { log.index(Self.usersSpec.name) }

    /// Every user name with its record, in name order.
    public func userRecords() throws -> [(name: String, record: [UInt8])] {
        try log.read { txn in
            var result: [(String, [UInt8])] = []
            try txn.scan(users, from: []) { key, value in
                result.append((String(decoding: key, as: UTF8.self), Array(value)))
                return true
            }
            return result
        }
    }

    /// The record of one user.
    public func userRecord(_ name: String) throws -> [UInt8]? { try userRecordStamped(name).record }

    /// Creates or replaces a user's record.
    public func putUser(_ name: String, record: [UInt8]) throws {
        try countingUserWrite { try log.write { txn in try txn.put(record, forKey: Array(name.utf8), in: users) } }
    }

    /// Removes a user; false when there was none.
    @discardableResult
    public func removeUser(_ name: String) throws -> Bool {
        try countingUserWrite { try log.write { txn in try txn.delete(Array(name.utf8), in: users) } }
    }

    /// Counts a write of users before it commits (a record read meanwhile is not trusted) and
    /// after (one read before the count moved is not trusted either).
    private func countingUserWrite<T>(_ write: () throws -> T) rethrows -> T {
        userWrites.withLock { $0 += 1 }
        defer { userWrites.withLock { $0 += 1 } }
        return try write()
    }

    /// The record of one user, with a stamp of what it was read from: a cache of the record
    /// stays valid while `usersUnchanged(since:)` says so.
    public func userRecordStamped(_ name: String) throws -> (record: [UInt8]?, stamp: UsersStamp) {
        let writes = userWrites.withLock { $0 }
        return try log.read { txn in
            // The snapshot's own number: the newest meta page may already belong to a commit
            // this snapshot does not see.
            (try txn.value(forKey: Array(name.utf8), in: users), UsersStamp(commit: txn.snapshot, writes: writes))
        }
    }

    /// True when no user can have changed since `stamp`: this process has written none, and
    /// every commit since was this process's own (another process, `registry user`, may
    /// have written some). Costs no transaction.
    public func usersUnchanged(since stamp: UsersStamp) -> Bool {
        userWrites.withLock { $0 } == stamp.writes && log.noOtherCommits(since: stamp.commit)
    }
}

/// See `Store.userRecordStamped(_:)`.
public struct UsersStamp: Sendable {
    let commit: Int
    let writes: Int
}
