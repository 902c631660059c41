import Foundation

/// A bearer token is `NAME.SECRET`: the name says whose hash to check, so one bcrypt
/// verification suffices (bcrypt reads at most 72 bytes; the secret is 64). A name with å, ä
/// or ö is percent-encoded in it (`%C3%85sa.…`), since a header is best kept to ASCII.
enum Token {
    static func make(user: String, secret: String) -> String {
        (user.utf8.allSatisfy { $0 < 0x80 } ? user : user.addingPercentEncodingForQuery()) + "." + secret
    }

    /// The user name and secret of `token`, split at its last dot.
    static func parse(_ token: String) -> (user: String, secret: String)? {
        // Bytes, not characters: this runs on every API request.
        let utf8 = token.utf8
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        var user = String(token[..<dot])
        let secret = String(token[utf8.index(after: dot)...])
        // No name has a "%": one in the token is the encoding of a letter beyond ASCII.
        if user.utf8.contains(UInt8(ascii: "%")) { user = user.removingPercentEncoding ?? "" }
        guard !user.isEmpty, !secret.isEmpty, secret.utf8.count <= 72 else { return nil }
        return (user, secret)
    }
}
