/// The signed-in user of a request and how they proved it.
struct User: Sendable, Equatable {
    enum Credential: Sendable { case token, session }

    let name: String
    let role: UserRole
    let credential: Credential
}
