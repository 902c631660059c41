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
    public func userRecord(_ name: String) throws -> [UInt8]? {
        try log.read { txn in try txn.value(forKey: Array(name.utf8), in: users) }
    }

    /// Creates or replaces a user's record.
    public func putUser(_ name: String, record: [UInt8]) throws {
        try log.write { txn in try txn.put(record, forKey: Array(name.utf8), in: users) }
    }

    /// Removes a user; false when there was none.
    @discardableResult
    public func removeUser(_ name: String) throws -> Bool {
        try log.write { txn in try txn.delete(Array(name.utf8), in: users) }
    }
}
