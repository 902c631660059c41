import Foundation
import Registry

/// What the store keeps about a user: the role and slow salted hashes of the password and
/// of the token's secret, never the secrets themselves.
struct UserRecord: Codable, Sendable {
    var role: UserRole
    var passwordHash: String
    var tokenHash: String
    var created: Date

    enum CodingKeys: String, CodingKey {
        case role, created
        case passwordHash = "password_hash"
        case tokenHash = "token_hash"
    }

    init(role: UserRole, passwordHash: String, tokenHash: String, created: Date = Date()) {
        self.role = role
        self.passwordHash = passwordHash
        self.tokenHash = tokenHash
        self.created = created
    }

    /// Decodes the bytes `Store.userRecord` returns.
    init(bytes: [UInt8]) throws {
        self = try Self.decoder.decode(UserRecord.self, from: Data(bytes))
    }

    var bytes: [UInt8] { Array(try! Self.encoder.encode(self)) }

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
    /// The record of user `name`, or nil when there is none (or it cannot be read).
    func user(named name: String) throws -> UserRecord? {
        try userRecord(name).flatMap { try? UserRecord(bytes: $0) }
    }
}
