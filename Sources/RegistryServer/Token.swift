/// A bearer token is `NAME.SECRET`: the name says whose hash to check, so one bcrypt
/// verification suffices (bcrypt reads at most 72 bytes; the secret is 64).
enum Token {
    static func make(user: String, secret: String) -> String { "\(user).\(secret)" }

    /// The user name and secret of `token`, split at its last dot.
    static func parse(_ token: String) -> (user: String, secret: String)? {
        // Bytes, not characters: this runs on every API request.
        let utf8 = token.utf8
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let user = String(token[..<dot]), secret = String(token[utf8.index(after: dot)...])
        guard !user.isEmpty, !secret.isEmpty, secret.utf8.count <= 72 else { return nil }
        return (user, secret)
    }
}
