import EventLog
import Hummingbird
import Registry

/// Medarbetarcentrum's work beyond cases (`mc.activity`): presentations, trainings, dialogue
/// meetings, group development. A page of its own, linked from the coach page.
struct McActivityController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/coach/activity", use: show)
        router.post("/coach/activity", use: save)
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .coach || role == .admin }

    private func fields() throws -> [FormField] {
        [
            FormField("kind", "Slag", .choice(ActivityKind.allCases.map { ($0.rawValue, $0.label) }), required: true),
            FormField("programme", "Program", .text, hint: "Till exempel PEUP."),
            FormField("title", "Rubrik", .text),
            FormField("municipality", "Kommun", .municipality(first: try state.members(of: .mc), onlyFirst: false)),
            FormField("participants", "Deltagare", .count, required: true),
            FormField("occurred", "Datum", .date(max: Day.today()), required: true),
            FormField("note", "Anteckning", .text),
        ]
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let query = FormData(query: request)
        var notice: HTML = ""
        if let id = query["saved"].flatMap(EventID.init), let saved = try state.store.event(id: id), try state.mayAccess(saved.event, as: user) {
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\">\(FormIdentity.heading(query)) \(saved.event.type.label) · \(EventSummary.text(saved.event)) · \(saved.event.occurred.description)</div>"
        }
        return try page(user: user, context: context, notice: notice, problem: FormProblem(),
                        values: ["kind": ActivityKind.presentation.rawValue, "occurred": Day.today().description])
            .response(from: request, context: context)
    }

    @Sendable func save(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let fields = try fields()
        do {
            let event = try EventForm.event(type: .mcActivity, fields: fields, form: form)
            let appended = try await state.append([event], as: user)
            return .redirect(to: link("/coach/activity", FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            let problem = FormProblem(EventForm.problems(type: .mcActivity, fields: fields, form: form, orElse: error), fields: fields)
            return try page(user: user, context: context, notice: "", problem: problem, values: form.values, status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    private func page(user: User, context: AppRequestContext, notice: HTML, problem: FormProblem, values: [String: String],
                      status: HTTPResponse.Status = .ok) throws -> Page {
        let content: HTML = """
            \(notice)
            <form method="post" action="/coach/activity" class="card" id="activity">
            <h2>Registrera aktivitet</h2>\(problem.html)
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            \(FormIdentity.hidden(values))
            <div class="fields">\(problem.inputs(try fields(), values: values, scope: "activity"))</div>
            <button type="submit">Spara aktivitet</button>
            </form>
            <p class="links"><a href="/coach">Tillbaka till ärendena</a></p>
            """
        return Page(status: status, Layout.page("Medarbetarcentrum – aktiviteter", user: user, csrf: context.csrf, content))
    }
}
