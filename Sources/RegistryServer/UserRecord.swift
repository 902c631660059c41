import EventLog
import Foundation
import Registry

/// What the store keeps about a user: the role and slow salted hashes of the password and
/// of the token's secret, never the secrets themselves.
struct UserRecord: Codable, Sendable {
    var role: UserRole
    var passwordHash: String
    var tokenHash: String
    var created: Date
    /// A random id given when the user is created. A browser session names it, so that a
    /// user removed and created again under the same name does not inherit the old sessions.
    /// (Records made before it existed have none; their sessions name none either.)
    var id: String?

    enum CodingKeys: String, CodingKey {
        case role, created, id
        case passwordHash = "password_hash"
        case tokenHash = "token_hash"
    }

    init(role: UserRole, passwordHash: String, tokenHash: String, created: Date = Date(), id: String? = Secret.randomHex(bytes: 16)) {
        self.role = role
        self.passwordHash = passwordHash
        self.tokenHash = tokenHash
        self.created = created
        self.id = id
    }

    /// Decodes the bytes `Store.userRecord` returns.
    init(bytes: [UInt8]) throws {
        self = try Self.decoder.decode(UserRecord.self, from: Data(bytes))
    }

    /// The bytes `Store.putUser` keeps.
    func encoded() throws -> [UInt8] { Array(try Self.encoder.encode(self)) }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension Store {
    /// The record of user `name`, or nil when there is none (or it cannot be read). Every page
    /// request looks its session's user up; the bytes are read each time (so a removed or
    /// changed user takes effect at once) but decoded only when they change.
    func user(named name: String) throws -> UserRecord? {
        // A name no user can have (empty, say, which LMDB refuses as a key) names nobody.
        guard (try? Users.validate(name: name)) != nil, let bytes = try userRecord(name) else { return nil }
        if let known = decodedUserRecords.withLock({ $0[bytes] }) { return known }
        guard let record = try? UserRecord(bytes: bytes) else { return nil }
        decodedUserRecords.withLock { cache in
            if cache.count >= 1000 { cache.removeAll() }
            cache[bytes] = record
        }
        return record
    }
}

/// Decoded user records by their stored bytes.
private let decodedUserRecords = Locked<[[UInt8]: UserRecord]>([:])
