import Foundation
import Hummingbird

/// Signing in and out, and the start page that sends each role to its work.
struct LoginController {
    let state: ServerState
    /// The sign-in form is posted before there is a session, so its CSRF token is a cookie
    /// that the form must repeat (double submit).
    static let loginCookie = "registry_login"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("/login", use: showLogin)
        router.post("/login", use: login)
        router.post("/logout", use: logout)
    }

    @Sendable func home(request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.identity else { return .redirect(to: "/login") }
        return .redirect(to: Layout.destinations(for: user.role).first?.path ?? "/login")
    }

    @Sendable func showLogin(request: Request, context: AppRequestContext) async throws -> Response {
        let query = FormData(query: request)
        let message: String? = switch query["unsaved"] {
        case nil: nil
        case "kept": "Din inloggning hade gått ut, så det du skickade sparades inte. Logga in igen: det du skrev finns kvar i formuläret, så att du kan spara det."
        default: "Din inloggning hade gått ut, så det du skickade sparades inte. Logga in och registrera det igen."
        }
        return try loginPage(status: .ok, name: "", next: query["next"], message: message).response(from: request, context: context)
    }

    @Sendable func login(request: Request, context: AppRequestContext) async throws -> Response {
        // Before the body is read: a channel that closes meanwhile forgets its peer's address.
        // (Unknown only on a Unix socket or in tests: then all share one key.)
        let address = context.clientAddress(request) ?? "unknown"
        let form = try await FormData.body(of: request)
        guard let cookie = request.cookies[Self.loginCookie]?.value, let given = form["csrf"],
              AppRequestContext.constantTimeEqual(cookie, given) else {
            throw PageError.expiredForm
        }
        let name = form.text("name") ?? "", password = form["password"] ?? ""
        let next = form["next"]
        // By address, and by user from that address: failures from one place cannot lock the
        // user out elsewhere (a name alone would let anyone lock anyone out).
        let addressKey = ["address:" + address], userKey = ["address-user:" + address + " " + name.lowercased().prefix(64)]
        if let wait = state.throttle.wait(for: userKey) ?? state.addressThrottle.wait(for: addressKey) {
            let seconds = Int(wait.components.seconds) + 1
            var page = try loginPage(status: .tooManyRequests, name: name, next: next,
                                     message: "För många misslyckade inloggningar. Försök igen om \(seconds.counted("sekund", "sekunder")).")
            page.headers[.retryAfter] = String(seconds)
            return try page.response(from: request, context: context)
        }
        guard let user = try await state.users.user(name: name, password: password) else {
            state.throttle.fail(userKey)
            state.addressThrottle.fail(addressKey)
            context.logger.notice("failed sign-in", metadata: ["user.name": "\(name)"])
            return try loginPage(status: .unauthorized, name: name, next: next, message: "Fel användarnamn eller lösenord.")
                .response(from: request, context: context)
        }
        state.throttle.succeed(userKey)
        // A new session (new id) at every sign-in: an id planted before cannot be taken over.
        context.sessions.createSession(WebSession(user: user.name, userID: user.recordID), expiresIn: state.configuration.sessionLifetime)
        return .redirect(to: safeNext(next) ?? "/")
    }

    @Sendable func logout(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.body(of: request)
        if context.identity != nil { try context.requireCSRF(form) }
        context.sessions.clearSession()
        return .redirect(to: "/login")
    }

    /// Only a path on this site, so that a crafted link cannot send a user elsewhere.
    /// A path on this site only: browsers drop tabs and newlines from a URL, so "/\t/evil.example"
    /// would become "//evil.example", another site; no control character or space may pass.
    private func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              next.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        return next
    }

    private func loginPage(status: HTTPResponse.Status, name: String, next: String?, message: String?) throws -> Page {
        let token = Secret.randomHex(bytes: 16)
        let problem: HTML = message.map { "<p class=\"notice problem\" role=\"alert\">\($0)</p>" } ?? ""
        let html = Layout.page("Logga in", user: nil, csrf: nil, """
            \(problem)
            <form method="post" action="/login" class="card" id="login">
            <input type="hidden" name="csrf" value="\(token)">
            <input type="hidden" name="next" value="\(safeNext(next) ?? "")">
            <div class="field"><label for="name">Användarnamn</label>
            <input id="name" name="name" autocomplete="username" autocapitalize="none" required value="\(name)"></div>
            <div class="field"><label for="password">Lösenord</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required></div>
            <button type="submit">Logga in</button>
            </form>
            """)
        var page = Page(status: status, html)
        let cookie = Cookie(name: Self.loginCookie, value: token, maxAge: 3600, path: "/login",
                            secure: state.configuration.secureCookies, httpOnly: true, sameSite: .strict)
        page.headers[.setCookie] = cookie.description
        return page
    }
}
