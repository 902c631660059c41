/// The signed-in user of a request and how they proved it.
struct User: Sendable, Equatable {
    enum Credential: Sendable { case token, session }

    let name: String
    let role: UserRole
    let credential: Credential
    /// The id of the user record this user was found in (`UserRecord.id`).
    var recordID: String? = nil
}
