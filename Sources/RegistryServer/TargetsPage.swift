import EventLog
import Foundation
import Hummingbird
import Registry

/// The analysts' page "Mål och utfall" (`/reports/targets`): the targets report for a period
/// and unit, as a table and a bar per target (its outcome as a share of its minimum).
struct TargetsPage {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/reports/targets", use: show)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request) { $0.mayRead }
        var query = FormData(query: request)
        var problem = FormProblem()
        var result: HTML = ""
        var status = HTTPResponse.Status.ok
        let period = query.text("period") ?? String(Day.today().year)
        do {
            var parameters: [(String, String?)] = [("period", period), ("as_of", query["as_of"])]
            if let unit = query.text("unit") { parameters.append(("unit", unit)) }
            query = FormData(encoded: String(link("", parameters).drop { $0 != "?" }.dropFirst()))
            let reportQuery = try ReportRequest.query(.targets, from: query)
            let store = state.store
            let report = try await Blocking.run { try store.report(reportQuery) }
            result = Self.render(report, query: query)
        } catch let error as InputError {
            problem = FormProblem(message: ReportsController.swedish(error, query))
            status = .badRequest
        }
        let content: HTML = "\(problem.html)\(Self.form(period: period, query: query))\(result)"
        return try Page(status: status, Layout.page("Mål och utfall", user: user, csrf: context.csrf, content))
            .response(from: request, context: context)
    }

    private static func form(period: String, query: FormData) -> HTML {
        let unit = query["unit"] ?? ""
        let units: [HTML] = [("", "Alla enheter"), ("navet", "Navet"), ("mc", "Medarbetarcentrum"), ("forbund", "Förbundet")].map { value, label in
            "<option value=\"\(value)\"\(value == unit ? " selected" : "")>\(label)</option>"
        }
        return """
            <form method="get" action="/reports/targets" class="card" id="targets-form">
            <div class="fields">
            <div class="field"><label for="period">Period</label><input id="period" name="period" required value="\(period)"></div>
            <div class="field"><label for="unit">Enhet</label><select id="unit" name="unit">\(units)</select></div>
            <div class="field"><label for="as_of">Som känt per <span class="hint">(frivilligt)</span></label>
            <input id="as_of" name="as_of" type="date" value="\(query["as_of"] ?? "")"></div>
            </div>
            <button type="submit">Visa mål</button>
            </form>
            """
    }

    /// The table and one bar per target: the outcome against the minimum (a full bar reaches it).
    static func render(_ report: Report, query: FormData) -> HTML {
        let labels = Dictionary(uniqueKeysWithValues: report.columns.enumerated().map { ($1.key, $0) })
        func text(_ row: Report.Row, _ key: String) -> String {
            guard let c = labels[key] else { return "" }
            return report.cellText(row, c)
        }
        let head: [HTML] = report.columns.map { "<th\(($0.kind == .number ? " class=\"n\"" : "") as HTML)>\($0.label)</th>" }
        let rows: [HTML] = report.rows.map { row in
            let cells: [HTML] = report.columns.map { column in
                "<td\((column.kind == .number ? " class=\"n\"" : "") as HTML) data-column=\"\(column.key)\">\(text(row, column.key))</td>"
            }
            return "<tr data-key=\"\(row.key)\"><th scope=\"row\">\(row.label)</th>\(cells)</tr>"
        }
        let width = 720, labelWidth = 260, barArea = 360
        var bars: [HTML] = []
        for (i, row) in report.rows.enumerated() {
            let y = 8 + i * 26
            let share = row.absent.contains("share") ? nil : labels["share"].map { row.cells[$0] }
            let length = share.map { min(barArea, max(0, $0) * barArea / 100) } ?? 0
            let label = row.label.count > 38 ? String(row.label.prefix(37)) + "…" : row.label
            let caption = share.map { "\($0) %" } ?? (text(row, "status").isEmpty ? "utan mätetal" : text(row, "status"))
            let colour = share.map { $0 >= 100 ? "#1d6b3a" : "#c98a00" } ?? "#9bb7cc"
            bars.append("""
                <text x="\(labelWidth - 8)" y="\(y + 13)" text-anchor="end">\(label)</text>\
                <rect x="\(labelWidth)" y="\(y + 1)" width="\(length)" height="16" fill="\(colour)"/>\
                <text x="\(labelWidth + length + 6)" y="\(y + 13)">\(caption)</text>
                """)
        }
        let goal = labelWidth + barArea
        let height = 16 + report.rows.count * 26
        let notes: [HTML] = report.notes.map { "<li>\($0.value)</li>" }
        return """
            <section id="report">
            <h2>Mål och utfall, \(report.period.label)</h2>
            <p class="muted">\(report.period.first.description)–\(report.period.last.description) · t.o.m. händelse \(report.asOfSeq)</p>
            <div class="scroll"><table class="report" id="report-table"><thead><tr><th>Mål</th>\(head)</tr></thead><tbody>\(rows)</tbody></table></div>
            <figure id="chart"><figcaption><strong>Utfall i procent av lägsta nivå</strong></figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-label="Utfall i procent av lägsta nivå">
            \(bars)<line x1="\(goal)" y1="0" x2="\(goal)" y2="\(height)" stroke="#444" stroke-dasharray="4 3"/>
            </svg></figure>
            \((notes.isEmpty ? "" : "<ul class=\"muted\" id=\"notes\">\(notes)</ul>") as HTML)
            <p class="links">Ladda ner: <a href="\(link("/api/reports/targets", [("period", query["period"]), ("unit", query["unit"]), ("as_of", query["as_of"]), ("format", "csv")]))">CSV</a> \
            <a href="\(link("/api/reports/targets", [("period", query["period"]), ("unit", query["unit"]), ("as_of", query["as_of"]), ("format", "json")]))">JSON</a></p>
            </section>
            """
    }
}

extension Report {
    /// A cell as the page shows it: blank zeros kept as numbers (a target's outcome may be 0).
    func cellText(_ row: Row, _ c: Int) -> String { cellText(row, c, blankZeros: false) }
}
