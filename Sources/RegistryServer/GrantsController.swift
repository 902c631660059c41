import EventLog
import Hummingbird
import Registry

/// The board's decisions on growth grants (tillväxtmedel): record one, list them.
struct GrantsController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/grants", use: show)
        router.post("/grants", use: save)
        amend.addRoutes(to: router)
    }

    /// Fix and undo of decisions.
    var amend: AmendPages {
        let controller = self
        return AmendPages(
            state: state, base: "/grants", title: "Tillväxtmedel", allowed: Self.allowed, types: [.grantDecision],
            fields: { _ in try await controller.fields() }, complete: { _, _ in [] })
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .grants || role == .admin }

    /// Decisions listed, newest first: the page stays small however many there are.
    static let listed = 100
    /// Recent decisions whose applicants the form suggests.
    static let suggested = 40

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let query = FormData(query: request)
        var notice: HTML = try amend.undoneNotice(query, user: user) ?? ""
        if let id = query["saved"].flatMap(EventID.init), let saved = try state.store.event(id: id), try state.mayAccess(saved.event, as: user) {
            let targets = try EventSummary.targetSeqs([saved.event], in: state.store)
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\">\(FormIdentity.heading(query)) \(EventSummary.text(saved.event) { targets[$0] }) · \(saved.event.occurred.description)</div>"
        }
        let values = ["occurred": Day.today().description]
        return try await page(user: user, context: context, values: values, problem: FormProblem(), notice: notice,
                              listPage: query.text("page").flatMap { Int($0) } ?? 1)
            .response(from: request, context: context)
    }

    @Sendable func save(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let fields = try await fields()
        do {
            let event = try EventForm.event(type: .grantDecision, fields: fields, form: form)
            let appended = try await state.append([event], as: user)
            return .redirect(to: link("/grants", FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            var problem = FormProblem(EventForm.problems(type: .grantDecision, fields: fields, form: form, orElse: error), fields: fields)
            problem.offer = try amend.offer(for: error)
            return try await page(user: user, context: context, values: form.values, problem: problem, notice: "", status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    private func fields() async throws -> [FormField] {
        let recent = try await state.recentActivity()
        // The applicants of recent decisions: the suggestions stay few however many there are.
        let applicants = Set(recent.events([.grantDecision]).prefix(Self.suggested).compactMap { event -> String? in
            if case .grant(let grant) = event.fact { grant.applicant } else { nil }
        })
        return [
            FormField("occurred", "Beslutsdatum", .date(max: .today()), required: true),
            FormField("grant", "Beslut-id", .text, required: true, hint: "Diarienummer eller eget id, t.ex. TM-2026-07."),
            FormField("project", "Projekt", .text, required: true),
            FormField("applicant", "Sökande", .suggest(applicants.sorted())),
            FormField("area", "Område", .choice(Area.allCases.map { ($0.rawValue, $0.label) }), required: true),
            FormField("municipality", "Kommun (huvudman)", .municipality(first: try state.members(of: .forbund), onlyFirst: false)),
            FormField("amount_sek", "Belopp (kr)", .amount, required: true, hint: "Sökt eller beviljat belopp i kronor; 0 vid avslag utan belopp."),
            FormField("decision", "Beslut", .choice(Decision.allCases.map { ($0.rawValue, $0.label) }), required: true),
            FormField("funding", "Finansiering", .choice(Funding.allCases.map { ($0.rawValue, $0.label) })),
            FormField("note", "Anteckning", .text),
        ]
    }

    private func page(user: User, context: AppRequestContext, values: [String: String], problem: FormProblem, notice: HTML,
                      status: HTTPResponse.Status = .ok, listPage: Int = 1) async throws -> Page {
        let decisions = try await state.recentActivity().events([.grantDecision])
        let fields = try await fields()
        func short(_ text: String?) -> String { EventSummary.shortened(text ?? "", limit: 60) }
        let pages = max(1, (decisions.count + Self.listed - 1) / Self.listed)
        // A page past the end (the list shrank, or a hand-typed address) shows the last one.
        let listPage = min(max(listPage, 1), pages)
        let first = (listPage - 1) * Self.listed
        let rows = decisions.dropFirst(first).prefix(Self.listed).compactMap { event -> HTML? in
            guard case .grant(let g) = event.fact else { return nil }
            return """
                <tr><td class="d">\(event.occurred.description)</td><td>\(short(g.grant))</td><td>\(short(g.project))</td><td>\(short(g.applicant))</td>
                <td>\(g.area.label)</td><td class="n">\(EventSummary.amount(g.amountSEK))</td><td>\(g.decision.label)</td>
                <td class="actions">\(AmendPages.actions(base: "/grants", id: event.id, csrf: context.csrf))</td></tr>
                """
        }
        let list: HTML = rows.isEmpty ? "<p class=\"muted\">Inga beslut registrerade än.</p>" : """
            <div class="scroll"><table><thead><tr><th>Datum</th><th>Id</th><th>Projekt</th><th>Sökande</th><th>Område</th><th class="n">Belopp (kr)</th><th>Beslut</th><th>Ändra</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            \(pages == 1 ? "" : paging(first: first, shown: rows.count, total: decisions.count, page: listPage, pages: pages))
            """
        let content: HTML = """
            \(notice)\(problem.summary(fields))
            <form method="post" action="/grants" class="card" id="decision" novalidate>
            <h2>Registrera beslut</h2>
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            \(FormIdentity.hidden(values))
            <div class="fields">\(problem.inputs(fields, values: values))</div>
            <button type="submit">Spara beslut</button>
            </form>
            <section id="decisions"><h2>Beslut</h2>\(list)</section>
            """
        return Page(status: status, Layout.page("Tillväxtmedel", user: user, csrf: context.csrf, content))
    }

    /// Which decisions the list shows of how many, and links to the pages before and after.
    private func paging(first: Int, shown: Int, total: Int, page: Int, pages: Int) -> HTML {
        func address(_ page: Int) -> String { link("/grants", [("page", page == 1 ? nil : String(page))]) + "#decisions" }
        return """
            <p class="muted" id="decision-count">Visar \(first + 1)–\(first + shown) av \(total) beslut.</p>
            <nav class="links" aria-label="Sidor med beslut">\
            \(page > 1 ? "<a href=\"\(address(page - 1))\" rel=\"prev\">← Nyare</a>" as HTML : "")\
            <span>Sida \(page) av \(pages)</span> \
            \(page < pages ? "<a href=\"\(address(page + 1))\" rel=\"next\">Äldre →</a>" as HTML : "")</nav>
            """
    }
}
