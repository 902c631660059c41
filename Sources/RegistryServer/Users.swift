import Foundation
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
        let name = normalized(name)
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
        let name = normalized(name)
        guard (try? validate(name: name)) != nil else { return false } // no user has that name
        return try store.removeUser(name)
    }

    /// A user name is 1–40 characters of letters (Swedish ones too: Åsa, Jönsson), digits, `.`,
    /// `_` and `-`: it appears in tokens, in the `by` field of events and on pages. Names are
    /// kept in Unicode's composed form (NFC), so that an "å" typed on any system finds the user.
    static func validate(name: String) throws(InputError) {
        guard (1...40).contains(name.count), name.unicodeScalars.allSatisfy({ scalar in
            scalar.isASCII ? (48...57).contains(scalar.value) || (65...90).contains(scalar.value) || (97...122).contains(scalar.value)
                || scalar == "." || scalar == "_" || scalar == "-"
                : swedishLetters.contains(scalar)
        }) else {
            throw InputError(field: "name", "a user name is 1–40 characters of letters (A–Z, a–z, å, ä, ö, é), 0–9, '.', '_' or '-', got \"\(name)\"")
        }
    }

    private static let swedishLetters = Set("åäöÅÄÖéÉ".unicodeScalars)

    /// `name` in the composed form users are kept under.
    static func normalized(_ name: String) -> String { name.precomposedStringWithCanonicalMapping }

    /// Gives user `name` another role; false when there is no such user. Their sessions and
    /// token keep working, with the new role from the next request.
    @discardableResult
    public static func setRole(store: Store, name: String, role: UserRole) throws -> Bool {
        let name = normalized(name)
        guard (try? validate(name: name)) != nil, let bytes = try store.userRecord(name) else { return false }
        var record = try UserRecord(bytes: bytes)
        record.role = role
        try store.putUser(name, record: record.encoded())
        return true
    }

    /// Gives user `name` a new password, returned to be shown once; nil when there is no such
    /// user. The user's browser sessions end (whoever knew the old password is signed out);
    /// the API token keeps working.
    public static func resetPassword(store: Store, name: String, cost: UInt8 = defaultCost) throws -> String? {
        let name = normalized(name)
        guard (try? validate(name: name)) != nil, let bytes = try store.userRecord(name) else { return nil }
        var record = try UserRecord(bytes: bytes)
        let password = Secret.password()
        record.passwordHash = Bcrypt.hash(password, cost: cost)
        // A session names the record's id: a new one ends the old sessions.
        record.id = Secret.randomHex(bytes: 16)
        try store.putUser(name, record: record.encoded())
        return password
    }
}
