import Registry

/// A horizontal bar chart of a report, drawn by the server as inline SVG (no script, no
/// library): per municipality for Navet and MC, per area or type for the others.
enum BarChart {
    struct Bar {
        let label: String
        let value: Int
        let previous: Int?
    }

    /// The chart's title and bars for `report`; nil when there is nothing to draw.
    static func bars(_ report: Report) -> (title: String, bars: [Bar])? {
        let compare = report.compare
        func cell(_ r: Report?, row: String, column: String) -> Int? { r.map { $0.value(row: row, column: column) } }
        switch ReportName(rawValue: report.name) {
        case .mc:
            // Municipalities are the columns; the bottom row holds their totals.
            let bars = report.columns.filter { $0.key != "total" }.map { column in
                Bar(label: column.label, value: report.value(row: "total", column: column.key), previous: cell(compare, row: "total", column: column.key))
            }
            return bars.isEmpty ? nil : ("Utfall per kommun", bars)
        case .targets:
            // Drawn by its own page (`TargetsPage`), a bar per target.
            return nil
        case .navet, .grants, .events, nil:
            let (column, title) = switch ReportName(rawValue: report.name) {
            case .navet: ("total", "Besökare per kommun (summa)")
            case .grants: ("approved_sek", "Beviljat belopp per område (kr)")
            default: ("events", "Händelser per typ")
            }
            guard report.columns.contains(where: { $0.key == column }) else { return nil }
            let bars = report.rows.filter { $0.key != "total" }.map { row in
                let label = report.name == "events" ? EventType(rawValue: row.key)?.label ?? row.label : row.label
                return Bar(label: label, value: report.value(row: row.key, column: column), previous: cell(compare, row: row.key, column: column))
            }
            return bars.isEmpty ? nil : (title, bars)
        }
    }

    static func svg(title: String, bars: [Bar], period: String, comparePeriod: String?) -> HTML {
        let width = 720, labelWidth = 200, valueWidth = 90
        let barArea = width - labelWidth - valueWidth
        let compared = comparePeriod != nil
        let rowHeight = compared ? 34 : 24, top = compared ? 28 : 8
        let height = top + bars.count * rowHeight + 8
        let largest = max(1, bars.map { max($0.value, $0.previous ?? 0) }.max() ?? 1)
        func length(_ value: Int) -> Int { value <= 0 ? 0 : max(1, value * barArea / largest) }
        var parts: [HTML] = []
        if let comparePeriod {
            parts.append("""
                <rect x="\(labelWidth)" y="4" width="12" height="12" fill="#1d6b3a"/><text x="\(labelWidth + 18)" y="15">\(period)</text>\
                <rect x="\(labelWidth + 140)" y="4" width="12" height="12" fill="#9bb7cc"/><text x="\(labelWidth + 158)" y="15">\(comparePeriod)</text>
                """)
        }
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let label = bar.label.count > 28 ? String(bar.label.prefix(27)) + "…" : bar.label
            let thickness = compared ? 13 : 16
            parts.append("""
                <text x="\(labelWidth - 8)" y="\(y + 13)" text-anchor="end">\(label)</text>\
                <rect x="\(labelWidth)" y="\(y + 1)" width="\(length(bar.value))" height="\(thickness)" fill="#1d6b3a"/>\
                <text x="\(labelWidth + length(bar.value) + 6)" y="\(y + 13)">\(ReportTable.number(bar.value))</text>
                """)
            if let previous = bar.previous {
                parts.append("""
                    <rect x="\(labelWidth)" y="\(y + 15)" width="\(length(previous))" height="\(thickness)" fill="#9bb7cc"/>\
                    <text x="\(labelWidth + length(previous) + 6)" y="\(y + 26)" fill="#444">\(ReportTable.number(previous))</text>
                    """)
            }
        }
        return """
            <figure id="chart"><figcaption><strong>\(title)</strong></figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-label="\(title)">
            \(parts.joined())
            </svg></figure>
            """
    }
}
