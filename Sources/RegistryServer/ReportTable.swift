import Foundation
import Registry

/// A report as an HTML table laid out like the printed annual report: Swedish labels,
/// zeros left blank, totals last. With a comparison each column shows the period, the
/// compared period and the change.
enum ReportTable {
    /// `only`: the one column shown (the compact comparison), with the row labels.
    static func html(_ report: Report, only: Report.Column? = nil) -> HTML {
        let name = ReportName(rawValue: report.name)
        let heading = switch name {
        case .navet: "Kommun"
        case .mc: "Utfall"
        case .grants: "Område"
        case .targets: "Mål"
        case .events, nil: "Typ"
        }
        let compare = report.compare
        let shown = report.columns.indices.filter { only == nil || report.columns[$0].key == only?.key }
        var head: HTML
        if let compare {
            let groups = shown.map { report.columns[$0] }.map { column -> HTML in "<th colspan=\"3\" class=\"n\">\(breakable(column.label))</th>" }
            let sub = shown.map { _ -> HTML in
                "<th class=\"n\">\(report.period.label)</th><th class=\"n\">\(compare.period.label)</th><th class=\"n\">Föränd\u{AD}ring</th>"
            }
            head = "<tr><th rowspan=\"2\">\(heading)</th>\(groups.joined())</tr><tr>\(sub.joined())</tr>"
        } else {
            let labels = report.columns.map { column -> HTML in "<th class=\"n\" data-column=\"\(column.key)\">\(breakable(column.label))</th>" }
            head = "<tr><th>\(heading)</th>\(labels.joined())</tr>"
        }
        let rows = report.rows.enumerated().map { r, row -> HTML in
            let cells = shown.map { c -> HTML in
                let key = report.columns[c].key
                let value = row.cells[c]
                guard let compare else { return "<td class=\"n\" data-column=\"\(key)\">\(figure(value, report, row: row.key, column: key))</td>" }
                let previous = compare.rows[r].cells[c]
                return """
                    <td class="n" data-column="\(key)">\(figure(value, report, row: row.key, column: key))</td>\
                    <td class="n" data-column="\(key)" data-period="compare">\(figure(previous, compare, row: row.key, column: key))</td>\
                    <td class="n">\(change(value, previous))</td>
                    """
            }
            // The events report labels rows by type; show the Swedish name.
            let label = name == .events ? EventType(rawValue: row.key)?.label ?? row.label : row.label
            return "<tr data-key=\"\(row.key)\"\((row.key == "total" ? " class=\"total\"" : "") as HTML)><th scope=\"row\">\(label)</th>\(cells.joined())</tr>"
        }
        return """
            <div class="scroll"><table class="report" id="report-table">
            <thead>\(head)</thead><tbody>\(rows.joined())</tbody></table></div>
            """
    }

    /// A column heading with soft hyphens in its long compounds, so that the Navet table fits
    /// a tablet's width ("Kompetensutveckling" alone is wider than two number columns).
    /// Browsers hyphenate Swedish by themselves only where they have a dictionary.
    static func breakable(_ label: String) -> String {
        let compounds = [("Kompetensutveckling", "Kompetens\u{AD}utveckling"), ("Föreläsningar", "Före\u{AD}läsningar")]
        return compounds.reduce(label) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// The footnotes under the table (teacher training days).
    static func notes(_ report: Report) -> HTML {
        report.notes.compactMap { key, value -> HTML? in
            guard key == "teacher_training_days" else { return "<p class=\"muted\">\(key): \(value)</p>" }
            // Without any training in either period the footnote says nothing.
            let previousValue = report.compare?.notes.first { $0.key == key }?.value ?? "0"
            if value == "0" && previousValue == "0" { return nil }
            let previous = report.compare?.notes.first { $0.key == key }.map { " (\(report.compare!.period.label): \(days($0.value)))" } ?? ""
            return "<p class=\"muted\" id=\"training-days\">Kompetensutveckling lärare motsvarar \(days(value)) \(value == "1" ? "lärarutbildningsdag" : "lärarutbildningsdagar")\(previous).</p>"
        }.joined()
    }

    /// A figure that opens the events behind it (a zero, blank, has none).
    private static func figure(_ value: Int, _ report: Report, row: String, column: String) -> HTML {
        guard value != 0 else { return "" }
        return "<a href=\"\(DrillDownController.address(report, row: row, column: column))\" class=\"figure\">\(number(value))</a>"
    }

    /// A count as printed: blank for zero, thin spaces between thousands.
    static func number(_ value: Int) -> String {
        value == 0 ? "" : (value < 0 ? "−" : "") + EventSummary.amount(abs(value))
    }

    private static func change(_ now: Int, _ before: Int) -> String {
        guard now != before else { return "" }
        let sign = now > before ? "+" : "−"
        var text = sign + EventSummary.amount(abs(now - before))
        if before != 0 {
            let tenths = Int((Double(now - before) / Double(before) * 1000).rounded())
            text += " (\(sign)\(abs(tenths) / 10),\(abs(tenths) % 10) %)"
        }
        return text
    }

    /// Training days as printed: `4 794` or `5 439,5`.
    private static func days(_ decimal: String) -> String {
        let parts = decimal.split(separator: ".", maxSplits: 1)
        let whole = Int(parts.first ?? "").map(EventSummary.amount) ?? String(parts.first ?? "")
        return parts.count == 2 ? "\(whole),\(parts[1])" : whole
    }
}
