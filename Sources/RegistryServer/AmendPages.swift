import EventLog
import Hummingbird
import Registry

/// Undo (a retraction with a reason) and fix (a correction, its form filled with the event as
/// it counts now) for the events of one work page, as reception has them: `/coach/fix` shows
/// both forms, posting to `/coach/fix` and `/coach/undo`; the same under `/grants` and
/// `/admin/memberships`.
struct AmendPages: Sendable {
    let state: ServerState
    /// The work page: where the routes live and where they return to.
    let base: String
    let title: String
    let allowed: @Sendable (UserRole) -> Bool
    let types: Set<EventType>
    /// The form's fields for an event of a type, and the members the page adds to what was
    /// posted (an outcome's municipality comes from its case); throws `FormRefusal` for a
    /// problem the decoder would not name.
    let fields: @Sendable (EventType) async throws -> [FormField]
    let complete: @Sendable (EventType, inout FormData) async throws -> JSONObject

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("\(base)/fix", use: showFix)
        router.post("\(base)/fix", use: fix)
        router.post("\(base)/undo", use: undo)
    }

    /// The link for one listed event (its original's id) to the page that fixes or undoes it;
    /// `label` names it ("ärendet", "utfallet"). One short link: a list of a hundred stays small.
    static func actions(base: String, id: EventID?, label: String? = nil, csrf: String?) -> HTML {
        guard let id else { return "" }
        let what: HTML = label.map { " <span class=\"what\">\($0)</span>" } ?? ""
        return "<a href=\"\(link("\(base)/fix", [("id", id.description)]))\" class=\"fix\">Rätta/ångra\(what)</a>"
    }

    /// A link to fix the event a refusal names (the live outcome or decision already there),
    /// when it is one of this page's.
    func offer(for error: InputError) throws -> HTML? {
        let words = error.message.split { " ;,()".contains($0) }
        guard let id = words.lazy.compactMap({ EventID($0) }).first, let existing = try state.store.event(id: id),
              types.contains(existing.event.type) else { return nil }
        return "<p class=\"offer\"><a href=\"\(link("\(base)/fix", [("id", id.description)]))\" id=\"fix-existing\">Rätta det som redan finns (händelse \(existing.seq))</a></p>"
    }

    @Sendable func showFix(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, allowed)
        let (target, current, retraction) = try fixTarget(FormData(query: request)["id"])
        if let retraction {
            return try undonePage(user: user, context: context, target: target, retraction: retraction).response(from: request, context: context)
        }
        return try await fixPage(user: user, context: context, target: target, values: EventForm.values(of: current), problem: FormProblem())
            .response(from: request, context: context)
    }

    @Sendable func fix(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, allowed)
        var form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let (target, _, retraction) = try fixTarget(form["target"])
        if let retraction {
            return try undonePage(user: user, context: context, target: target, retraction: retraction, status: .conflict)
                .response(from: request, context: context)
        }
        let type = target.event.type
        let fields = try await fields(type)
        do {
            let extra = try await complete(type, &form)
            let object = Amendment.correction(
                of: target.event.id?.description ?? "", replacement: EventForm.object(type: type, fields: fields, form: form, extra: extra), form: form)
            let appended = try await state.append([try Event.decode(.object(object), today: .today())], as: user)
            return .redirect(to: link(base, FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            let reasonField = FormField("reason", "Orsak", .text, required: true)
            return try await fixPage(user: user, context: context, target: target, values: form.values,
                                     problem: FormProblem(error, fields: fields + [reasonField]), status: .badRequest)
                .response(from: request, context: context)
        } catch let refusal as FormRefusal {
            return try await fixPage(user: user, context: context, target: target, values: form.values, problem: refusal.problem, status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    @Sendable func undo(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let (target, _, retraction) = try fixTarget(form["target"])
        if let retraction {
            return try undonePage(user: user, context: context, target: target, retraction: retraction, status: .conflict)
                .response(from: request, context: context)
        }
        do {
            let object = Amendment.retraction(of: target.event.id?.description ?? "", form: form)
            _ = try await state.append([try Event.decode(.object(object), today: .today())], as: user)
            return .redirect(to: link(base, [("undone", target.event.id?.description)]))
        } catch let error as InputError {
            let why = error.field == "reason" ? "Skriv en orsak." : SwedishMessage.text(error)
            let content: HTML = """
                <p class="notice problem" role="alert" id="error-summary">Kunde inte ångra: \(why)</p>
                <p><a href="\(base)">Tillbaka</a></p>
                """
            return try Page(status: .badRequest, Layout.page("Ångra", user: user, csrf: context.csrf, content)).response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    /// The notice after an undo, for the work page.
    func undoneNotice(_ query: FormData, user: User) throws -> HTML? {
        guard let id = query["undone"].flatMap(EventID.init), let undone = try state.store.event(id: id), try state.mayAccess(undone.event, as: user)
        else { return nil }
        return "<div class=\"notice\" id=\"confirmation\" role=\"status\"><strong>Ångrat:</strong> \(undone.event.type.label) · \(EventSummary.text(undone.event))</div>"
    }

    /// The event to fix (one of this page's types), its current version and, when it was
    /// undone, the retraction.
    private func fixTarget(_ idText: String?) throws -> (RecordedEvent, Event, Retraction?) {
        guard let id = idText.flatMap(EventID.init), let target = try state.store.event(id: id),
              types.contains(target.event.type), let (current, retraction) = try state.store.currentVersion(of: id)
        else { throw PageError.notFound }
        return (target, current, retraction)
    }

    private func undonePage(user: User, context: AppRequestContext, target: RecordedEvent, retraction: Retraction, status: HTTPResponse.Status = .ok) throws -> Page {
        let content: HTML = """
            <p class="notice problem" role="alert" id="undone">Händelsen är ångrad och kan inte rättas eller ångras igen.</p>
            <section><p>\(target.event.type.label) (händelse \(target.seq)): \(EventSummary.text(target.event)) · \(target.event.occurred.description)</p>
            <p>Den ångrades med orsaken ”\(retraction.reason)” och räknas inte i rapporterna. Ska den räknas, registrera den på nytt.</p>
            <p><a href="\(base)">Tillbaka till \(title)</a></p></section>
            """
        return Page(status: status, Layout.page("Rätta", user: user, csrf: context.csrf, content))
    }

    private func fixPage(user: User, context: AppRequestContext, target: RecordedEvent, values: [String: String], problem: FormProblem, status: HTTPResponse.Status = .ok) async throws -> Page {
        let fields = try await fields(target.event.type)
        let reason = FormField("reason", "Orsak till rättelsen", .text, required: true)
        let content: HTML = """
            \(problem.summary(fields + [reason]))
            <p>Rättar \(target.event.type.label) (händelse \(target.seq)): \(EventSummary.text(target.event)).
            Originalet finns kvar i loggen; rättelsen ersätter det i rapporterna.</p>
            <form method="post" action="\(base)/fix" class="card" id="fix" novalidate>
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            <input type="hidden" name="target" value="\(target.event.id?.description ?? "")">
            \(FormIdentity.hidden(values.filter { $0.key == FormIdentity.field && $0.value != target.event.id?.description }))
            <div class="fields">\(problem.inputs(fields, values: values))</div>
            \(reason.html(value: values["reason"], error: problem.fieldErrors["reason"]))
            <button type="submit">Spara rättelse</button> <a href="\(base)">Avbryt</a>
            </form>
            <form method="post" action="\(base)/undo" class="card" id="undo">
            <h2>Ångra</h2>
            <p>Ska händelsen inte räknas alls? Den finns kvar i loggen men räknas inte i rapporterna.</p>
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            <input type="hidden" name="target" value="\(target.event.id?.description ?? "")">
            \(FormIdentity.hidden([:]))
            <div class="field"><label for="undo-reason">Orsak till ångringen</label>
            <input id="undo-reason" name="reason" required maxlength="200"></div>
            <button type="submit" class="danger">Ångra</button>
            </form>
            """
        return Page(status: status, Layout.page("Rätta: \(target.event.type.label)", user: user, csrf: context.csrf, content))
    }
}
