import EventLog
import Hummingbird
import Registry

/// The events behind one figure of a report (`/reports/NAME/events?period=…&row=…&column=…
/// &as_of_seq=N`): the effective events of that row and column in the period as of the
/// report's position, each linked to the log, with what it adds to the figure.
struct DrillDownController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/reports/:name/events", use: show)
    }

    /// The address of the events behind the figure at `row`, `column` of `report`.
    static func address(_ report: Report, row: String, column: String) -> String {
        let period = report.period
        // The label when it reads back as the same period ("2013", "2013-H1"), else the dates.
        let text = (try? Period.parse(period.label)).flatMap { $0.first == period.first && $0.last == period.last ? period.label : nil }
            ?? "\(period.first)..\(period.last)"
        return link("/reports/\(report.name)/events", [("period", text), ("row", row), ("column", column), ("as_of_seq", String(report.asOfSeq))])
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request) { $0.mayRead }
        guard let name = context.parameters.get("name").flatMap(ReportName.init(rawValue:)) else { throw PageError.notFound }
        let query = FormData(query: request)
        guard let rowKey = query.text("row"), let columnKey = query.text("column") else {
            throw PageError(.badRequest, "Ingen siffra vald", "Öppna en siffra i en rapport för att se händelserna bakom den.")
        }
        let reportQuery: ReportQuery
        do {
            reportQuery = try ReportRequest.query(name, from: query)
        } catch {
            throw PageError(.badRequest, "Perioden går inte att läsa", ReportsController.swedish(error, query))
        }
        let store = state.store
        // One position for both: the report's figure and the events read as of the same point.
        let (report, behind) = try await Blocking.run {
            let position = try store.resolve(reportQuery.asOf)
            let fixed = ReportQuery(name: name, period: reportQuery.period, asOf: .seq(position))
            return (try store.report(fixed), try store.eventsBehind(name, period: reportQuery.period, row: rowKey, column: columnKey, asOf: .seq(position)))
        }
        let rowLabel = report.rows.first { $0.key == rowKey }.map { name == .events ? EventType(rawValue: $0.key)?.label ?? $0.label : $0.label } ?? rowKey
        let columnLabel = report.columns.first { $0.key == columnKey }?.label ?? columnKey
        let figure = report.value(row: rowKey, column: columnKey)
        let sum = behind.events.reduce(behind.base) { $0 + $1.value }
        let rows = behind.events.map { counted -> HTML in
            let event = counted.recorded.event
            let shown = if case .correction(let c) = event.fact { c.replacement } else { event }
            let corrects: HTML = counted.original == counted.recorded.seq ? ""
                : " <span class=\"muted\">(rättar <a href=\"\(LogController.address(of: counted.original))\">händelse \(counted.original)</a>)</span>"
            return """
                <tr data-seq="\(counted.recorded.seq)"><td class="n"><a href="\(LogController.address(of: counted.recorded.seq))">\(counted.recorded.seq)</a></td>
                <td class="d">\(shown.occurred.description)</td><td>\(shown.type.label)</td>
                <td>\(EventSummary.shortened(EventSummary.text(shown), limit: EventSummary.listLimit))\(corrects)</td>
                <td class="n" data-value="\(counted.value)">\(ReportTable.number(counted.value))</td></tr>
                """
        }
        let back = link("/reports", [("name", name.rawValue), ("period", query["period"])])
        // The events report counts memberships by the intervals in force, not by events of the period.
        let base: HTML = behind.base == 0 ? "" : """
            <tr id="base"><td></td><td></td><td>Medlemskap</td><td>Medlemskap som gäller under perioden (<a href="\(link("/log", [("type", EventType.membership.rawValue)]))">i loggen</a>)</td>\
            <td class="n" data-value="\(behind.base)">\(ReportTable.number(behind.base))</td></tr>
            """
        let list: HTML = rows.isEmpty && behind.base == 0 ? "<p class=\"muted\" id=\"no-events\">Inga händelser bakom den här siffran.</p>" : """
            <div class="scroll"><table id="events-behind"><thead><tr><th class="n">Nr</th><th>Datum</th><th>Typ</th><th>Uppgifter</th><th class="n">Bidrar med</th></tr></thead>
            <tbody>\(base)\(rows.joined())</tbody>
            <tfoot><tr class="total"><th colspan="4" scope="row">Summa</th><td class="n" id="events-sum">\(ReportTable.number(sum))</td></tr></tfoot></table></div>
            """
        let content: HTML = """
            <section id="drill-down">
            <h2>\(name.title), \(report.period.label): \(rowLabel) · \(columnLabel)</h2>
            <p>Siffran i rapporten: <strong id="figure">\(ReportTable.number(figure).isEmpty ? "0" : ReportTable.number(figure))</strong>, \
            t.o.m. händelse \(report.asOfSeq). \(behind.events.count.counted("händelse", "händelser")) räknas in; rättade räknas i sin senaste version, ångrade inte alls.</p>
            \(list)
            <p class="links"><a href="\(back)">← Till rapporten</a></p>
            </section>
            """
        return try Page(Layout.page("Händelserna bakom en siffra", user: user, csrf: context.csrf, content)).response(from: request, context: context)
    }
}
