import CXLSXWriter
import EventLog
import Foundation

/// Why a workbook could not be written (libxlsxwriter's message).
public struct XLSXError: Error, CustomStringConvertible {
    public let description: String
}

extension Report {
    /// The report as an Excel workbook (SPEC §4 `xlsx`), written by Debian's libxlsxwriter:
    /// numbers as numbers, Swedish headings in a frozen first row, compared periods and
    /// sub-periods as column groups, and the period, as-of position and head hash both in the
    /// workbook's properties and in note rows under the table. libxlsxwriter 1.1.4 writes to a
    /// file only, so the workbook goes through a temporary file that is removed afterwards.
    public func xlsx() throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        guard let workbook = workbook_new(file.path) else {
            throw XLSXError(description: "cannot create a workbook in \(file.deletingLastPathComponent().path)")
        }
        var failure: String?
        func check(_ error: lxw_error, _ what: String) {
            if error != LXW_NO_ERROR, failure == nil { failure = "\(what): \(String(cString: lxw_strerror(error)))" }
        }
        writeWorkbook(workbook, check: check)
        // Closing writes the file and frees the workbook, also after an error above.
        let closed = workbook_close(workbook)
        if let failure { throw XLSXError(description: failure) }
        guard closed == LXW_NO_ERROR else { throw XLSXError(description: "writing the workbook: \(String(cString: lxw_strerror(closed)))") }
        return try [UInt8](Data(contentsOf: file))
    }

    private func writeWorkbook(_ workbook: UnsafeMutablePointer<lxw_workbook>, check: (lxw_error, String) -> Void) {
        let title = "\(reportName.title), \(period.label)"
        let recorded = asOfRecorded.map { Timestamp.rfc3339($0) } ?? ""
        let hash = headHash ?? ""
        let position = "t.o.m. händelse \(asOfSeq)" + (recorded.isEmpty ? "" : ", registrerad \(recorded)")
        // The strings must outlive workbook_set_properties, which copies them.
        withCStrings([title, "\(period.first)–\(period.last)", "Sjuhärads kommunalförbund", "Rapport",
                      "registry; \(name); \(period.label); \(hash)",
                      "Period \(period.label) (\(period.first)–\(period.last)), \(position), loggens hash \(hash)"]) { c in
            var properties = lxw_doc_properties()
            properties.title = c[0]
            properties.subject = c[1]
            properties.author = c[2]
            properties.company = c[2]
            properties.category = c[3]
            properties.keywords = c[4]
            properties.comments = c[5]
            check(workbook_set_properties(workbook, &properties), "document properties")
        }
        for (key, value) in [("Period", period.label), ("Från", period.first.description), ("Till", period.last.description),
                             ("Registrerad", recorded), ("Hash", hash)] {
            check(workbook_set_custom_property_string(workbook, key, value), "property \(key)")
        }
        check(workbook_set_custom_property_number(workbook, "Händelse", Double(asOfSeq)), "property Händelse")

        let sheet = ReportSheet(self)
        guard let worksheet = workbook_add_worksheet(workbook, sheetName) else {
            check(LXW_ERROR_MEMORY_MALLOC_FAILED, "worksheet")
            return
        }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        let count = workbook_add_format(workbook), change = workbook_add_format(workbook), percent = workbook_add_format(workbook)
        format_set_num_format(count, "#,##0")
        format_set_num_format(change, "+#,##0;-#,##0;0")
        format_set_num_format(percent, "+0.0%;-0.0%;0.0%")
        let formats: [ReportSheet.Kind: UnsafeMutablePointer<lxw_format>?] = [.count: count, .change: change, .percent: percent]

        func text(_ row: Int, _ column: Int, _ value: String, _ format: UnsafeMutablePointer<lxw_format>? = nil) {
            check(worksheet_write_string(worksheet, lxw_row_t(row), lxw_col_t(column), CSVCell.neutralised(value), format), "cell \(row + 1):\(column + 1)")
        }
        text(0, 0, sheet.rowHeading, bold)
        for (c, column) in sheet.columns.enumerated() { text(0, c + 1, column.label, bold) }
        for (r, row) in sheet.rows.enumerated() {
            text(r + 1, 0, row.label, row.key == "total" ? bold : nil)
            for (c, value) in row.values.enumerated() {
                if let cell = row.texts[c] {
                    if !cell.isEmpty { text(r + 1, c + 1, cell) }
                    continue
                }
                guard let value else { continue }
                let kind = sheet.columns[c].kind
                // A percentage is stored as a fraction, so that Excel shows 12,3 % and computes with 0.123.
                check(worksheet_write_number(worksheet, lxw_row_t(r + 1), lxw_col_t(c + 1), kind == .percent ? value / 100 : value,
                                             formats[kind] ?? nil), "cell \(r + 2):\(c + 2)")
            }
        }
        worksheet_freeze_panes(worksheet, 1, 1)
        check(worksheet_set_column(worksheet, 0, 0, 28, nil), "column width")
        if !sheet.columns.isEmpty {
            check(worksheet_set_column(worksheet, 1, lxw_col_t(sheet.columns.count), 16, nil), "column width")
        }

        var notes = [title, "Period: \(period.first)–\(period.last)"]
        if let compare { notes.append("Jämfört med: \(compare.period.label) (\(compare.period.first)–\(compare.period.last))") }
        if let first = series.first, let last = series.last { notes.append("Uppdelad i \(series.count) delperioder: \(first.period.label) … \(last.period.label)") }
        notes.append("Som känt \(position)")
        notes.append("Loggens hash vid händelse \(asOfSeq): \(hash.isEmpty ? "–" : hash)")
        notes += footnotes()
        for (i, note) in notes.enumerated() { text(sheet.rows.count + 2 + i, 0, note) }
    }

    /// The sheet's name: the report and period, without the characters Excel forbids in a
    /// sheet name, at most 31 characters.
    private var sheetName: String {
        let name = "\(name) \(period.label)".map { "[]:*?/\\".contains($0) ? "-" : $0 }
        return String(String(name).prefix(31))
    }

    private var reportName: ReportName { ReportName(rawValue: name) ?? .events }
}

/// Calls `body` with C copies of `strings`, valid during the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
