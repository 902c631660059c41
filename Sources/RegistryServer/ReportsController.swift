import EventLog
import Foundation
import Hummingbird
import Registry

/// The analysts' page: choose a report, a period, a comparison and a date to see it as
/// known then; shows the table, a chart and download links.
struct ReportsController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/reports", use: show)
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(request) { $0.mayRead }
        let query = FormData(query: request)
        let name = query["name"].flatMap(ReportName.init(rawValue:)) ?? .navet
        // The targets have their own page, with a unit to choose and a bar per target.
        if name == .targets {
            return .redirect(to: link("/reports/targets", [("period", query["period"] ?? query["quick"]), ("as_of", query["as_of"])]))
        }
        // A quick choice submits the whole form, so that it keeps what the user chose besides
        // the period (the comparison, the date) even before the form was sent; the plain address
        // it leads to can be bookmarked.
        if let quick = query.text("quick") {
            return .redirect(to: link("/reports", [("name", name.rawValue), ("period", quick), ("compare_year", query["compare_year"]), ("as_of", query["as_of"]), ("by", query["by"])]))
        }
        var problem = FormProblem()
        var result: HTML = ""
        var status = HTTPResponse.Status.ok
        if query.text("period") != nil {
            do {
                let reportQuery = try ReportRequest.query(name, from: query)
                let store = state.store
                let (report, firstRecorded, hash) = try await Blocking.run {
                    let report = try store.report(reportQuery)
                    // Read only when the report is empty: the page then says when registering began.
                    let first = report.asOfSeq == 0 ? try store.event(at: 1)?.recorded : nil
                    // The chain's hash at the report's position: the printout names the log it came from.
                    return (report, first, try store.event(at: report.asOfSeq)?.hash)
                }
                result = try render(report, firstRecorded: firstRecorded, hash: hash, query: query)
            } catch let error as InputError {
                problem = FormProblem(message: Self.swedish(error, query))
                status = .badRequest
            }
        }
        let content: HTML = "\(problem.html)\(form(name: name, query: query))\(result)"
        return try Page(status: status, Layout.page("Rapporter", user: user, csrf: context.csrf, content))
            .response(from: request, context: context)
    }

    private func form(name: ReportName, query: FormData) -> HTML {
        let options = ReportName.allCases.map { report -> HTML in
            "<option value=\"\(report.rawValue)\"\(report == name ? " selected" : "")>\(report.title)</option>"
        }
        // Buttons, not links: a link carries only what was last sent, not a box ticked since.
        // `formnovalidate`: the period they replace may still be empty. They follow "Visa rapport",
        // since Enter in a field submits with the form's first button.
        let quick = quickPeriods().map { label, period -> HTML in
            "<button type=\"submit\" name=\"quick\" value=\"\(period)\" class=\"quick\" formnovalidate>\(label)</button>"
        }
        return """
            <form method="get" action="/reports" class="card" id="report-form">
            <div class="fields">
            <div class="field"><label for="name">Rapport</label><select id="name" name="name">\(options.joined())</select></div>
            <div class="field"><label for="period">Period</label>
            <input id="period" name="period" required value="\(query["period"] ?? "")" placeholder="t.ex. 2013 eller 2013-H1">
            <div class="hint">År 2013, halvår 2013-H1, kvartal 2013-Q3, månad 2013-05, läsår 2013/14 eller datum 2013-03-01..2013-06-30</div></div>
            <div class="field"><label for="as_of">Som känt per <span class="hint">(frivilligt)</span></label>
            <input id="as_of" name="as_of" type="date" value="\(query["as_of"] ?? "")">
            <div class="hint">Visar siffrorna som de var registrerade vid dagens slut.</div></div>
            </div>
            <p><label><input type="checkbox" name="compare_year" value="on"\(query.isChecked("compare_year") ? " checked" : "")>Jämför med samma period året före</label></p>
            \(TrendChart.choice(query["by"]))
            <button type="submit">Visa rapport</button>
            <p class="links">Snabbval: \(quick.joined(separator: " "))</p>
            <p class="links"><a href="/reports/targets" id="targets-link">Mål och utfall</a></p>
            </form>
            """
    }

    /// Periods written as the page accepts them (the API's `ReportRequest.periodExamples` in Swedish).
    static let periodExamples = "2013, 2013-H1, 2013-Q3, 2013-05, 2013/14 eller 2013-03-01..2013-06-30"

    /// What was wrong with the query, in Swedish: the page shows no English (the API does).
    static func swedish(_ error: InputError, _ query: FormData) -> String {
        switch error.field {
        case "period", "compare":
            let reason = SwedishMessage.period(error)
            let which = error.field == "period" ? "Perioden" : "Jämförelseperioden"
            return "\(which) ”\(query.text(error.field ?? "") ?? "")” går inte att läsa.\(reason.isEmpty ? "" : " " + reason) Skriv till exempel \(periodExamples)."
        case "as_of" where error.message.contains("together"):
            return "Ange antingen ett datum eller en position i loggen, inte båda."
        case "as_of" where error.message.contains("in the future"):
            return "Datumet ”\(query.text("as_of") ?? "")” ligger i framtiden. Välj i dag eller ett tidigare datum, eller lämna fältet tomt."
        case "as_of":
            return "Datumet ”\(query.text("as_of") ?? "")” går inte att läsa. Skriv det som ÅÅÅÅ-MM-DD, till exempel 2014-02-15."
        default:
            return SwedishMessage.text(error)
        }
    }

    /// Why a report has no figures: nothing was registered yet as of the chosen date, or at all.
    static func nothingYet(asOf: String?, firstRecorded: Milliseconds?) -> String {
        guard let firstRecorded else { return "Inget är registrerat ännu, så rapporten har inga siffror." }
        let when = asOf.map { "Per \($0)" } ?? "Vid den valda tidpunkten"
        return "\(when) fanns ännu inget registrerat, så rapporten har inga siffror. Den första händelsen registrerades "
            + "\(Stockholm.dateTime(firstRecorded)). Välj ett senare datum under ”Som känt per”, eller lämna fältet tomt för siffrorna som de är nu."
    }

    /// Periods people ask for most, relative to today.
    private func quickPeriods() -> [(String, String)] {
        let (y, m, _) = Day.today().components
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let schoolYear = m >= 7 ? y : y - 1
        return [
            ("I år", "\(y)"), ("I fjol", "\(y - 1)"), ("Halvåret", "\(y)-H\(m <= 6 ? 1 : 2)"), ("Kvartalet", "\(y)-Q\((m - 1) / 3 + 1)"),
            ("Månaden", "\(y)-\(two(m))"), ("Läsåret", "\(schoolYear)/\(two((schoolYear + 1) % 100))"),
            ("Förra läsåret", "\(schoolYear - 1)/\(two(schoolYear % 100))"),
        ]
    }

    private func render(_ report: Report, firstRecorded: Milliseconds?, hash: String?, query: FormData) throws -> HTML {
        let name = ReportName(rawValue: report.name) ?? .navet
        let compared: HTML = report.compare.map { " jämfört med \($0.period.label)" } ?? ""
        // Before the first event an empty table, an empty chart and "t.o.m. händelse 0" would
        // look like a fault; say plainly that there was nothing yet.
        guard report.asOfSeq > 0 else {
            return """
                <section id="report">
                <h2>\(name.title), \(report.period.label)\(compared)</h2>
                <p class="muted">\(report.period.first.description)–\(report.period.last.description)</p>
                <p class="notice" id="no-data" role="status">\(Self.nothingYet(asOf: query.text("as_of"), firstRecorded: firstRecorded))</p>
                </section>
                """
        }
        let asOf = report.asOfRecorded.map { "t.o.m. händelse \(report.asOfSeq), registrerad \(Stockholm.dateTime($0))" } ?? "inga händelser"
        let chart: HTML = BarChart.bars(report).map {
            BarChart.svg(title: $0.title, bars: $0.bars, period: report.period.label, comparePeriod: report.compare?.period.label)
        } ?? ""
        func download(_ format: String) -> String {
            link("/api/reports/\(name.rawValue)", [("period", query["period"]), ("compare_year", query["compare_year"]),
                                                   ("as_of", query["as_of"]), ("by", query["by"]), ("format", format)])
        }
        // With a comparison every column takes three: the compact view shows one measure (the
        // total by default) so that the table fits a laptop's screen.
        let compact = report.compare != nil && query["view"] == "compact"
        let measure = compact ? report.columns.first { $0.key == query["measure"] } ?? report.columns.last : nil
        func address(view: String?, measure: String?) -> String {
            link("/reports", [("name", name.rawValue), ("period", query["period"]), ("compare_year", query["compare_year"]),
                              ("as_of", query["as_of"]), ("view", view), ("measure", measure)])
        }
        var views: HTML = ""
        if report.compare != nil {
            let measures = report.columns.map { column -> HTML in
                column.key == measure?.key ? "<strong aria-current=\"true\">\(column.label)</strong>"
                    : "<a href=\"\(address(view: "compact", measure: column.key))\">\(column.label)</a>"
            }
            views = compact
                ? "<p class=\"links\" id=\"views\">Mått: \(measures.joined(separator: " ")) · <a href=\"\(address(view: nil, measure: nil))\">Alla kolumner</a></p>"
                : "<p class=\"links\" id=\"views\"><a href=\"\(address(view: "compact", measure: nil))\">Kompakt jämförelse (ett mått i taget)</a></p>"
        }
        let footer: HTML = """
            <p class="print-only" id="print-footer">\(name.title) · period \(report.period.first.description)–\(report.period.last.description)\
            \(report.compare.map { " jämfört med \($0.period.first.description)–\($0.period.last.description)" } ?? "") · \(asOf)\
             · loggens hash (SHA-256): \(hash ?? "")</p>
            """
        return """
            <section id="report">
            <h2>\(name.title), \(report.period.label)\(compared)</h2>
            <p class="muted">\(report.period.first.description)–\(report.period.last.description) · \(asOf)</p>
            \(views)
            \(ReportTable.html(report, only: measure))
            \(ReportTable.notes(report))
            \(footer)
            \(chart)
            \(TrendChart.html(report))
            <p class="links">Ladda ner: <a href="\(download("csv"))&amp;excel=1" id="download-csv">CSV (Excel)</a> <a href="\(download("xlsx"))" id="download-xlsx">Excel-arbetsbok (XLSX)</a> <a href="\(download("json"))">JSON</a> <a href="\(download("json-stat"))">JSON-stat</a></p>
            </section>
            """
    }
}
