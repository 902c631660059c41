import EventLog
import Hummingbird
import Registry

/// Medarbetarcentrum's coaches: open a case under a pseudonymous id, record its outcome,
/// and see the cases. Names and personal identity numbers are never asked for.
struct CoachController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/coach", use: show)
        router.post("/coach/case", use: openCase)
        router.post("/coach/outcome", use: recordOutcome)
        amend.addRoutes(to: router)
    }

    /// Fix and undo of cases and outcomes.
    var amend: AmendPages {
        let controller = self
        return AmendPages(
            state: state, base: "/coach", title: "Medarbetarcentrum", allowed: Self.allowed, types: [.mcCase, .mcOutcome],
            fields: { type in try controller.caseFields(cases: CaseList(try await controller.state.recentActivity()), type == .mcCase ? .openCase : .outcome) },
            complete: { type, form in
                guard type == .mcOutcome else { return [] }
                return try controller.resolveCase(&form, cases: CaseList(try await controller.state.recentActivity()))
            })
    }

    /// Finds the case an outcome form names, puts its id as opened into the form and gives
    /// the outcome's municipality (the case's: the coach need not repeat it).
    private func resolveCase(_ form: inout FormData, cases: CaseList) throws -> JSONObject {
        guard let typed = form.text("case") else { return [] }
        // Typed on a tablet, the id may come in another case than it was opened with.
        guard let found = cases.find(typed) ?? cases.find(ignoringCase: typed) else {
            throw FormRefusal(problem: FormProblem(field: "case", "Det finns inget ärende ”\(typed)”. Välj ett öppet ärende bland förslagen."))
        }
        form.set("case", found.caseID)
        return [("municipality", .string(found.municipality.code))]
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .coach || role == .admin }
    /// Cases listed on a page, newest first.
    static let listed = 100

    /// Which cases the list shows: those a search finds (all without one), a page at a time.
    private struct Listing {
        var search: String?
        var page = 1
    }

    /// Which of the page's two forms a problem belongs to.
    private enum Form { case openCase, outcome }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let query = FormData(query: request)
        let listing = Listing(search: query.text("q"), page: query.text("page").flatMap { Int($0) } ?? 1)
        var notice: HTML = try amend.undoneNotice(query, user: user) ?? ""
        var opened: CoachingCase?
        if let id = query["saved"].flatMap(EventID.init), let saved = try state.store.event(id: id), try state.mayAccess(saved.event, as: user) {
            let targets = try EventSummary.targetSeqs([saved.event], in: state.store)
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\">\(FormIdentity.heading(query)) \(saved.event.type.label) · \(EventSummary.text(saved.event) { targets[$0] }) · \(saved.event.occurred.description)</div>"
            // A case just opened is the one whose outcome comes next, as a rule.
            if case .mcCase(let c) = saved.event.fact { opened = c }
        }
        return try await page(user: user, context: context, notice: notice, listing: listing, opened: opened).response(from: request, context: context)
    }

    @Sendable func openCase(request: Request, context: AppRequestContext) async throws -> Response {
        try await save(request: request, context: context, form: .openCase)
    }

    @Sendable func recordOutcome(request: Request, context: AppRequestContext) async throws -> Response {
        try await save(request: request, context: context, form: .outcome)
    }

    private func save(request: Request, context: AppRequestContext, form which: Form) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        var form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let cases = CaseList(try await state.recentActivity())
        let fields = try caseFields(cases: cases, which)
        let type: EventType = which == .openCase ? .mcCase : .mcOutcome
        var extra: JSONObject = []
        do {
            if which == .outcome { extra = try resolveCase(&form, cases: cases) }
            let event = try EventForm.event(type: type, fields: fields, form: form, extra: extra)
            let appended = try await state.append([event], as: user)
            return .redirect(to: link("/coach", FormIdentity.confirmation(appended[0])))
        } catch let refusal as FormRefusal {
            return try await page(user: user, context: context, notice: "", problem: (which, refusal.problem, form.values), status: .badRequest)
                .response(from: request, context: context)
        } catch let error as InputError {
            var problem = FormProblem(EventForm.problems(type: type, fields: fields, form: form, extra: extra, orElse: error), fields: fields)
            problem.offer = try amend.offer(for: error)
            return try await page(user: user, context: context, notice: "", problem: (which, problem, form.values), status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    private func caseFields(cases: CaseList, _ which: Form) throws -> [FormField] {
        let today = Day.today()
        switch which {
        case .openCase:
            return [
                FormField("case", "Ärende-id", .text, required: true, hint: "Pseudonym – aldrig namn eller personnummer."),
                FormField("municipality", "Kommun", .municipality(first: try state.members(of: .mc), onlyFirst: true), required: true,
                          hint: "Skriv namn eller kod; bara Medarbetarcentrums medlemskommuner."),
                FormField("service", "Tjänst", .choice(Service.allCases.map { ($0.rawValue, $0.label) }), required: true),
                FormField("gender", "Kön", .choice(Gender.allCases.map { ($0.rawValue, $0.label) })),
                FormField("occurred", "Datum", .date(max: today), required: true),
                FormField("note", "Anteckning", .text),
            ]
        case .outcome:
            // Hundreds of open cases: typed or picked from suggestions, not a select.
            let open = cases.open.map { c in (c.caseID, "\(c.municipality.name) · öppnat \(c.opened)") }
            return [
                FormField("case", "Ärende", .search(open), required: true, hint: "Skriv ärende-id; öppna ärenden föreslås."),
                FormField("outcome", "Utfall", .choice(Outcome.allCases.map { ($0.rawValue, $0.label) }), required: true),
                FormField("occurred", "Datum", .date(max: today), required: true),
                FormField("note", "Anteckning", .text),
            ]
        }
    }

    private func page(user: User, context: AppRequestContext, notice: HTML, listing: Listing = Listing(), opened: CoachingCase? = nil,
                      problem: (Form, FormProblem, [String: String])? = nil, status: HTTPResponse.Status = .ok) async throws -> Page {
        let cases = CaseList(try await state.recentActivity())
        let today = Day.today()
        func form(_ which: Form, action: String, title: String, button: String, defaults: [String: String], lead: HTML = "") throws -> HTML {
            let (formProblem, values): (FormProblem, [String: String]) =
                problem.flatMap { $0.0 == which ? ($0.1, $0.2) : nil } ?? (FormProblem(), defaults)
            // Both forms have a case, a date and a note: the form's id keeps their inputs' ids apart.
            let id = String(action.dropFirst("/coach/".count))
            let fields = try caseFields(cases: cases, which)
            return """
                <form method="post" action="\(action)" class="card" id="\(id)" novalidate>
                <h2>\(title)</h2>\(lead)\(formProblem.summary(fields, scope: id))
                <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
                \(FormIdentity.hidden(values))
                <div class="fields">\(formProblem.inputs(fields, values: values, scope: id))</div>
                <button type="submit">\(button)</button>
                </form>
                """
        }
        let list = cases.cases.isEmpty ? "<p class=\"muted\">Inga ärenden än.</p>" : caseList(cases, listing, csrf: context.csrf)
        let content: HTML = """
            \(notice)
            \(try form(.openCase, action: "/coach/case", title: "Öppna ärende", button: "Spara ärende",
                       defaults: ["case": cases.suggestedID(year: today.year), "occurred": today.description, "service": Service.core.rawValue]))
            \(try form(.outcome, action: "/coach/outcome", title: "Registrera utfall", button: "Spara utfall",
                       defaults: ["occurred": today.description, "case": opened?.caseID ?? ""],
                       lead: opened.map { "<p class=\"hint\" id=\"outcome-case\">Ifyllt med ärendet du just öppnade: \($0.caseID), \($0.municipality.name).</p>" } ?? ""))
            <p class="links"><a href="/coach/activity" id="activity-link">Registrera aktivitet (presentation, utbildning, dialogträff …)</a></p>
            <section id="cases"><h2>Ärenden</h2>\(list)</section>
            """
        return Page(status: status, Layout.page("Medarbetarcentrum", user: user, csrf: context.csrf, content))
    }

    /// A search box, a page of the cases it finds, and links to the pages before and after.
    /// Plain links and a GET form: no script needed. They lead back to `#cases`, not the top.
    private func caseList(_ cases: CaseList, _ listing: Listing, csrf: String?) -> HTML {
        let found = listing.search.map(cases.matching) ?? cases.cases
        let pages = max(1, (found.count + Self.listed - 1) / Self.listed)
        // A page past the end (the list shrank, or a hand-typed address) shows the last one.
        let page = min(max(listing.page, 1), pages)
        let first = (page - 1) * Self.listed
        let shown = found.dropFirst(first).prefix(Self.listed)
        func address(_ page: Int) -> String { link("/coach", [("q", listing.search), ("page", page == 1 ? nil : String(page))]) + "#cases" }

        let search: HTML = """
            <form method="get" action="/coach#cases" class="inline" id="case-search" role="search">
            <label for="case-q">Sök ärende</label>
            <input id="case-q" name="q" type="search" value="\(listing.search ?? "")" placeholder="Ärende-id eller kommun" autocomplete="off" spellcheck="false">
            <button type="submit" class="secondary">Sök</button>\(listing.search == nil ? "" : " <a href=\"/coach#cases\">Visa alla</a>" as HTML)
            </form>
            """
        guard !found.isEmpty else { return "\(search)<p class=\"muted\" id=\"case-count\">Inga ärenden matchar ”\(listing.search ?? "")”.</p>" }
        let rows = shown.map { c -> HTML in
            let outcome: HTML = c.outcome.map {
                "\($0.outcome.label) <span class=\"muted\">\($0.on.description)</span><div class=\"actions\">\(AmendPages.actions(base: "/coach", id: $0.id, label: "utfallet", csrf: csrf))</div>"
            } ?? "<em>Öppet</em>"
            return """
                <tr data-id="\(c.id?.description ?? "")"><td class="d">\(c.caseID)</td><td>\(c.municipality.name)</td><td>\(c.service.label)</td><td>\(c.gender?.label ?? "")</td><td class="d">\(c.opened.description)</td><td>\(outcome)</td>
                <td class="actions">\(AmendPages.actions(base: "/coach", id: c.id, label: "ärendet", csrf: csrf))</td></tr>
                """
        }
        let range = shown.count == 1 ? "\(first + 1)" : "\(first + 1)–\(first + shown.count)"
        let open = found.count { $0.outcome == nil }
        let searched = listing.search.map { "Sökningen ”\($0)”: " } ?? ""
        let paging: HTML = pages == 1 ? "" : """
            <nav class="links" aria-label="Sidor med ärenden">\
            \(page > 1 ? "<a href=\"\(address(page - 1))\" rel=\"prev\">← Nyare</a>" as HTML : "")\
            <span>Sida \(page) av \(pages)</span> \
            \(page < pages ? "<a href=\"\(address(page + 1))\" rel=\"next\">Äldre →</a>" as HTML : "")</nav>
            """
        return """
            \(search)
            <div class="scroll"><table><thead><tr><th>Ärende</th><th>Kommun</th><th>Tjänst</th><th>Kön</th><th>Öppnat</th><th>Utfall</th><th>Ändra</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            <p class="muted" id="case-count">\(searched)\(range) av \(found.count.counted("ärende", "ärenden")), \(open.counted("öppet", "öppna")).</p>
            \(paging)
            """
    }
}
