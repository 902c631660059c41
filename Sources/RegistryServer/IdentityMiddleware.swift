import Hummingbird
import HummingbirdAuth

/// Finds who is asking: a bearer token (API clients) or a session cookie (browsers).
/// A token that is given but wrong is refused outright instead of treated as anonymous.
struct IdentityMiddleware: AuthenticatorMiddleware {
    typealias Context = AppRequestContext
    let users: UserDirectory

    func authenticate(request: Request, context: Context) async throws -> User? {
        if let bearer = request.headers.bearer {
            guard let user = try await users.user(token: bearer.token) else {
                throw APIError.unauthorized("the bearer token is not valid")
            }
            return user
        }
        if let session = context.sessions.session {
            return try users.sessionUser(session.user)
        }
        return nil
    }
}
