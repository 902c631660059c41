import Registry

/// A report's trend over its sub-periods (`by`), drawn by the server as an inline SVG line
/// chart (no script, no library): the report's headline total per sub-period.
enum TrendChart {
    struct Point {
        let label: String
        let value: Int
    }

    /// The title and one point per sub-period; nil without sub-periods.
    static func points(_ report: Report) -> (title: String, points: [Point])? {
        guard !report.series.isEmpty else { return nil }
        let (column, title) = switch report.name {
        case "navet": ("total", "Besökare per period (summa)")
        case "mc": ("total", "Utfall per period (totalt)")
        case "grants": ("approved_sek", "Beviljat belopp per period (kr)")
        case "events": ("events", "Händelser per period")
        default: (report.columns.last?.key ?? "", "Summa per period")
        }
        let points = report.series.map { Point(label: $0.period.label, value: $0.value(row: "total", column: column)) }
        return (title, points)
    }

    /// The chart for `report`, or nothing without sub-periods.
    static func html(_ report: Report) -> HTML {
        guard let chart = points(report) else { return "" }
        let (title, points) = (chart.title, chart.points)
        let width = 720, height = 260, left = 70, right = 20, top = 20, bottom = 50
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let largest = max(1, points.map(\.value).max() ?? 1)
        let step = points.count > 1 ? Double(plotWidth) / Double(points.count - 1) : 0
        func x(_ i: Int) -> Int { left + (points.count > 1 ? Int((Double(i) * step).rounded()) : plotWidth / 2) }
        func y(_ value: Int) -> Int { top + plotHeight - max(0, value) * plotHeight / largest }
        // Label at most about twelve periods on the axis, so that months over years stay legible.
        let every = max(1, (points.count + 11) / 12)
        var parts: [HTML] = [
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - right)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>",
            "<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\">\(ReportTable.number(largest))</text>",
            "<text x=\"\(left - 6)\" y=\"\(top + plotHeight + 4)\" text-anchor=\"end\">0</text>",
        ]
        let line = points.indices.map { "\(x($0)),\(y(points[$0].value))" }.joined(separator: " ")
        parts.append("<polyline points=\"\(line)\" fill=\"none\" stroke=\"#1d6b3a\" stroke-width=\"2\"/>")
        for (i, point) in points.enumerated() {
            parts.append("<circle cx=\"\(x(i))\" cy=\"\(y(point.value))\" r=\"3.5\" fill=\"#1d6b3a\"><title>\(point.label): \(ReportTable.number(point.value))</title></circle>")
            if i % every == 0 {
                parts.append("<text x=\"\(x(i))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">\(point.label)</text>")
            }
        }
        return """
            <figure id="trend"><figcaption><strong>\(title)</strong></figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-label="\(title)">
            \(parts.joined())
            </svg></figure>
            """
    }
}

extension TrendChart {
    /// The form's choice of sub-periods ("Dela upp per kvartal").
    static func choice(_ selected: String?) -> HTML {
        let options = [("", "ingen uppdelning")] + Granularity.allCases.map { ($0.rawValue, "per \($0.label)") }
        let html = options.map { value, label -> HTML in
            "<option value=\"\(value)\"\((value == (selected ?? "") ? " selected" : "") as HTML)>\(label)</option>"
        }
        return "<p><label for=\"by\">Utveckling över tid</label> <select id=\"by\" name=\"by\">\(html)</select></p>"
    }
}
