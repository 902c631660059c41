import EventLog
import Foundation

/// The output formats of `registry report`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown, xlsx
    case jsonStat = "json-stat"
}

extension Report {
    /// Renders in `format` (`xlsx` as Base64 text; `data(_:excel:)` gives its bytes).
    public func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .table: table()
        case .csv: csv()
        case .json: json()
        case .markdown: markdown()
        case .jsonStat: jsonStat()
        case .xlsx: (try? xlsx()).map { Data($0).base64EncodedString() } ?? "" // binary: see `data(_:excel:)`
        }
    }

    // MARK: JSON (§4, exact keys)

    /// The report JSON of §4.
    public func json() -> String {
        var out = ""
        writeJSON(to: &out)
        return out
    }

    private func writeJSON(to out: inout String) {
        let string = jsonQuoted
        out += "{\"report\":\(string(name))"
        out += ",\"period\":{\"from\":\"\(period.first)\",\"to\":\"\(period.last)\"}"
        out += ",\"as_of\":{\"seq\":\(asOfSeq),\"recorded\":\(asOfRecorded.map { "\"\(Timestamp.rfc3339($0))\"" } ?? "null")}"
        out += ",\"columns\":[" + columns.map { "{\"key\":\(string($0.key)),\"label\":\(string($0.label))}" }.joined(separator: ",") + "]"
        out += ",\"rows\":[" + rows.map { row in
            "{\"key\":\(string(row.key)),\"label\":\(string(row.label)),\"cells\":{"
                + columns.indices.map { "\(string(columns[$0].key)):\(cellJSON(row, $0))" }.joined(separator: ",") + "}}"
        }.joined(separator: ",") + "]"
        out += ",\"notes\":{" + notes.map { "\(string($0.key)):\(string($0.value))" }.joined(separator: ",") + "}"
        out += ",\"compare\":"
        if let compare { compare.writeJSON(to: &out) } else { out += "null" }
        out += seriesJSON()
        out += "}"
    }

    // MARK: Text

    private var reportName: ReportName { ReportName(rawValue: name) ?? .events }

    /// Headings and cells as text: with a comparison, each column becomes value, previous
    /// value, change and change in per cent.
    private func grid(blankZeros: Bool) -> (header: [String], rows: [[String]]) {
        func number(_ value: Int) -> String { blankZeros && value == 0 ? "" : String(value) }
        if !series.isEmpty { return seriesGrid(blankZeros: blankZeros, rowHeading: reportName.rowHeading) }
        guard let compare else {
            return ([reportName.rowHeading] + columns.map(\.label),
                    rows.map { row in [row.label] + columns.indices.map { cellText(row, $0, blankZeros: blankZeros) } })
        }
        var header = [reportName.rowHeading]
        for column in columns {
            header += [column.label + " " + period.label, column.label + " " + compare.period.label, "Förändring", "Förändring %"]
        }
        let body = rows.enumerated().map { r, row in
            var line = [row.label]
            for c in columns.indices {
                let now = row.cells[c], before = compare.rows[r].cells[c]
                let change = now - before
                let percent = before == 0 ? "" : Self.percent(Double(change) / Double(before) * 100)
                line += [number(now), number(before), change == 0 && blankZeros ? "" : (change > 0 ? "+\(change)" : "\(change)"), percent]
            }
            return line
        }
        return (header, body)
    }

    static func percent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = String(format1: rounded)
        return (rounded > 0 ? "+" : "") + text + " %"
    }

    /// CSV with a header of Swedish labels; zeros written as 0. Headings and row labels are
    /// text cells (`CSVCell.text`); the numbers after them stay numbers, `-12` too.
    public func csv() -> String {
        let (header, body) = grid(blankZeros: false)
        let head = header.map { CSVCell.text($0) }.joined(separator: ",")
        let lines = body.map { row in
            row.enumerated().map { c, cell in c == 0 || isTextColumn(c - 1) ? CSVCell.text(cell) : CSVCell.quoted(cell) }.joined(separator: ",")
        }
        return ([head] + lines).joined(separator: "\n") + "\n"
    }

    /// Whether grid column `c` (after the row label) holds text (only without a comparison).
    private func isTextColumn(_ c: Int) -> Bool { compare == nil && c < columns.count && columns[c].kind != .number }

    /// An aligned table like the printed report: zeros blank, labels in Swedish, footnote.
    public func table() -> String {
        let (header, body) = Self.escaped(grid(blankZeros: true), markdown: false)
        let all = [header] + body
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = "\(reportName.title), \(period.label)"
        if let compare { out += " jämfört med \(compare.period.label)" }
        out += " (\(period.first)–\(period.last), t.o.m. händelse \(asOfSeq))\n\n"
        out += line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in body { out += line(row) + "\n" }
        out += footnotes().map { "\n" + $0 }.joined() + (footnotes().isEmpty ? "" : "\n")
        return out
    }

    /// A Markdown table.
    public func markdown() -> String {
        let (header, body) = Self.escaped(grid(blankZeros: false), markdown: true)
        var out = "### \(reportName.title), \(period.label)\n\n"
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined() + "\n"
        for row in body { out += "| " + row.joined(separator: " | ") + " |\n" }
        for note in footnotes() { out += "\n" + note + "\n" }
        return out
    }

    /// The grid with its text shown safely on a terminal or in Markdown: a control character
    /// (a line break, an escape sequence, a bell) as `\u0007`, and in Markdown a `|` as `\|` and
    /// a `\` as `\\`, so an organisation's name never breaks a row or the table.
    static func escaped(_ grid: (header: [String], rows: [[String]]), markdown: Bool) -> (header: [String], rows: [[String]]) {
        func escape(_ text: String) -> String {
            guard text.unicodeScalars.contains(where: { isControl($0) || (markdown && ($0 == "|" || $0 == "\\")) }) else { return text }
            var out = ""
            for scalar in text.unicodeScalars {
                if isControl(scalar) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else if markdown && (scalar == "|" || scalar == "\\") {
                    out += "\\" + String(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        return (grid.header.map(escape), grid.rows.map { $0.map(escape) })
    }

    /// C0 and C1 control characters and DEL.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    func footnotes() -> [String] {
        notes.compactMap { key, value in
            if reportName == .targets { return value }
            guard key == "teacher_training_days" else { return "\(key): \(value)" }
            var text = "Kompetensutveckling lärare motsvarar \(value) lärarutbildningsdagar"
            if let previous = compare?.notes.first(where: { $0.key == key })?.value {
                text += " (\(compare!.period.label): \(previous))"
            }
            return text + "."
        }
    }
}

extension String {
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        self = "\(sign)\(abs(tenths) / 10),\(abs(tenths) % 10)"
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
