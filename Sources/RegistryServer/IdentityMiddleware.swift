import Hummingbird
import HummingbirdAuth

/// Finds who is asking: a bearer token (API clients) or a session cookie (browsers).
/// A token that is given but wrong is refused outright instead of treated as anonymous.
/// A request with a token never loads a session: an API client has no cookie, and the
/// session middleware's work would be wasted on every append.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let users: UserDirectory
    let sessions: SessionMiddleware<AppRequestContext>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.headers.bearerToken {
            guard let user = try await users.user(token: token, address: { context.clientAddress(request) }) else {
                throw APIError.unauthorized("the bearer token is not valid")
            }
            context.identity = user
            return try await next(request, context)
        }
        return try await sessions.handle(request, context: context) { request, context in
            var context = context
            if let session = context.sessions.session {
                context.identity = try users.sessionUser(session.user, recordID: session.userID)
            }
            return try await next(request, context)
        }
    }
}

extension HTTPFields {
    /// The token of an `Authorization: Bearer …` header, compared byte by byte (HummingbirdAuth's
    /// `bearer` joins the values and compares characters, which cost more than the rest of the
    /// check). The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` count too.
    var bearerToken: String? {
        // The first field of that name: the subscript by name would join all of them.
        guard let value = first(where: { $0.name == .authorization })?.value else { return nil }
        let prefix = "bearer ".utf8
        // Setting bit 5 lowers an ASCII capital; the space must match exactly.
        guard value.utf8.starts(with: prefix, by: { $0 == $1 || ($1 != 0x20 && $0 | 0x20 == $1) }) else { return nil }
        // One or more spaces may follow the scheme (RFC 9110 §11.4).
        return String(Substring(value.utf8.dropFirst(prefix.count).drop { $0 == 0x20 }))
    }
}
