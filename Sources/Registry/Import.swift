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

    /// Decodes every line and keeps nothing: whether `input` would import (but for the rules
    /// that depend on the log), in bounded memory. The first bad line is the error.
    public static func check(_ input: ImportInput, today: Day = .today()) throws {
        guard try isJSONLines(input) else {
            _ = try CSVReader.decode(input.withBytes { Array($0) }, today: today)
            return
        }
        let pipeline = DecodingPipeline(input, today: today) { _ in DecodedCount() }
        defer { pipeline.cancel() }
        for chunk in 0..<pipeline.chunkCount { _ = try pipeline.take(chunk) }
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

    /// JSON Lines start with "{", CSV with a header; a JSON array is neither.
    static func isJSONLines(_ data: [UInt8]) throws(InputError) -> Bool {
        try isJSONLines(ImportInput(data))
    }

    static func isJSONLines(_ input: ImportInput) throws(InputError) -> Bool {
        let firstByte = input.withBytes { bytes in
            bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        }
        if firstByte == UInt8(ascii: "[") {
            throw InputError(line: 1, "the file is a JSON array; import takes JSON Lines (one event object per line) or CSV")
        }
        return firstByte == nil || firstByte == UInt8(ascii: "{")
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

/// RFC 4180 CSV: a header row of field names (with `type`), one event per row.
enum CSVReader {
    static func decode(_ data: [UInt8], today: Day) throws -> [(line: Int, event: Event)] {
        let rows = try parse(data)
        guard let header = rows.first else { return [] }
        let names = header.cells.map { $0.trimmingCharacters(in: " \u{FEFF}") }
        guard names.contains("type") else { throw InputError(line: header.line, "the CSV header has no \"type\" column") }
        var events: [(line: Int, event: Event)] = []
        for row in rows.dropFirst() {
            if row.cells.allSatisfy(\.isEmpty) { continue }
            guard row.cells.count == names.count else {
                throw InputError(line: row.line, "has \(row.cells.count) cells; the header has \(names.count)")
            }
            var object: JSONObject = []
            // A cell of only spaces is empty, as a spreadsheet shows it.
            for (name, cell) in zip(names, row.cells) where !cell.isBlank {
                guard name != "replacement" else { throw InputError(line: row.line, field: name, "corrections cannot be imported from CSV; use JSON Lines") }
                object.append((name, FieldText.value(field: name, text: cell)))
            }
            do { events.append((row.line, try Event.decode(.object(object), today: today))) } catch { throw error.at(line: row.line) }
        }
        return events
    }

    static func parse(_ data: [UInt8]) throws -> [(line: Int, cells: [String])] {
        var rows: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1, rowLine = 1
        var i = 0, quoted = false
        func endCell() { cells.append(String(decoding: cell, as: UTF8.self)); cell.removeAll(keepingCapacity: true) }
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
                case UInt8(ascii: ","): endCell()
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
