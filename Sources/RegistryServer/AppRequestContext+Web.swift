import Foundation
import Hummingbird

extension AppRequestContext {
    /// The signed-in user when `allowed` accepts their role; otherwise a redirect to sign
    /// in, or 403.
    func requireUser(_ request: Request, _ allowed: (UserRole) -> Bool) throws -> User {
        guard let user = identity else {
            // A form posted after the session ended: nothing was saved, and the sign-in page
            // must say so, then lead back to the page the form was on (the post's own
            // address may take no GET).
            if request.method == .post { throw PageError.signIn(returningTo: Self.page(of: request.uri.path), unsaved: true) }
            throw PageError.signIn(returningTo: request.uri.string)
        }
        guard allowed(user.role) else { throw PageError.forbidden }
        return user
    }

    /// `requireUser` for a posted `form` whose page can show it again: when the session has
    /// ended, the sign-in leads back to that page with what was typed (`kept`), so that
    /// nothing typed is lost. (The CSRF token is left out: the page gets a new one.)
    func requireUser(_ request: Request, _ allowed: (UserRole) -> Bool, keeping form: FormData) throws -> User {
        guard identity == nil else { return try requireUser(request, allowed) }
        let values = form.fields.filter { $0.name != "csrf" && $0.name != "next" }.map { ($0.name, Optional($0.value)) }
        let path = link(Self.page(of: request.uri.path), values)
        // A URL of a few kilobytes is fine in every browser; more is a form nobody typed by hand.
        guard path.utf8.count <= 4000 else { return try requireUser(request, allowed) }
        throw PageError.signIn(returningTo: path, unsaved: true, kept: true)
    }

    /// The menu page that `path` (where a form posts) belongs to: `/reception/undo` → `/reception`.
    static func page(of path: String) -> String {
        let pages = Layout.destinations(for: .admin).map(\.path).filter { path == $0 || path.hasPrefix($0 + "/") }
        return pages.max { $0.count < $1.count } ?? "/"
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
