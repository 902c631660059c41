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
/// role or credentials takes effect at once, and an append reads no record.
///
/// Wrong tokens are throttled by the token presented and by the client's address, never by
/// the user name a token claims: otherwise anyone could lock a user's valid token out by
/// sending wrong ones in their name. A token naming no user is checked against a decoy hash,
/// so that the time taken does not tell which names exist.
final class UserDirectory: Sendable {
    /// Checks a secret against a bcrypt hash (a parameter so that tests can count the checks).
    typealias Verifier = @Sendable (_ secret: String, _ hash: String) -> Bool

    private let store: Store
    private let verify: Verifier
    private let decoyCost: UInt8
    private let verifiedTokens = Locked<[SHA256Digest: VerifiedToken]>([:])
    /// Wrong tokens by the token presented.
    private let tokenThrottle = LoginThrottle()
    /// Wrong tokens by client address, whatever the token: as many as for passwords, since
    /// an office behind one address shares the count.
    private let addressThrottle = LoginThrottle(allowed: LoginThrottle.allowedFailuresPerAddress)
    /// bcrypt checks under way, by token digest.
    private let inFlight = Locked<[SHA256.Digest: Task<Bool, any Error>]>([:])
    /// Unknown users are checked against this hash too, so that the time taken does not
    /// tell an attacker which names exist.
    private let decoyHash = Locked<String?>(nil)

    /// `decoyCost`: the bcrypt cost of the decoy hash, that of real users' hashes.
    /// The real check.
    static let bcrypt: Verifier = { Bcrypt.verify($0, hash: $1) }

    init(store: Store, decoyCost: UInt8 = Users.defaultCost, verify: @escaping Verifier = UserDirectory.bcrypt) {
        self.store = store
        self.decoyCost = decoyCost
        self.verify = verify
    }

    /// The user a session belongs to, if that user record still exists: `recordID` is the id
    /// of the record the session was signed in with, so a user removed and created again
    /// under the same name does not get the old sessions back.
    func sessionUser(_ name: String, recordID: String?) throws -> User? {
        guard let record = try store.user(named: name), record.id == recordID else { return nil }
        return User(name: name, role: record.role, credential: .session, recordID: record.id)
    }

    /// The owner of `token`, or nil when the token is not valid (or its client has sent too
    /// many wrong ones). `address` is asked for only when the token must be checked.
    func user(token: String, address: () -> String? = { nil }) async throws -> User? {
        guard let (name, secret) = Token.parse(token) else { return nil }
        let key = SHA256.hash(data: Array(token.utf8))
        let known = verifiedTokens.withLock { $0[key] }
        if let known, store.usersUnchanged(since: known.stamp) { return known.user }
        let (bytes, stamp) = try store.userRecordStamped(name)
        if let known, let bytes, known.record == bytes {
            verifiedTokens.withLock { $0[key] = VerifiedToken(record: bytes, user: known.user, stamp: stamp) }
            return known.user
        }
        let tokenKey = ["token:" + hex(Array(key))], addressKey = address().map { ["address:" + $0] } ?? []
        guard tokenThrottle.wait(for: tokenKey) == nil, addressThrottle.wait(for: addressKey) == nil else { return nil }
        let record = bytes.flatMap { try? UserRecord(bytes: $0) }
        // No such user: the same slow check against the decoy, so the answer takes as long.
        let hash = record?.tokenHash ?? decoy()
        // Many connections opening at once with one token share one bcrypt check.
        let verify = verify
        let check = inFlight.withLock { running in
            if let task = running[key] { return task }
            let task = Task { try await Blocking.run { verify(secret, hash) } }
            running[key] = task
            return task
        }
        let valid = try await check.value
        inFlight.withLock { _ = $0.removeValue(forKey: key) }
        guard valid, let record, let bytes else {
            tokenThrottle.fail(tokenKey)
            addressThrottle.fail(addressKey)
            return nil
        }
        tokenThrottle.succeed(tokenKey)
        let user = User(name: name, role: record.role, credential: .token, recordID: record.id)
        verifiedTokens.withLock { cache in
            // Tokens are few; a full cache means someone is cycling through valid tokens.
            if cache.count >= 10_000 { cache.removeAll() }
            cache[key] = VerifiedToken(record: bytes, user: user, stamp: stamp)
        }
        return user
    }

    /// The user when `password` is theirs, or nil.
    func user(name: String, password: String) async throws -> User? {
        // "å" may come composed or not (as macOS types it); users are kept composed.
        let name = Users.normalized(name)
        let record = try store.user(named: name)
        let hash = record?.passwordHash ?? decoy()
        let verify = verify
        let matches = try await Blocking.run { verify(password, hash) }
        guard matches, let record else { return nil }
        return User(name: name, role: record.role, credential: .session, recordID: record.id)
    }

    private func decoy() -> String {
        decoyHash.withLock { hash in
            if let hash { return hash }
            let made = Bcrypt.hash(Secret.password(), cost: decoyCost)
            hash = made
            return made
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
