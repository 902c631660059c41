import Dispatch
import EventLog

/// How many events an import appended and how many were already in the log.
public struct ImportResult: Sendable, Equatable {
    public let appended: Int
    public let existing: Int
}

/// Text fields given as plain strings (CSV cells, command-line options) become typed JSON
/// by the field's kind; the decoder then applies the same rules as for JSON input.
public enum FieldText {
    static let numericFields: Set<String> = ["pupils", "teachers", "participants", "children", "adults", "attendees", "amount_sek"]

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
    /// Errors name the line. Parsing runs on all cores; the append is one transaction.
    public func importEvents(_ data: [UInt8], today: Day = .today()) throws -> ImportResult {
        try importEvents(Self.decodeLines(data, today: today))
    }

    /// Appends events decoded by `decodeLines`, all or nothing; errors name the line.
    public func importEvents(_ events: [(line: Int, event: Event)]) throws -> ImportResult {
        var new = 0, existing = 0
        do {
            try append(PreparedEvent.batch(events.map(\.event))) { appended in
                if appended.isNew { new += 1 } else { existing += 1 }
            }
        } catch let error as InputError {
            guard let index = error.index else { throw error }
            var located = error
            located.index = nil
            throw located.at(line: events[index].line)
        }
        return ImportResult(appended: new, existing: existing)
    }

    /// Decodes every non-blank line; the first bad line (by number) is the error.
    public static func decodeLines(_ data: [UInt8], today: Day) throws -> [(line: Int, event: Event)] {
        let firstByte = data.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if let firstByte, firstByte != UInt8(ascii: "{") {
            return try CSVReader.decode(data, today: today)
        }
        var lines: [Range<Int>] = []
        var start = 0
        for (i, byte) in data.enumerated() where byte == 0x0A {
            lines.append(start..<i)
            start = i + 1
        }
        if start < data.count { lines.append(start..<data.count) }

        let workers = max(1, min(8, lines.count / 2048))
        let chunk = (lines.count + workers - 1) / max(workers, 1)
        let lineRanges = lines
        // Each worker writes only its own slots.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<Event, InputError>?>.allocate(capacity: lines.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        data.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let bytes = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = (worker * chunk)..<min(lineRanges.count, (worker + 1) * chunk)
                for i in range {
                    var line = lineRanges[i]
                    while let last = line.last, bytes[last] == 0x0D || bytes[last] == 0x20 { line = line.dropLast() }
                    while let first = line.first, bytes[first] == 0x20 || bytes[first] == 0x09 { line = line.dropFirst() }
                    if line.isEmpty { continue }
                    do throws(InputError) {
                        let value: JSONValue
                        do { value = try JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[line])) } catch {
                            throw InputError("\(error)")
                        }
                        results[i] = .success(try Event.decode(value, today: today))
                    } catch {
                        results[i] = .failure(error.at(line: i + 1))
                    }
                }
            }
        }
        var events: [(line: Int, event: Event)] = []
        events.reserveCapacity(lines.count)
        for i in 0..<lines.count {
            switch results[i] {
            case .success(let event)?: events.append((i + 1, event))
            case .failure(let error)?: throw error
            case nil: continue
            }
        }
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
            for (name, cell) in zip(names, row.cells) where !cell.isEmpty {
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
