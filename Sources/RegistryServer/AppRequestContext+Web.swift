import Foundation
import Hummingbird

extension AppRequestContext {
    /// The signed-in user when `allowed` accepts their role; otherwise a redirect to sign
    /// in, or 403.
    func requireUser(_ request: Request, _ allowed: (UserRole) -> Bool) throws -> User {
        guard let user = identity else { throw PageError.signIn(returningTo: request.uri.string) }
        guard allowed(user.role) else { throw PageError.forbidden }
        return user
    }

    /// Checks that a posted form carries this session's CSRF token: a form on another site
    /// cannot know it. (The cookie is also SameSite=Strict; this covers older browsers.)
    func requireCSRF(_ form: FormData) throws {
        guard let expected = csrf, let given = form["csrf"], Self.constantTimeEqual(expected, given) else {
            throw PageError.expiredForm
        }
    }

    /// Compares secrets without revealing through timing how much of them matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
