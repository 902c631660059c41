import Foundation

/// What a browser session holds: whose it is and the token its forms must return (CSRF).
struct WebSession: Codable, Sendable {
    let user: String
    let csrf: String

    init(user: String) {
        self.user = user
        csrf = Secret.randomHex(bytes: 16)
    }
}
