/// How `--by` splits a period into sub-periods (SPEC §4).
public enum Granularity: String, CaseIterable, Sendable {
    case year, half, quarter, month

    /// Swedish, for headings and the page: "per kvartal".
    public var label: String {
        switch self {
        case .year: "år"
        case .half: "halvår"
        case .quarter: "kvartal"
        case .month: "månad"
        }
    }

    /// Parses `year`, `half`, `quarter` or `month`.
    public static func parse(_ text: String, field: String = "by") throws(InputError) -> Granularity {
        guard let value = Granularity(rawValue: text.trimmingCharacters(in: " ").lowercased()) else {
            throw InputError(field: field, "\"\(text)\" is not a way to split a period; expected year, half, quarter or month")
        }
        return value
    }

    /// Months in one step.
    var months: Int {
        switch self {
        case .year: 12
        case .half: 6
        case .quarter: 3
        case .month: 1
        }
    }
}

extension Period {
    /// The calendar years, halves, quarters or months that overlap this period, each clipped to
    /// it. A whole sub-period is labelled as written (`2013-Q2`); a clipped one by its dates.
    public func split(by granularity: Granularity) -> [Period] {
        var parts: [Period] = []
        let (startYear, startMonth, _) = first.components
        var year = startYear
        var month = (startMonth - 1) / granularity.months * granularity.months + 1
        while true {
            let endMonth = month + granularity.months - 1
            guard let start = Day(year: year, month: month, day: 1),
                  let end = Day(year: year, month: endMonth, day: Day.daysIn(month: endMonth, year: year)),
                  start <= last else { break }
            let from = max(start, first), to = min(end, last)
            let name: String
            switch granularity {
            case .year: name = "\(year)"
            case .half: name = "\(year)-H\(month <= 6 ? 1 : 2)"
            case .quarter: name = "\(year)-Q\((month - 1) / 3 + 1)"
            case .month: name = month < 10 ? "\(year)-0\(month)" : "\(year)-\(month)"
            }
            parts.append(Period(first: from, last: to, label: from == start && to == end ? name : nil))
            month += granularity.months
            if month > 12 { month = 1; year += 1 }
        }
        return parts
    }
}

extension Report {
    /// The `series` member of the report JSON: one object per sub-period with its rows.
    func seriesJSON() -> String {
        guard !series.isEmpty else { return "" }
        let string = jsonQuoted
        return ",\"series\":[" + series.map { part in
            "{\"period\":{\"from\":\"\(part.period.first)\",\"to\":\"\(part.period.last)\"},\"rows\":["
                + part.rows.map { row in
                    "{\"key\":\(string(row.key)),\"label\":\(string(row.label)),\"cells\":{"
                        + part.columns.indices.map { "\(string(part.columns[$0].key)):\(part.cellJSON(row, $0))" }.joined(separator: ",") + "}}"
                }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
    }

    /// Headings and cells with one column group per sub-period: "Elever 2013-Q1", "Lärare
    /// 2013-Q1", …, "Elever 2013-Q2", …
    func seriesGrid(blankZeros: Bool, rowHeading: String) -> (header: [String], rows: [[String]]) {
        var header = [rowHeading]
        for part in series { header += part.columns.map { $0.label + " " + part.period.label } }
        let body = rows.indices.map { r in
            [rows[r].label] + series.flatMap { part in part.columns.indices.map { part.cellText(part.rows[r], $0, blankZeros: blankZeros) } }
        }
        return (header, body)
    }
}
