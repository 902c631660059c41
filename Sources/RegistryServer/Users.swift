import HummingbirdBcrypt
import Registry

/// Managing the people who may sign in (`registry user add|list|remove`). Credentials are
/// generated, shown once, and kept only as bcrypt hashes beside the log.
public enum Users {
    /// The bcrypt cost for new users: about a quarter of a second per check.
    public static let defaultCost: UInt8 = 12

    /// Creates user `name` with `role` and returns its password (for the web pages) and bearer
    /// token (for the API). Throws `InputError` for an invalid or taken name.
    public static func add(store: Store, name: String, role: UserRole, cost: UInt8 = defaultCost) throws -> (password: String, token: String) {
        try validate(name: name)
        guard try store.userRecord(name) == nil else {
            throw InputError(field: "name", "user \(name) already exists; remove it first to issue new credentials")
        }
        let password = Secret.password()
        let secret = Secret.randomHex(bytes: 32)
        let record = UserRecord(
            role: role,
            passwordHash: Bcrypt.hash(password, cost: cost),
            tokenHash: Bcrypt.hash(secret, cost: cost))
        try store.putUser(name, record: record.encoded())
        return (password, Token.make(user: name, secret: secret))
    }

    /// Every user with its role, by name.
    public static func list(store: Store) throws -> [(name: String, role: UserRole)] {
        try store.userRecords().compactMap { name, bytes in
            guard let record = try? UserRecord(bytes: bytes) else { return nil }
            return (name, record.role)
        }
    }

    /// Removes user `name`; false when there was none. Its sessions and token stop working
    /// at once, even in a running server.
    @discardableResult
    public static func remove(store: Store, name: String) throws -> Bool {
        guard (try? validate(name: name)) != nil else { return false } // no user has that name
        return try store.removeUser(name)
    }

    /// A user name is 1–40 characters of letters, digits, `.`, `_` and `-`: it appears in
    /// tokens, in the `by` field of events and on pages.
    static func validate(name: String) throws(InputError) {
        guard (1...40).contains(name.utf8.count), name.utf8.allSatisfy({ byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }) else {
            throw InputError(field: "name", "a user name is 1–40 characters of A–Z, a–z, 0–9, '.', '_' or '-', got \"\(name)\"")
        }
    }
}
