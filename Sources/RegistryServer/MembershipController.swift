import EventLog
import Hummingbird
import Registry

/// The admin's page for the municipalities' memberships of the units (SPEC §2 `membership`):
/// add one, end one (a correction that sets its last day), correct or undo one. Until now
/// only the CLI could.
struct MembershipController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/admin/memberships", use: show)
        router.post("/admin/memberships", use: add)
        router.post("/admin/memberships/end", use: end)
        amend.addRoutes(to: router)
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .admin }

    /// Correct (the form filled with the membership as it counts now) and undo.
    var amend: AmendPages {
        AmendPages(
            state: state, base: "/admin/memberships", title: "Medlemskap", allowed: Self.allowed, types: [.membership],
            fields: { _ in Self.fields() }, complete: { _, _ in [] })
    }

    static func fields(today: Day = .today()) -> [FormField] {
        [
            FormField("municipality", "Kommun", .municipality(first: [], onlyFirst: false), required: true, hint: "Skriv namn eller kod."),
            FormField("unit", "Enhet", .choice(Registry.Unit.allCases.map { ($0.rawValue, $0.label) }), required: true),
            FormField("role", "Roll", .choice([(Role.member.rawValue, "Medlem"), (Role.adjunct.rawValue, "Adjungerad")]), required: true),
            // The interval may lie in the future (a decision about next year).
            FormField("from", "Från och med", .date(max: Day(ordinal: today.ordinal + 3650)), required: true),
            FormField("to", "Till och med", .date(max: Day(ordinal: today.ordinal + 3650)), hint: "Sista dagen; tomt om det gäller tills vidare."),
            FormField("occurred", "Beslutsdatum", .date(max: today), required: true),
            FormField("note", "Anteckning", .text),
        ]
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let query = FormData(query: request)
        var notice: HTML = try amend.undoneNotice(query, user: user) ?? ""
        if let id = query["saved"].flatMap(EventID.init), let saved = try state.store.event(id: id) {
            let targets = try EventSummary.targetSeqs([saved.event], in: state.store)
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\">\(FormIdentity.heading(query)) \(EventSummary.text(saved.event) { targets[$0] })</div>"
        }
        return try await page(user: user, context: context, values: [:], problem: FormProblem(), notice: notice).response(from: request, context: context)
    }

    @Sendable func add(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let fields = Self.fields()
        do {
            let event = try EventForm.event(type: .membership, fields: fields, form: form)
            let appended = try await state.append([event], as: user)
            return .redirect(to: link("/admin/memberships", FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            let problem = FormProblem(EventForm.problems(type: .membership, fields: fields, form: form, orElse: error), fields: fields)
            return try await page(user: user, context: context, values: form.values, problem: problem, notice: "", status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    /// Ends a membership: a correction of it that keeps everything but sets `to`.
    @Sendable func end(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        guard let id = form.text("target").flatMap(EventID.init), let (current, retraction) = try state.store.currentVersion(of: id),
              retraction == nil, case .membership(let membership) = current.fact
        else { throw PageError.notFound }
        let last = form.text("to") ?? ""
        // Without a last day the correction would leave the membership open: refused.
        guard !last.isEmpty else {
            let problem = FormProblem(message: "Kunde inte avsluta medlemskapet för \(membership.municipality.name) i \(membership.unit.label): ange sista dagen.")
            return try await page(user: user, context: context, values: [:], problem: problem, notice: "", status: .badRequest)
                .response(from: request, context: context)
        }
        do {
            var values = EventForm.values(of: current)
            values["to"] = last
            let replacement = EventForm.object(type: .membership, fields: Self.fields(), form: FormData(values.map { ($0.key, $0.value) }))
            let object = Amendment.correction(of: id.description, replacement: replacement, form: form, reason: "avslutat: sista dag \(last)")
            let appended = try await state.append([try Event.decode(.object(object), today: .today())], as: user)
            return .redirect(to: link("/admin/memberships", FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            let problem = FormProblem(message: "Kunde inte avsluta medlemskapet för \(membership.municipality.name) i \(membership.unit.label): \(SwedishMessage.text(error))")
            return try await page(user: user, context: context, values: [:], problem: problem, notice: "", status: .badRequest)
                .response(from: request, context: context)
        }
    }

    private func page(user: User, context: AppRequestContext, values: [String: String], problem: FormProblem, notice: HTML,
                      status: HTTPResponse.Status = .ok) async throws -> Page {
        var values = values
        if values["occurred"] == nil { values["occurred"] = Day.today().description }
        let fields = Self.fields()
        let csrf = context.csrf
        let memberships = try await state.recentActivity().events([.membership]).compactMap { event -> (EventID?, Membership)? in
            if case .membership(let m) = event.fact { (event.id, m) } else { nil }
        }.sorted { a, b in
            a.1.unit.rawValue != b.1.unit.rawValue ? Registry.Unit.allCases.firstIndex(of: a.1.unit)! < Registry.Unit.allCases.firstIndex(of: b.1.unit)!
                : a.1.municipality.name != b.1.municipality.name ? Municipality.swedishOrder(a.1.municipality.name, b.1.municipality.name) : a.1.from < b.1.from
        }
        let today = Day.today()
        let rows = memberships.map { id, m -> HTML in
            let ended = m.to.map { $0 < today } ?? false
            let endForm: HTML = m.to != nil || id == nil ? "" : """
                <details class="undo end"><summary>Avsluta …</summary>
                <form method="post" action="/admin/memberships/end">
                <input type="hidden" name="csrf" value="\(csrf ?? "")"><input type="hidden" name="target" value="\(id?.description ?? "")">
                \(FormIdentity.hidden([:]))
                <label for="to-\(id?.description ?? "")">Sista dag</label><input id="to-\(id?.description ?? "")" name="to" type="date" required>
                <button type="submit" class="secondary">Avsluta</button>
                </form></details>
                """
            return """
                <tr data-id="\(id?.description ?? "")"\(ended ? " class=\"superseded\"" : "" as HTML)><td>\(m.unit.label)</td><td>\(m.municipality.name)</td>
                <td>\(m.role == .member ? "Medlem" : "Adjungerad")</td><td class="d">\(m.from.description)</td><td class="d">\(m.to?.description ?? "tills vidare")</td>
                <td class="actions">\(endForm)\(AmendPages.actions(base: "/admin/memberships", id: id, csrf: csrf))</td></tr>
                """
        }
        let content: HTML = """
            \(notice)\(problem.summary(fields))
            <form method="post" action="/admin/memberships" class="card" id="membership" novalidate>
            <h2>Nytt medlemskap</h2>
            <input type="hidden" name="csrf" value="\(csrf ?? "")">
            \(FormIdentity.hidden(values))
            <div class="fields">\(problem.inputs(fields, values: values))</div>
            <button type="submit">Spara medlemskap</button>
            </form>
            <section id="memberships"><h2>Medlemskap</h2>
            <p class="muted">Som de gäller nu, rättelser inräknade. Ett avslutat medlemskap räknas i rapporterna till och med sin sista dag.</p>
            <div class="scroll"><table><thead><tr><th>Enhet</th><th>Kommun</th><th>Roll</th><th>Från och med</th><th>Till och med</th><th>Ändra</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div></section>
            """
        return Page(status: status, Layout.page("Medlemskap", user: user, csrf: csrf, content))
    }
}
