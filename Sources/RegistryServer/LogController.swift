import EventLog
import Hummingbird
import Registry

/// The event log page: newest first, a page at a time, filtered by type and occurred date,
/// with the head hash that proves the log unaltered (`registry verify` prints the same).
struct LogController {
    let state: ServerState
    static let pageSize = 50
    /// Events read at most for one page, so a rare filter cannot make a page slow.
    static let scanLimit = 20_000

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/log", use: show)
    }

    struct Filter {
        var type: EventType?
        var from: Day?
        var to: Day?

        func matches(_ event: RecordedEvent) -> Bool {
            if let type, event.event.type != type { return false }
            if let from, event.event.occurred < from { return false }
            if let to, event.event.occurred > to { return false }
            return true
        }
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request) { $0.mayRead }
        let query = FormData(query: request)
        let filter = Filter(
            type: query.text("type").flatMap(EventType.init(rawValue:)),
            from: query.text("from").flatMap { Day(iso: $0) },
            to: query.text("to").flatMap { Day(iso: $0) })
        let before = query.text("before").flatMap(Position.init)
        let store = state.store
        let (head, events, older, targets, fixes) = try await Blocking.run {
            let head = try store.head()
            let (events, older) = try Self.page(store, before: before.map { min($0, head.position + 1) } ?? head.position + 1, filter: filter)
            let originals = events.filter { !$0.event.type.isAmendment }.map { (position: $0.seq, occurred: $0.event.occurred) }
            return (head, events, older, try EventSummary.targetSeqs(events.map(\.event), in: store), try store.supersessions(of: originals))
        }
        let content: HTML = """
            <section><p>Senaste händelse: <strong>\(head.position)</strong>. Kedjans hash (SHA-256):</p>
            <p class="hash" id="head-hash">\(head.hashHex)</p></section>
            \(filterForm(query))
            \(table(events, targets: targets, fixes: fixes))
            \(events.isEmpty ? "" : "<p class=\"muted\" id=\"log-count\">Visar \(events.count) händelser, nr \(events.last?.seq ?? 0)–\(events.first?.seq ?? 0)\(older == nil ? "; inga äldre." : "; äldre finns på nästa sida.")</p>" as HTML)
            <p class="links">\(before == nil ? "" : "<a href=\"\(link("/log", parameters(query, before: nil)))\">← Senaste</a>" as HTML)\
            \(older.map { "<a href=\"\(link("/log", parameters(query, before: $0)))\" rel=\"next\" id=\"older\">Äldre →</a>" as HTML } ?? "")</p>
            """
        return try Page(Layout.page("Händelselogg", user: user, csrf: context.csrf, content)).response(from: request, context: context)
    }

    /// Up to a page of matching events below position `upper` (exclusive), newest first,
    /// and where the next older page starts (nil at the beginning of the log).
    static func page(_ store: Store, before upper: Position, filter: Filter) throws -> ([RecordedEvent], Position?) {
        var upper = upper
        var found: [RecordedEvent] = []
        var budget = scanLimit
        while upper > 1, found.count < pageSize, budget > 0 {
            let lower = upper > 1000 ? upper - 1000 : 1
            let chunk = try store.events(after: lower - 1, limit: Int(upper - lower))
            budget -= chunk.count
            for event in chunk.reversed() where filter.matches(event) {
                found.append(event)
                if found.count == pageSize { break }
            }
            upper = found.count == pageSize ? found.last?.seq ?? lower : lower
        }
        return (found, upper > 1 ? upper : nil)
    }

    private func parameters(_ query: FormData, before: Position?) -> [(String, String?)] {
        [("type", query["type"]), ("from", query["from"]), ("to", query["to"]), ("before", before.map(String.init))]
    }

    private func filterForm(_ query: FormData) -> HTML {
        let options = EventType.allCases.map { type -> HTML in
            "<option value=\"\(type.rawValue)\"\(query["type"] == type.rawValue ? " selected" : "")>\(type.label)</option>"
        }
        return """
            <form method="get" action="/log" class="card" id="log-filter"><div class="fields">
            <div class="field"><label for="type">Typ</label><select id="type" name="type"><option value="">Alla typer</option>\(options.joined())</select></div>
            <div class="field"><label for="from">Datum från</label><input id="from" name="from" type="date" value="\(query["from"] ?? "")"></div>
            <div class="field"><label for="to">Datum till</label><input id="to" name="to" type="date" value="\(query["to"] ?? "")"></div>
            </div><button type="submit">Filtrera</button></form>
            """
    }

    /// The address of the log page that shows the event at `seq`, scrolled to it.
    static func address(of seq: Position) -> String { link("/log", [("before", String(seq + 1))]) + "#e-\(seq)" }

    /// Whether an event was undone or corrected since, with a link to the event that did it.
    private func fate(_ fix: Supersession?) -> HTML {
        guard let fix else { return "" }
        if let retraction = fix.retraction {
            return " <span class=\"fate\"><strong>Ångrad</strong> av <a href=\"\(Self.address(of: retraction))\">händelse \(retraction)</a></span>"
        }
        guard let correction = fix.correction else { return "" }
        return " <span class=\"fate\"><strong>Rättad</strong> av <a href=\"\(Self.address(of: correction))\">händelse \(correction)</a></span>"
    }

    private func table(_ events: [RecordedEvent], targets: [EventID: Position], fixes: [Position: Supersession]) -> HTML {
        guard !events.isEmpty else { return "<p class=\"muted\">Inga händelser.</p>" }
        let rows = events.map { e -> HTML in
            """
            <tr data-seq="\(e.seq)" id="e-\(e.seq)"\(fixes[e.seq] == nil ? "" : " class=\"superseded\"" as HTML)><td class="n">\(e.seq)</td><td class="d">\(Stockholm.dateTime(e.recorded))</td><td class="d">\(e.event.occurred.description)</td>
            <td>\(e.event.type.label)</td><td>\(EventSummary.shortened(EventSummary.text(e.event) { targets[$0] }, limit: EventSummary.listLimit))\(EventSummary.note(e.event).map { " – \($0)" } ?? "")\(fate(fixes[e.seq]))</td><td>\(e.event.by ?? "")</td>
            <td class="hash" title="\(e.hash)">\(String(e.hash.prefix(12)))</td></tr>
            """
        }
        return """
            <div class="scroll"><table id="log"><thead><tr><th class="n">Nr</th><th>Registrerad</th><th>Datum</th><th>Typ</th><th>Uppgifter</th><th>Av</th><th>Hash</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            """
    }
}
