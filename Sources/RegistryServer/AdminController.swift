import Foundation
import Hummingbird
import Registry

/// The admin's user list: add a user (its password and token are shown once) or remove one
/// (after a confirmation). Both posts redirect, so that a reload repeats neither.
struct AdminController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/admin/users", use: show)
        router.post("/admin/users", use: add)
        router.get("/admin/users/remove", use: confirmRemoval)
        router.post("/admin/users/remove", use: remove)
        router.post("/admin/users/role", use: changeRole)
        router.post("/admin/users/password", use: resetPassword)
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .admin }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        var top: HTML = ""
        // Taken from the session as they are shown: a reload shows them no more.
        let (issued, removal) = context.sessions.withLockedSession { session -> (IssuedCredentials?, WebSession.Removal?) in
            defer { session?.issued = nil; session?.removal = nil }
            return (session?.issued, session?.removal)
        }
        if let issued, issued.token.isEmpty, issued.expires < Date() {
            top = "<div class=\"notice\" role=\"status\" id=\"issued\">Lösenordet för \(issued.name) visades inte i tid och är glömt. Ge ett nytt lösenord igen.</div>"
        } else if let issued, issued.token.isEmpty {
            top = """
                <div class="notice" role="status" id="issued"><p><strong>\(issued.name) har fått ett nytt lösenord.</strong> Lämna över det nu; det visas bara en gång.
                Hens inloggningar i webbläsare har avslutats; hens token för API:t gäller som förut.</p>
                <p>Lösenord: <code>\(issued.password)</code></p></div>
                """
        } else if case .roleChanged(let name) = removal, let account = try Users.list(store: state.store).first(where: { $0.name == name }) {
            top = "<div class=\"notice\" role=\"status\" id=\"role-changed\">\(account.name) har nu rollen \(account.role.label).</div>"
        } else if let issued, issued.expires < Date() {
            top = "<div class=\"notice\" role=\"status\" id=\"issued\">Lösenordet och token för \(issued.name) visades inte i tid och är glömda. Ta bort användaren och skapa den igen för att få nya.</div>"
        } else if let issued {
            // The store keeps only their hashes.
            top = """
                <div class="notice" role="status" id="issued"><p><strong>Användaren \(issued.name) är skapad.</strong> Lämna över uppgifterna nu; de visas bara en gång.</p>
                <p>Lösenord: <code>\(issued.password)</code><br>Token (för API): <code>\(issued.token)</code></p></div>
                """
        } else if case .removed(let name) = removal {
            top = "<div class=\"notice\" role=\"status\" id=\"removed\">Användaren \(name) är borttagen. Hen kan inte längre logga in, och hens token gäller inte.</div>"
        } else if case .missing(let name) = removal {
            top = "<div class=\"notice\" role=\"status\" id=\"missing\">Användaren \(name) fanns inte (längre).</div>"
        }
        return try page(user: user, context: context, top: top).response(from: request, context: context)
    }

    @Sendable func add(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = form.text("name") ?? ""
        guard let role = form.text("role").flatMap(UserRole.init(rawValue:)) else {
            return try page(user: user, context: context, top: FormProblem(message: "Välj en roll.").html, values: form.values, status: .badRequest)
                .response(from: request, context: context)
        }
        do {
            let store = state.store
            let credentials = try await Blocking.run { try Users.add(store: store, name: name, role: role) }
            context.logger.notice("user added", metadata: ["user.name": "\(name)", "user.role": "\(role.rawValue)", "by": "\(user.name)"])
            // Shown by the page this redirects to: a reload then re-sends nothing.
            let issued = IssuedCredentials(
                name: name, password: credentials.password, token: credentials.token,
                expires: Date() + TimeInterval(state.configuration.issuedCredentialsLifetime.components.seconds))
            context.sessions.withLockedSession { $0?.issued = issued }
            return .redirect(to: "/admin/users")
        } catch let error as InputError {
            return try page(user: user, context: context, top: FormProblem(message: Self.swedish(error, name: name)).html,
                            values: form.values, status: .badRequest)
                .response(from: request, context: context)
        }
    }

    /// Asks before removing: the button in the list only leads here.
    @Sendable func confirmRemoval(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        return try confirmation(user: user, context: context, name: FormData(query: request).text("name") ?? "")
            .response(from: request, context: context)
    }

    @Sendable func remove(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = form.text("name") ?? ""
        // Not confirmed (an old page's one-tap button): ask first.
        guard form["confirm"] == "yes" else {
            return try confirmation(user: user, context: context, name: name).response(from: request, context: context)
        }
        guard name != user.name else {
            return try page(user: user, context: context, top: FormProblem(message: Self.notYourself).html, status: .badRequest)
                .response(from: request, context: context)
        }
        guard try Users.remove(store: state.store, name: name) else {
            context.sessions.withLockedSession { $0?.removal = .missing(name) }
            return .redirect(to: "/admin/users")
        }
        context.logger.notice("user removed", metadata: ["user.name": "\(name)", "by": "\(user.name)"])
        context.sessions.withLockedSession { $0?.removal = .removed(name) }
        return .redirect(to: "/admin/users")
    }

    private func confirmation(user: User, context: AppRequestContext, name: String) throws -> Page {
        guard let account = try Users.list(store: state.store).first(where: { $0.name == name }) else {
            throw PageError(.notFound, "Användaren finns inte", "Det finns ingen användare med det namnet. Den kan redan vara borttagen.")
        }
        guard account.name != user.name else {
            return try page(user: user, context: context, top: FormProblem(message: Self.notYourself).html, status: .badRequest)
        }
        let content: HTML = """
            <form method="post" action="/admin/users/remove" class="card" id="remove-user">
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            <input type="hidden" name="name" value="\(account.name)"><input type="hidden" name="confirm" value="yes">
            <p>Vill du ta bort <strong>\(account.name)</strong> (\(account.role.label))? Hen kan inte längre logga in, och hens token
            för API:t slutar gälla direkt. Det hen har registrerat finns kvar i loggen.</p>
            <button type="submit" class="danger">Ta bort \(account.name)</button> <a href="/admin/users">Avbryt</a>
            </form>
            """
        return Page(Layout.page("Ta bort användare", user: user, csrf: context.csrf, content))
    }

    private static let notYourself = "Du kan inte ta bort dig själv."
    private static let notYourOwn = "Du kan inte ändra din egen roll eller ditt eget lösenord här; be en annan administratör."

    @Sendable func changeRole(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = Users.normalized(form.text("name") ?? "")
        guard let role = form.text("role").flatMap(UserRole.init(rawValue:)) else {
            return try page(user: user, context: context, top: FormProblem(message: "Välj en roll.").html, status: .badRequest).response(from: request, context: context)
        }
        // An admin who made themselves an analyst could not come back.
        guard name != user.name else {
            return try page(user: user, context: context, top: FormProblem(message: Self.notYourOwn).html, status: .badRequest).response(from: request, context: context)
        }
        let store = state.store
        guard try await Blocking.run({ try Users.setRole(store: store, name: name, role: role) }) else {
            context.sessions.withLockedSession { $0?.removal = .missing(name) }
            return .redirect(to: "/admin/users")
        }
        context.logger.notice("user role changed", metadata: ["user.name": "\(name)", "user.role": "\(role.rawValue)", "by": "\(user.name)"])
        context.sessions.withLockedSession { $0?.removal = .roleChanged(name) }
        return .redirect(to: "/admin/users")
    }

    @Sendable func resetPassword(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = Users.normalized(form.text("name") ?? "")
        guard name != user.name else {
            return try page(user: user, context: context, top: FormProblem(message: Self.notYourOwn).html, status: .badRequest).response(from: request, context: context)
        }
        let store = state.store
        guard let password = try await Blocking.run({ try Users.resetPassword(store: store, name: name) }) else {
            context.sessions.withLockedSession { $0?.removal = .missing(name) }
            return .redirect(to: "/admin/users")
        }
        context.logger.notice("user password reset", metadata: ["user.name": "\(name)", "by": "\(user.name)"])
        // Shown once by the page this redirects to, like a new user's credentials (no token: it is unchanged).
        let issued = IssuedCredentials(
            name: name, password: password, token: "",
            expires: Date() + TimeInterval(state.configuration.issuedCredentialsLifetime.components.seconds))
        context.sessions.withLockedSession { $0?.issued = issued }
        return .redirect(to: "/admin/users")
    }

    /// What `Users.add` refused, in Swedish (the CLI shows its English).
    static func swedish(_ error: InputError, name: String) -> String {
        if error.message.contains("already exists") {
            return "Användaren ”\(name)” finns redan. Ta bort användaren först om hen ska få nya inloggningsuppgifter."
        }
        if error.message.hasPrefix("a user name is") {
            return "Användarnamnet ”\(name)” går inte att använda. Ett användarnamn har 1–40 tecken: bokstäver (också å, ä, ö och é), 0–9, punkt, understreck eller bindestreck (inte mellanslag)."
        }
        return SwedishMessage.text(error)
    }

    private func page(user: User, context: AppRequestContext, top: HTML, values: [String: String] = [:], status: HTTPResponse.Status = .ok) throws -> Page {
        let csrf = context.csrf ?? ""
        let rows = try Users.list(store: state.store).map { account -> HTML in
            // Leads to a confirmation (a GET form: nothing changes yet); nobody removes themselves.
            let remove: HTML = account.name == user.name ? "<span class=\"muted\">du</span>" : """
                <form method="get" action="/admin/users/remove" class="inline">
                <input type="hidden" name="name" value="\(account.name)"><button type="submit" class="secondary">Ta bort …</button></form>
                """
            let options = UserRole.allCases.map { role -> HTML in
                "<option value=\"\(role.rawValue)\"\(role == account.role ? " selected" : "")>\(role.label)</option>"
            }
            let change: HTML = account.name == user.name ? "" : """
                <form method="post" action="/admin/users/role" class="inline role">
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="name" value="\(account.name)">
                <select name="role" aria-label="Roll för \(account.name)">\(options.joined())</select><button type="submit" class="secondary">Byt roll</button></form>
                <form method="post" action="/admin/users/password" class="inline password">
                <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="name" value="\(account.name)">
                <button type="submit" class="secondary">Nytt lösenord</button></form>
                """
            return "<tr data-user=\"\(account.name)\"><td>\(account.name)</td><td>\(account.role.label)</td><td>\(change)</td><td>\(remove)</td></tr>"
        }
        let roles = UserRole.allCases.map { role -> HTML in
            "<option value=\"\(role.rawValue)\"\(values["role"] == role.rawValue ? " selected" : "")>\(role.label)</option>"
        }
        let content: HTML = """
            \(top)
            <form method="post" action="/admin/users" class="card" id="add-user"><h2>Ny användare</h2>
            <input type="hidden" name="csrf" value="\(csrf)">
            <div class="fields">
            <div class="field"><label for="name">Användarnamn</label><input id="name" name="name" required maxlength="40" pattern="[A-Za-z0-9åäöÅÄÖéÉ._\\-]+" autocapitalize="none" value="\(values["name"] ?? "")">
            <div class="hint">1–40 tecken: bokstäver (också å, ä, ö och é), 0–9, punkt, understreck eller bindestreck.</div></div>
            <div class="field"><label for="role">Roll</label><select id="role" name="role" required>\(roles.joined())</select></div>
            </div><button type="submit">Skapa</button></form>
            <section><h2>Användare</h2><div class="scroll"><table><thead><tr><th>Namn</th><th>Roll</th><th>Ändra</th><th></th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div></section>
            """
        return Page(status: status, Layout.page("Användare", user: user, csrf: csrf, content))
    }
}
