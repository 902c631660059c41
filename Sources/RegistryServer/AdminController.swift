import Hummingbird
import Registry

/// The admin's user list: add a user (its password and token are shown once) or remove one.
struct AdminController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/admin/users", use: show)
        router.post("/admin/users", use: add)
        router.post("/admin/users/remove", use: remove)
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .admin }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        return try page(user: user, context: context, top: "").response(from: request, context: context)
    }

    @Sendable func add(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = form.text("name") ?? ""
        guard let role = form.text("role").flatMap(UserRole.init(rawValue:)) else {
            return try page(user: user, context: context, top: FormProblem(message: "Välj en roll.").html, status: .badRequest)
                .response(from: request, context: context)
        }
        do {
            let store = state.store
            let credentials = try await Blocking.run { try Users.add(store: store, name: name, role: role) }
            context.logger.notice("user added", metadata: ["user.name": "\(name)", "user.role": "\(role.rawValue)", "by": "\(user.name)"])
            // Shown once: the store keeps only their hashes.
            let shown: HTML = """
                <div class="notice" role="status"><p><strong>Användaren \(name) är skapad.</strong> Lämna över uppgifterna nu; de visas bara en gång.</p>
                <p>Lösenord: <code>\(credentials.password)</code><br>Token (för API): <code>\(credentials.token)</code></p></div>
                """
            return try page(user: user, context: context, top: shown, status: .created).response(from: request, context: context)
        } catch let error as InputError {
            return try page(user: user, context: context, top: FormProblem(message: Self.swedish(error, name: name)).html,
                            values: form.values, status: .badRequest)
                .response(from: request, context: context)
        }
    }

    @Sendable func remove(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let name = form.text("name") ?? ""
        guard name != user.name else {
            return try page(user: user, context: context, top: FormProblem(message: "Du kan inte ta bort dig själv.").html, status: .badRequest)
                .response(from: request, context: context)
        }
        try Users.remove(store: state.store, name: name)
        context.logger.notice("user removed", metadata: ["user.name": "\(name)", "by": "\(user.name)"])
        return .redirect(to: "/admin/users")
    }

    /// What `Users.add` refused, in Swedish (the CLI shows its English).
    static func swedish(_ error: InputError, name: String) -> String {
        if error.message.contains("already exists") {
            return "Användaren ”\(name)” finns redan. Ta bort användaren först om hen ska få nya inloggningsuppgifter."
        }
        if error.message.hasPrefix("a user name is") {
            return "Användarnamnet ”\(name)” går inte att använda. Ett användarnamn har 1–40 tecken: A–Z, a–z, 0–9, punkt, understreck eller bindestreck (inte å, ä, ö eller mellanslag)."
        }
        return SwedishMessage.text(error)
    }

    private func page(user: User, context: AppRequestContext, top: HTML, values: [String: String] = [:], status: HTTPResponse.Status = .ok) throws -> Page {
        let csrf = context.csrf ?? ""
        let rows = try Users.list(store: state.store).map { account -> HTML in
            """
            <tr><td>\(account.name)</td><td>\(account.role.label)</td><td>
            <form method="post" action="/admin/users/remove" class="inline"><input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="name" value="\(account.name)"><button type="submit" class="secondary">Ta bort</button></form></td></tr>
            """
        }
        let roles = UserRole.allCases.map { role -> HTML in
            "<option value=\"\(role.rawValue)\"\(values["role"] == role.rawValue ? " selected" : "")>\(role.label)</option>"
        }
        let content: HTML = """
            \(top)
            <form method="post" action="/admin/users" class="card" id="add-user"><h2>Ny användare</h2>
            <input type="hidden" name="csrf" value="\(csrf)">
            <div class="fields">
            <div class="field"><label for="name">Användarnamn</label><input id="name" name="name" required maxlength="40" pattern="[A-Za-z0-9._\\-]+" autocapitalize="none" value="\(values["name"] ?? "")">
            <div class="hint">1–40 tecken: A–Z, a–z, 0–9, punkt, understreck eller bindestreck.</div></div>
            <div class="field"><label for="role">Roll</label><select id="role" name="role" required>\(roles.joined())</select></div>
            </div><button type="submit">Skapa</button></form>
            <section><h2>Användare</h2><div class="scroll"><table><thead><tr><th>Namn</th><th>Roll</th><th></th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div></section>
            """
        return Page(status: status, Layout.page("Användare", user: user, csrf: csrf, content))
    }
}
