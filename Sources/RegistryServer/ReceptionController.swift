import EventLog
import Foundation
import Hummingbird
import Registry

/// Navet's reception: one form for the five kinds of event, a confirmation of what was
/// saved, and today's entries with undo (a retraction) and fix (a correction).
struct ReceptionController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/reception", use: show)
        router.post("/reception", use: save)
        router.post("/reception/undo", use: undo)
        router.get("/reception/fix", use: showFix)
        router.post("/reception/fix", use: fix)
    }

    private static func allowed(_ role: UserRole) -> Bool { role == .reception || role == .admin }
    /// Today's entries listed, newest first.
    static let listed = 100

    // MARK: Record

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let query = FormData(query: request)
        let type = Self.navetType(query["type"]) ?? .navetVisit
        var notice: HTML = ""
        if let id = query["saved"].flatMap(EventID.init), let saved = try state.store.event(id: id), try state.mayAccess(saved.event, as: user) {
            let targets = try EventSummary.targetSeqs([saved.event], in: state.store)
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\">\(FormIdentity.heading(query)) \(saved.event.type.label) · \(EventSummary.text(saved.event) { targets[$0] }) · \(saved.event.occurred.description)\(Self.note(saved.event)) <span class=\"muted\">(händelse \(saved.seq))</span></div>"
        } else if let id = query["undone"].flatMap(EventID.init), let undone = try state.store.event(id: id), try state.mayAccess(undone.event, as: user) {
            notice = "<div class=\"notice\" id=\"confirmation\" role=\"status\"><strong>Ångrat:</strong> \(undone.event.type.label) · \(EventSummary.text(undone.event))</div>"
        }
        // Values in the address: what "Spara och ny" keeps, or what was typed before a sign-in.
        let names = Set(try await fields(type).map(\.name))
        let values = query.values.filter { names.contains($0.key) || ($0.key == FormIdentity.field && query["saved"] == nil) }
        return try await page(user: user, context: context, type: type, values: values, problem: FormProblem(), notice: notice,
                              before: query.text("before").flatMap(Position.init))
            .response(from: request, context: context)
    }

    /// What "Spara och ny" keeps for the next entry: the date and where from (and for a
    /// visit the school: a school often comes with several classes).
    static let kept = ["occurred", "municipality", "organisation", "school"]

    @Sendable func save(request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.body(of: request)
        let user = try context.requireUser(request, Self.allowed, keeping: form)
        try context.requireCSRF(form)
        guard let type = Self.navetType(form["type"]) else { throw PageError(.badRequest, "Okänd typ", "Välj en av Navets händelsetyper.") }
        let fields = try await fields(type, municipality: form.text("municipality"))
        do {
            let event = try EventForm.event(type: type, fields: fields, form: form)
            let appended = try await state.append([event], as: user)
            let kept = form["next"] == "same" ? Self.kept.map { ($0, form.text($0)) } : []
            return .redirect(to: link("/reception", [("type", type.rawValue)] + FormIdentity.confirmation(appended[0]) + kept))
        } catch let error as InputError {
            let problems = EventForm.problems(type: type, fields: fields, form: form, orElse: error)
            return try await page(user: user, context: context, type: type, values: form.values, problem: FormProblem(problems, fields: fields), notice: "", status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    private func page(user: User, context: AppRequestContext, type: EventType, values: [String: String], problem: FormProblem, notice: HTML,
                      status: HTTPResponse.Status = .ok, before: Position? = nil) async throws -> Page {
        var values = values
        if values["occurred"] == nil { values["occurred"] = Day.today().description }
        let fields = try await fields(type, municipality: values["municipality"])
        // The focus starts where typing does: the first of the usual fields still empty.
        func empty(_ name: String) -> Bool { values[name, default: ""].isEmpty }
        let focus = empty("municipality") && empty("organisation") ? "municipality"
            : fields.map(\.name).first { $0 != "municipality" && $0 != "organisation" && empty($0) }
        let tabs = EventType.navet.map { tab -> HTML in
            "<a href=\"\(link("/reception", [("type", tab.rawValue)]))\"\((tab == type ? " aria-current=\"page\"" : "") as HTML)>\(tab.label)</a>"
        }
        let content: HTML = """
            \(notice)\(problem.summary(fields))
            <nav class="tabs" aria-label="Typ av händelse">\(tabs.joined())</nav>
            <form method="post" action="/reception" class="card" id="record" novalidate>
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            \(FormIdentity.hidden(values))
            <input type="hidden" name="type" value="\(type.rawValue)">
            <h2>\(type.label)</h2>
            <div class="fields">\(problem.inputs(fields, values: values, focus: focus))</div>
            <button type="submit">Spara</button>
            <button type="submit" name="next" value="same" class="secondary" title="Sparar och behåller datum, kommun och skola till nästa registrering">Spara och ny</button>
            </form>
            \(try await todaySection(context: context, tab: type, before: before))
            """
        return Page(status: status, Layout.page("Reception – Navet", user: user, csrf: context.csrf, content))
    }

    // MARK: Today's entries

    /// A Navet event recorded today, as it stands after later undo or fix.
    private struct Entry {
        let original: RecordedEvent
        var current: Event
        var retraction: Retraction?
        var corrected = false
    }

    private func todaysEntries() async throws -> [Entry] {
        let store = state.store
        return try await Blocking.run {
            let startOfToday = Day.today().adding(days: -1).endInstant.addingTimeInterval(-0.001)
            let before = try store.position(recordedAtOrBefore: startOfToday)
            let head = try store.head().position
            // A busy day is a few hundred entries; the bound keeps a bulk import from making the page slow.
            let events = try store.events(after: max(before, head > 3000 ? head - 3000 : 0))
            var entries: [EventID: Entry] = [:]
            var order: [EventID] = []
            for recorded in events {
                switch recorded.event.fact {
                case .retraction(let retraction):
                    entries[retraction.target]?.retraction = retraction
                case .correction(let correction):
                    entries[correction.target]?.current = correction.replacement
                    entries[correction.target]?.corrected = true
                default:
                    guard EventType.navet.contains(recorded.event.type), let id = recorded.event.id else { continue }
                    entries[id] = Entry(original: recorded, current: recorded.event)
                    order.append(id)
                }
            }
            return order.reversed().compactMap { entries[$0] }
        }
    }

    /// Today's entries under the form of `tab`, the tab an undo returns to: up to `listed`
    /// of them recorded before position `before` (nil: the newest), and a link to the next ones.
    private func todaySection(context: AppRequestContext, tab: EventType, before: Position? = nil) async throws -> HTML {
        let all = try await todaysEntries()
        let older = before.map { limit in all.filter { $0.original.seq < limit } } ?? all
        let entries = Array(older.prefix(Self.listed))
        guard !entries.isEmpty else { return "<section><h2>Dagens registreringar</h2><p class=\"muted\">Inget registrerat i dag.</p></section>" }
        let rows = entries.map { entry -> HTML in
            let id = entry.original.event.id?.description ?? ""
            let status: HTML
            let actions: HTML
            if let retraction = entry.retraction {
                status = "<strong>Ångrad</strong> – \(EventSummary.shortened(retraction.reason, limit: 80))"
                actions = ""
            } else {
                status = entry.corrected ? "<strong>Rättad</strong>" : ""
                // The reason field opens on demand (no script needed), so that the column stays
                // narrow enough for a tablet.
                actions = """
                    <a href="\(link("/reception/fix", [("id", id)]))" class="fix">Rätta</a>
                    <details class="undo"><summary>Ångra …</summary>
                    <form method="post" action="/reception/undo">
                    <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
                    <input type="hidden" name="target" value="\(id)">
                    <input type="hidden" name="type" value="\(tab.rawValue)">
                    \(FormIdentity.hidden([:]))
                    <input name="reason" placeholder="Orsak" aria-label="Orsak till ångring" required maxlength="200">
                    <button type="submit" class="secondary">Ångra</button>
                    </form></details>
                    """
            }
            return """
                <tr data-id="\(id)"><td class="d">\(Stockholm.time(entry.original.recorded))</td><td class="type">\(entry.current.type.label)</td>
                <td class="summary">\(EventSummary.shortened(EventSummary.text(entry.current), limit: EventSummary.listLimit)) <span class="muted">\(entry.current.occurred.description)</span>\(Self.note(entry.current))</td>
                <td class="by">\(entry.original.event.by ?? "")</td><td>\(status)</td><td class="actions">\(actions)</td></tr>
                """
        }
        return """
            <section id="today"><h2>Dagens registreringar</h2><div class="scroll"><table class="entries">
            <thead><tr><th>Tid</th><th>Typ</th><th>Uppgifter</th><th>Av</th><th>Status</th><th>Ändra</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>\(paging(all: all.count, older: older.count, shown: entries, tab: tab, paged: before != nil))</section>
            """
    }

    /// Where today's list stops, and links to the next entries and back to the newest.
    private func paging(all: Int, older: Int, shown: [Entry], tab: EventType, paged: Bool) -> HTML {
        guard paged || older > shown.count else { return "" }
        let first = all - older + 1
        var links: [HTML] = []
        if paged { links.append("<a href=\"\(link("/reception", [("type", tab.rawValue)]))#today\">← Senaste</a>") }
        if older > shown.count, let last = shown.last {
            links.append("<a href=\"\(link("/reception", [("type", tab.rawValue), ("before", String(last.original.seq))]))#today\" rel=\"next\" id=\"more\">Visa fler →</a>")
        }
        return """
            <p class="muted" id="today-count">Visar \(first)–\(first + shown.count - 1) av \(all) registreringar i dag.</p>
            <p class="links">\(links.joined(separator: " "))</p>
            """
    }

    // MARK: Undo and fix

    @Sendable func undo(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let target = form.text("target") ?? ""
        // Back to the tab the user was on, not the first one (a page from before has none).
        let tab = Self.navetType(form["type"])
        do {
            let object = Amendment.retraction(of: target, form: form)
            _ = try await state.append([try Event.decode(.object(object), today: .today())], as: user)
            return .redirect(to: link("/reception", [("type", tab?.rawValue), ("undone", target)]))
        } catch let error as InputError {
            let why = error.field == "reason" ? "Skriv en orsak." : SwedishMessage.text(error)
            let problem = FormProblem(message: "Kunde inte ångra: " + why)
            return try await page(user: user, context: context, type: tab ?? .navetVisit, values: [:], problem: problem, notice: "", status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    @Sendable func showFix(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let (target, current, retraction) = try fixTarget(FormData(query: request)["id"])
        if let retraction {
            return try undonePage(user: user, context: context, target: target, retraction: retraction).response(from: request, context: context)
        }
        return try await fixPage(user: user, context: context, target: target, values: EventForm.values(of: current), problem: FormProblem())
            .response(from: request, context: context)
    }

    @Sendable func fix(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request, Self.allowed)
        let form = try await FormData.body(of: request)
        try context.requireCSRF(form)
        let (target, _, retraction) = try fixTarget(form["target"])
        // Undone since the form was opened (in another tab, by a colleague).
        if let retraction {
            return try undonePage(user: user, context: context, target: target, retraction: retraction, status: .conflict)
                .response(from: request, context: context)
        }
        let type = target.event.type
        let fields = try await fields(type)
        do {
            let object = Amendment.correction(
                of: target.event.id?.description ?? "", replacement: EventForm.object(type: type, fields: fields, form: form), form: form)
            let appended = try await state.append([try Event.decode(.object(object), today: .today())], as: user)
            return .redirect(to: link("/reception", [("type", type.rawValue)] + FormIdentity.confirmation(appended[0])))
        } catch let error as InputError {
            let reasonField = FormField("reason", "Orsak", .text, required: true)
            return try await fixPage(user: user, context: context, target: target, values: form.values,
                                     problem: FormProblem(error, fields: fields + [reasonField]), status: .badRequest)
                .response(from: request, context: context)
        } catch is PermissionDenied {
            throw PageError.forbidden
        }
    }

    /// The Navet event to fix, its current version (after earlier fixes) and, when it was
    /// undone, the retraction.
    private func fixTarget(_ idText: String?) throws -> (RecordedEvent, Event, Retraction?) {
        guard let id = idText.flatMap(EventID.init), let target = try state.store.event(id: id),
              EventType.navet.contains(target.event.type), let (current, retraction) = try state.store.currentVersion(of: id)
        else { throw PageError.notFound }
        return (target, current, retraction)
    }

    /// Instead of a form that could only fail: an undone entry cannot be fixed.
    private func undonePage(user: User, context: AppRequestContext, target: RecordedEvent, retraction: Retraction, status: HTTPResponse.Status = .ok) throws -> Page {
        let content: HTML = """
            <p class="notice problem" role="alert" id="undone">Registreringen är ångrad och kan inte rättas.</p>
            <section><p>\(target.event.type.label) (händelse \(target.seq)): \(EventSummary.text(target.event)) · \(target.event.occurred.description)</p>
            <p>Den ångrades med orsaken ”\(retraction.reason)” och räknas inte i rapporterna. Ska den räknas, registrera den på nytt.</p>
            <p><a href="\(link("/reception", [("type", target.event.type.rawValue)]))">Till receptionen</a></p></section>
            """
        return Page(status: status, Layout.page("Rätta registrering", user: user, csrf: context.csrf, content))
    }

    private func fixPage(user: User, context: AppRequestContext, target: RecordedEvent, values: [String: String], problem: FormProblem, status: HTTPResponse.Status = .ok) async throws -> Page {
        let fields = try await fields(target.event.type)
        let reason = FormField("reason", "Orsak till rättelsen", .text, required: true)
        let content: HTML = """
            \(problem.summary(fields + [reason]))
            <p>Rättar \(target.event.type.label.lowercased()) (händelse \(target.seq)): \(EventSummary.text(target.event)).
            Originalet finns kvar i loggen; rättelsen ersätter det i rapporterna.</p>
            <form method="post" action="/reception/fix" class="card" id="fix" novalidate>
            <input type="hidden" name="csrf" value="\(context.csrf ?? "")">
            <input type="hidden" name="target" value="\(target.event.id?.description ?? "")">
            \(FormIdentity.hidden(values.filter { $0.key == FormIdentity.field && $0.value != target.event.id?.description }))
            <div class="fields">\(problem.inputs(fields, values: values))</div>
            \(reason.html(value: values["reason"], error: problem.fieldErrors["reason"]))
            <button type="submit">Spara rättelse</button> <a href="\(link("/reception", [("type", target.event.type.rawValue)]))">Avbryt</a>
            </form>
            """
        return Page(status: status, Layout.page("Rätta registrering", user: user, csrf: context.csrf, content))
    }

    // MARK: Helpers

    private func fields(_ type: EventType, municipality: String? = nil) async throws -> [FormField] {
        NavetForm.fields(type, members: try state.members(of: .navet), recent: try await state.recentActivity(), today: .today(), municipality: municipality)
    }

    /// The event's note after its summary, shortened to fit a line; the log shows it whole.
    private static func note(_ event: Event) -> HTML {
        EventSummary.note(event).map { " <span class=\"note\">· Anteckning: \($0)</span>" } ?? ""
    }

    private static func navetType(_ text: String?) -> EventType? {
        text.flatMap(EventType.init(rawValue:)).flatMap { EventType.navet.contains($0) ? $0 : nil }
    }
}
