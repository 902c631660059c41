/// A report laid out for a spreadsheet: one heading row of unique labels, numbers as numbers.
/// The XLSX workbook and the CSV for Swedish Excel are written from it.
struct ReportSheet {
    enum Kind { case count, change, percent }

    struct Column {
        let label: String
        let kind: Kind
    }

    struct Row {
        let key: String
        let label: String
        /// Per column; nil where there is no value (a change in per cent from zero) or where the
        /// cell is text.
        let values: [Double?]
        /// Per column: the text of a text or code cell (the `targets` report), else nil.
        let texts: [String?]
    }

    let rowHeading: String
    let columns: [Column]
    let rows: [Row]

    /// With a comparison, each column becomes value, previous value, change and change in per
    /// cent ("Elever 2013", "Elever 2012", "Elever förändring", "Elever förändring %"); with
    /// sub-periods, one group of columns per sub-period ("Elever 2013-Q1", …).
    init(_ report: Report) {
        rowHeading = ReportName(rawValue: report.name)?.rowHeading ?? "Typ"
        var columns: [Column] = []
        var values: [[Double?]] = report.rows.map { _ in [] }
        var texts: [[String?]]? = nil
        if !report.series.isEmpty {
            for part in report.series {
                columns += part.columns.map { Column(label: "\($0.label) \(part.period.label)", kind: .count) }
                for r in report.rows.indices { values[r] += part.rows[r].cells.map { Double($0) } }
            }
        } else if let compare = report.compare {
            for (c, column) in report.columns.enumerated() {
                columns += [
                    Column(label: "\(column.label) \(report.period.label)", kind: .count),
                    Column(label: "\(column.label) \(compare.period.label)", kind: .count),
                    Column(label: "\(column.label) förändring", kind: .change),
                    Column(label: "\(column.label) förändring %", kind: .percent),
                ]
                for r in report.rows.indices {
                    let now = report.rows[r].cells[c], before = compare.rows[r].cells[c]
                    let percent = before == 0 ? nil : (Double(now - before) / Double(before) * 1000).rounded() / 10
                    values[r] += [Double(now), Double(before), Double(now - before), percent]
                }
            }
        } else {
            columns = report.columns.map { Column(label: $0.label, kind: .count) }
            values = report.rows.map { row in
                report.columns.indices.map { c in
                    report.columns[c].kind == .number && !row.absent.contains(report.columns[c].key) ? Double(row.cells[c]) : nil
                }
            }
            texts = report.rows.map { row in
                report.columns.indices.map { c in report.columns[c].kind == .number ? nil : report.cellText(row, c, blankZeros: false) }
            }
        }
        // Headings are unique, so that a spreadsheet or a statistics tool can name each column
        // (a period compared with itself would otherwise repeat "Elever 2013").
        var seen: [String: Int] = [rowHeading: 1]
        self.columns = columns.map { column in
            let count = seen[column.label, default: 0] + 1
            seen[column.label] = count
            return count == 1 ? column : Column(label: "\(column.label) (\(count))", kind: column.kind)
        }
        rows = report.rows.enumerated().map { r, row in
            Row(key: row.key, label: row.label, values: values[r], texts: texts?[r] ?? values[r].map { _ in nil })
        }
    }
}

extension Report {
    /// CSV for Swedish Excel (SPEC §4 `--excel`): UTF-8 with a byte order mark, `;` between
    /// fields, unique headings, numbers and percentages as numbers with a decimal comma, text
    /// cells neutralised (`CSVCell.text`).
    public func excelCSV() -> String {
        let sheet = ReportSheet(self)
        func text(_ value: String) -> String { CSVCell.text(value, separator: ";") }
        func number(_ value: Double?, _ kind: ReportSheet.Kind) -> String {
            guard let value else { return "" }
            return kind == .percent ? String(format1: value) : String(Int(value))
        }
        var out = "\u{FEFF}" + ([text(sheet.rowHeading)] + sheet.columns.map { text($0.label) }).joined(separator: ";") + "\r\n"
        for row in sheet.rows {
            let cells = sheet.columns.indices.map { c in row.texts[c].map(text) ?? number(row.values[c], sheet.columns[c].kind) }
            out += ([text(row.label)] + cells).joined(separator: ";") + "\r\n"
        }
        return out
    }
}

extension Report {
    /// The bytes of the report in `format`: the workbook for `xlsx`, UTF-8 text otherwise
    /// (with `excel`, CSV for Swedish Excel).
    public func data(_ format: ReportFormat, excel: Bool = false) throws -> [UInt8] {
        switch format {
        case .xlsx: return try xlsx()
        case .csv where excel: return Array(excelCSV().utf8)
        default:
            let text = rendered(format)
            return Array(text.utf8) + (text.hasSuffix("\n") ? [] : [0x0A])
        }
    }
}
