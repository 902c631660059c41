import Dispatch
import Foundation
import EventLog

/// How many events an import appended and how many were already in the log.
public struct ImportResult: Sendable, Equatable {
    public let appended: Int
    public let existing: Int
}

/// Text fields given as plain strings (CSV cells, command-line options) become typed JSON
/// by the field's kind; the decoder then applies the same rules as for JSON input.
public enum FieldText {
    /// The count and amount fields: those whose canonical JSON is a whole number.
    static let numericFields = Set(FieldKey.allCases.filter { $0.canonicalValue == .wholeNumber }.map(\.text))

    /// The JSON value for `text` given for `field`.
    public static func value(field: String, text: String) -> JSONValue {
        if numericFields.contains(field), isNumber(text) { return .number(text) }
        return .string(text)
    }

    /// The JSON value for `text` given for `field`, refusing a count written in a way a
    /// person would not mean as a number: with spaces around it, or with a leading zero.
    public static func checkedValue(field: String, text: String) throws(InputError) -> JSONValue {
        if numericFields.contains(field) {
            let trimmed = text.trimmingCharacters(in: " \t")
            if trimmed != text, !trimmed.isEmpty, isNumber(trimmed) {
                throw InputError(field: field, "\"\(text)\" has spaces around the number; write \(trimmed)")
            }
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if digits.count > 1, digits.first == "0", digits.allSatisfy(\.isASCIIDigit) {
                throw InputError(field: field, "\"\(text)\" has a leading zero; write \(text.hasPrefix("-") ? "-" : "")\(digits.drop { $0 == "0" }.isEmpty ? "0" : String(digits.drop { $0 == "0" }))")
            }
        }
        return value(field: field, text: text)
    }

    static func isNumber(_ text: String) -> Bool {
        guard case .number? = try? JSONParser.parse(text) else { return false }
        return true
    }
}

extension Store {
    /// Imports JSON Lines or CSV (header of field names with a `type` column), all or nothing.
    /// Errors name the line. JSON Lines are decoded on background threads, a chunk at a time,
    /// while this thread appends the chunks already decoded in one transaction.
    public func importEvents(_ data: [UInt8], today: Day = .today()) throws -> ImportResult {
        try importEvents(ImportInput(data), today: today)
    }

    /// `importEvents` of a file or standard input: its memory is bounded by the chunks being
    /// decoded, whatever the input's size (see `ImportInput`, `DecodingPipeline`).
    public func importEvents(_ input: ImportInput, today: Day = .today()) throws -> ImportResult {
        guard try Self.isJSONLines(input) else {
            return try importEvents(CSVReader.decode(input.withBytes { Array($0) }, today: today))
        }
        var random = SecureRandom()
        let ids = EventID.TimeOrderedSequence(milliseconds: Timestamp.now(), using: &random)
        func decoding() -> DecodingPipeline<ImportChunk> {
            DecodingPipeline(input, today: today) { bytes in ImportChunk(ids: ids, bytes: bytes) }
        }
        var pipeline = decoding()
        defer { pipeline.cancel() }
        return try importEvents(count: pipeline.lineCount) { importer in
            // Chunks are let go once appended: a transaction that starts over (the map grew)
            // decodes the file again.
            if pipeline.started { pipeline.cancel(); pipeline = decoding() }
            for chunk in 0..<pipeline.chunkCount { try importer.add(pipeline.take(chunk)) }
        }
    }

    /// Decodes every line and keeps nothing: how many events `input` holds, if it would import
    /// (but for the rules that depend on the log), in bounded memory. The first bad line is
    /// the error.
    public static func check(_ input: ImportInput, today: Day = .today()) throws -> Int {
        guard try isJSONLines(input) else {
            return try CSVReader.decode(input.withBytes { Array($0) }, today: today).count
        }
        let pipeline = DecodingPipeline(input, today: today) { _ in DecodedCount() }
        defer { pipeline.cancel() }
        return try (0..<pipeline.chunkCount).reduce(0) { count, chunk in try count + pipeline.take(chunk).count }
    }

    /// Appends events decoded by `decodeLines`, all or nothing; errors name the line.
    public func importEvents(_ events: [(line: Int, event: Event)]) throws -> ImportResult {
        let prepared = PreparedEvent.batch(events.map(\.event))
        return try importEvents(count: events.count) { importer in
            for (i, event) in prepared.enumerated() { try importer.add(event, line: events[i].line) }
        }
    }

    /// Appends what `events` hands to its importer, in one transaction; `count` is an estimate.
    private func importEvents(count: Int, _ events: (inout Importer) throws -> Void) throws -> ImportResult {
        var result = ImportResult(appended: 0, existing: 0)
        try append(expecting: count) { txn, context in
            // A rerun after the map grew starts over.
            var importer = Importer(store: self, txn: txn, context: context)
            try events(&importer)
            context = importer.context
            result = ImportResult(appended: importer.new, existing: importer.existing)
        }
        return result
    }

    /// Appends an import's events inside its transaction, counting the new and the repeated.
    private struct Importer {
        let store: Store
        let txn: WriteTransaction
        var context: AppendContext
        var new = 0, existing = 0

        mutating func add(_ event: PreparedEvent, line: Int) throws {
            do {
                count(try store.appendIfNew(event, in: txn, context: &context))
            } catch let error as InputError {
                throw error.at(line: line)
            }
        }

        mutating func add(_ chunk: ImportChunk) throws {
            try chunk.templates.withUnsafeBytes { templates in
                for (line, item) in chunk.items {
                    switch item {
                    case .plain(let event): count(try store.appendIfNew(event, templates: templates, in: txn, context: &context))
                    case .prepared(let index): try add(chunk.prepared[index], line: line)
                    }
                }
            }
        }

        private mutating func count(_ isNew: Bool) {
            if isNew { new += 1 } else { existing += 1 }
        }
    }

    /// JSON Lines start with "{", CSV with a header; a JSON array is neither. A line that starts
    /// with "[" but is no array (`[`, `[1,`) is taken for JSON Lines: decoding then names its
    /// actual problem.
    static func isJSONLines(_ data: [UInt8]) throws(InputError) -> Bool {
        try isJSONLines(ImportInput(data))
    }

    static func isJSONLines(_ input: ImportInput) throws(InputError) -> Bool {
        try input.withBytes { (data) throws(InputError) in
            let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
            let start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            guard let first = data[start...].firstIndex(where: { !isBlank($0) }) else { return true }
            guard data[first] == UInt8(ascii: "[") else { return data[first] == UInt8(ascii: "{") }
            let end = data[first...].firstIndex(of: 0x0A) ?? data.endIndex
            func isArray(_ bytes: Range<Int>) -> Bool {
                let parsed = Result { () throws(JSONSyntaxError) in try JSONParser.parse(UnsafeBufferPointer(rebasing: data[bytes])) }
                if case .success(.array) = parsed { return true }
                return false
            }
            if isArray(first..<end) || isArray(first..<data.endIndex) {
                let line = data[..<first].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                throw InputError(line: line, "the file is a JSON array; import takes JSON Lines (one event object per line) or CSV")
            }
            return true
        }
    }

    /// Decodes one line (without its newline), handing the event and the flat object it was
    /// read from, if any, to `finish`; a blank line is skipped.
    static func decodeLine(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, today: Day, _ finish: (Event, FlatObject?) -> Void
    ) throws(InputError) {
        var line = 0..<bytes.count
        while let last = line.last, bytes[last] == 0x0D || bytes[last] == 0x20 || bytes[last] == 0x09 { line = line.dropLast() }
        while let first = line.first, bytes[first] == 0x20 || bytes[first] == 0x09 { line = line.dropFirst() }
        if line.isEmpty { return }
        do throws(InputError) {
            return try Event.decode(json: UnsafeBufferPointer(rebasing: bytes[line]), today: today, finish)
        } catch {
            throw error.at(line: number)
        }
    }

    /// Decodes every non-blank line; the first bad line (by number) is the error.
    public static func decodeLines(_ data: [UInt8], today: Day) throws -> [(line: Int, event: Event)] {
        guard try isJSONLines(data) else { return try CSVReader.decode(data, today: today) }
        let pipeline = DecodingPipeline(ImportInput(data), today: today) { bytes in DecodedEvents(bytes: bytes) }
        defer { pipeline.cancel() }
        var events: [(line: Int, event: Event)] = []
        events.reserveCapacity(pipeline.lineCount)
        for chunk in 0..<pipeline.chunkCount { events += try pipeline.take(chunk).events }
        return events
    }
}

/// RFC 4180 CSV: a header row of field names (with `type`), one event per row. The separator
/// is `,` or, as Swedish Excel writes it, `;` (whichever the header uses), and a byte order
/// mark before the header is skipped. Every cell must be UTF-8: a file saved as Latin-1 is
/// refused with its line, never stored with U+FFFD in place of å, ä and ö.
enum CSVReader {
    static func decode(_ data: [UInt8], today: Day) throws -> [(line: Int, event: Event)] {
        let rows = try parse(data)
        guard let header = rows.first else { return [] }
        let names = try header.cells.map { cell in
            guard let name = String(validating: cell, as: UTF8.self) else { throw notUTF8(cell, line: header.line, field: nil) }
            return name.trimmingCharacters(in: " ")
        }
        guard names.contains("type") else {
            throw InputError(line: header.line, "the CSV header has no \"type\" column (the header must name the fields, separated by , or ;)")
        }
        var events: [(line: Int, event: Event)] = []
        for row in rows.dropFirst() {
            if row.cells.allSatisfy(\.isEmpty) { continue }
            guard row.cells.count == names.count else {
                throw InputError(line: row.line, "has \(row.cells.count) cells; the header has \(names.count)")
            }
            var object: JSONObject = []
            for (name, bytes) in zip(names, row.cells) {
                guard let cell = String(validating: bytes, as: UTF8.self) else { throw notUTF8(bytes, line: row.line, field: name) }
                // A cell of only spaces is empty, as a spreadsheet shows it.
                if cell.isBlank { continue }
                guard name != "replacement" else { throw InputError(line: row.line, field: name, "corrections cannot be imported from CSV; use JSON Lines") }
                do { object.append((name, try FieldText.checkedValue(field: name, text: cell))) } catch { throw error.at(line: row.line) }
            }
            do { events.append((row.line, try Event.decode(.object(object), today: today))) } catch { throw error.at(line: row.line) }
        }
        return events
    }

    private static func notUTF8(_ cell: [UInt8], line: Int, field: String?) -> InputError {
        let bad = String(decoding: cell, as: UTF8.self).unicodeScalars.firstIndex(of: "\u{FFFD}")
        let shown = bad.map { index in
            String(String(decoding: cell, as: UTF8.self).unicodeScalars[..<index]).suffix(20)
        } ?? ""
        return InputError(line: line, field: field, "is not valid UTF-8 text (after \"\(shown)\"); save the file as UTF-8 (in Excel: CSV UTF-8)")
    }

    /// The rows' cells as bytes, each row with the line it starts on.
    static func parse(_ data: [UInt8]) throws -> [(line: Int, cells: [[UInt8]])] {
        let start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let separator = self.separator(data[start...])
        var rows: [(line: Int, cells: [[UInt8]])] = []
        var cells: [[UInt8]] = []
        var cell: [UInt8] = []
        var line = 1, rowLine = 1
        var i = start, quoted = false
        func endCell() { cells.append(cell); cell.removeAll(keepingCapacity: true) }
        while i < data.count {
            let byte = data[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < data.count, data[i + 1] == UInt8(ascii: "\"") { cell.append(byte); i += 1 } else { quoted = false }
                } else {
                    if byte == 0x0A { line += 1 }
                    cell.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): quoted = true
                case separator: endCell()
                case 0x0D: break
                case 0x0A:
                    endCell(); rows.append((rowLine, cells)); cells = []
                    line += 1; rowLine = line
                default: cell.append(byte)
                }
            }
            i += 1
        }
        if quoted { throw InputError(line: rowLine, "unterminated quoted cell") }
        if !cell.isEmpty || !cells.isEmpty { endCell(); rows.append((rowLine, cells)) }
        return rows
    }

    /// `;` when the header line (outside quotes) has more semicolons than commas, else `,`.
    static func separator(_ data: ArraySlice<UInt8>) -> UInt8 {
        var commas = 0, semicolons = 0, quoted = false
        for byte in data {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == 0x0A { break }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
        }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
