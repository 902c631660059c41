/// Cells of text and code columns, and number cells without a value (the `targets` report),
/// as each format writes them.
extension Report {
    /// How code cells read in tables, CSV and Markdown (JSON keeps the codes).
    public static let codeLabels = [
        "achieved": "uppnått", "partly": "delvis uppnått", "not-achieved": "ej uppnått", "ongoing": "pågår",
        "on-track": "i fas", "behind": "efter",
    ]

    /// The cell at `row`, column index `c`, as text: a number (blank when zero and
    /// `blankZeros`), the text, or the code's Swedish label; "" when it has no value.
    public func cellText(_ row: Row, _ c: Int, blankZeros: Bool) -> String {
        let column = columns[c]
        switch column.kind {
        case .number:
            if row.absent.contains(column.key) { return "" }
            let value = row.cells[c]
            // A target's outcome of 0 says something; its absent values are blank instead.
            return blankZeros && value == 0 && name != ReportName.targets.rawValue ? "" : String(value)
        case .text: return row.texts[column.key] ?? ""
        case .code: return row.texts[column.key].map { Self.codeLabels[$0] ?? $0 } ?? ""
        }
    }

    /// The cell as JSON: an integer, a string, or null when it has no value.
    public func cellJSON(_ row: Row, _ c: Int) -> String {
        let column = columns[c]
        switch column.kind {
        case .number: return row.absent.contains(column.key) ? "null" : String(row.cells[c])
        case .text, .code: return row.texts[column.key].map(jsonQuoted) ?? "null"
        }
    }
}
