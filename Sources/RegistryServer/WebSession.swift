import Foundation

/// What a browser session holds: whose it is, the token its forms must return (CSRF), and
/// credentials just issued to a new user until the admin's next page shows them.
struct WebSession: Codable, Sendable {
    let user: String
    /// The id of the user record signed in with (`UserRecord.id`): the session ends when the
    /// user is removed, also if a user of the same name is created again.
    var userID: String?
    let csrf: String
    /// Kept on the server (the cookie holds only the session's id), and for one page view.
    var issued: IssuedCredentials?
    /// What the admin's last removal did, for the next page view (not in the address, where
    /// anyone could put a message that seems to come from the registry).
    var removal: Removal?

    enum Removal: Codable, Sendable {
        case removed(String)
        case missing(String)
        /// Not a removal: the user whose role the admin just changed.
        case roleChanged(String)
    }

    init(user: String, userID: String?) {
        self.user = user
        self.userID = userID
        csrf = Secret.randomHex(bytes: 16)
    }
}

/// A new user's password and token, shown once after the page that created them redirects,
/// and only until they expire: secrets do not wait in memory for a page that never comes.
struct IssuedCredentials: Codable, Sendable {
    let name: String
    let password: String
    let token: String
    let expires: Date
}
