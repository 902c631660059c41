import EventLog
import Crypto
import HummingbirdBcrypt
import Registry

/// Checks passwords and tokens against the users kept in the store.
///
/// A bcrypt check costs a quarter of a second, too much for every API request, so a token
/// that passed once is remembered (by its SHA-256, never in clear) together with the stored
/// record it matched. Later requests re-read the record's bytes and compare them only when a
/// user may have changed since (`Store.usersUnchanged`), so removing a user or changing their
/// role or credentials takes effect at once, and an append reads no record. Wrong tokens
/// for one user are throttled like wrong passwords, so that nobody can keep the server busy
/// with bcrypt checks.
final class UserDirectory: Sendable {
    private let store: Store
    private let verifiedTokens = Locked<[SHA256Digest: VerifiedToken]>([:])
    private let tokenThrottle = LoginThrottle()
    /// bcrypt checks under way, by token digest.
    private let inFlight = Locked<[SHA256.Digest: Task<Bool, any Error>]>([:])
    /// Unknown users are checked against this hash too, so that the time taken does not
    /// tell an attacker which names exist.
    private let decoyHash = Locked<String?>(nil)

    init(store: Store) { self.store = store }

    /// The user a session belongs to, if it still exists.
    func sessionUser(_ name: String) throws -> User? {
        try store.user(named: name).map { User(name: name, role: $0.role, credential: .session) }
    }

    /// The owner of `token`, or nil when the token is not valid.
    func user(token: String) async throws -> User? {
        guard let (name, secret) = Token.parse(token) else { return nil }
        let key = SHA256.hash(data: Array(token.utf8))
        let known = verifiedTokens.withLock { $0[key] }
        if let known, store.usersUnchanged(since: known.stamp) { return known.user }
        let (bytes, stamp) = try store.userRecordStamped(name)
        guard let stored = bytes else { return nil }
        if let known, known.record == stored {
            verifiedTokens.withLock { $0[key] = VerifiedToken(record: stored, user: known.user, stamp: stamp) }
            return known.user
        }
        guard let record = try? UserRecord(bytes: stored) else { return nil }
        let keys = ["token:" + name]
        guard tokenThrottle.wait(for: keys) == nil else { return nil }
        let hash = record.tokenHash
        // Many connections opening at once with one token share one bcrypt check.
        let check = inFlight.withLock { running in
            if let task = running[key] { return task }
            let task = Task { try await Blocking.run { Bcrypt.verify(secret, hash: hash) } }
            running[key] = task
            return task
        }
        let valid = try await check.value
        inFlight.withLock { _ = $0.removeValue(forKey: key) }
        guard valid else {
            tokenThrottle.fail(keys)
            return nil
        }
        tokenThrottle.succeed(keys)
        let user = User(name: name, role: record.role, credential: .token)
        verifiedTokens.withLock { cache in
            // Tokens are few; a full cache means someone is cycling through valid tokens.
            if cache.count >= 10_000 { cache.removeAll() }
            cache[key] = VerifiedToken(record: stored, user: user, stamp: stamp)
        }
        return user
    }

    /// The user when `password` is theirs, or nil.
    func user(name: String, password: String) async throws -> User? {
        let record = try store.user(named: name)
        let hash = record?.passwordHash
        let matches = try await Blocking.run { Bcrypt.verify(password, hash: hash ?? self.decoy()) }
        guard matches, let record else { return nil }
        return User(name: name, role: record.role, credential: .session)
    }

    private func decoy() -> String {
        decoyHash.withLock { hash in
            if hash == nil { hash = Bcrypt.hash(Secret.password(), cost: Users.defaultCost) }
            return hash!
        }
    }
}

/// A token that passed its bcrypt check, with the stored user record it was checked against
/// and when that record was read.
private struct VerifiedToken {
    let record: [UInt8]
    let user: User
    let stamp: UsersStamp
}
