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
    /// Errors name the line. JSON Lines are decoded on background threads, a chunk at a time,
    /// while this thread appends the chunks already decoded in one transaction.
    public func importEvents(_ data: [UInt8], today: Day = .today()) throws -> ImportResult {
        guard try Self.isJSONLines(data) else { return try importEvents(CSVReader.decode(data, today: today)) }
        var random = SecureRandom()
        let ids = EventID.TimeOrderedSequence(milliseconds: Timestamp.now(), using: &random)
        // A line's offset in the file gives fresh ids that increase through the file.
        func decoding() -> DecodingPipeline<PreparedEvent> {
            DecodingPipeline(data, today: today) { event, flat, offset in PreparedEvent(event, flat: flat, freshID: { ids.id(offset) }) }
        }
        var pipeline = decoding()
        defer { pipeline.cancel() }
        return try importEvents(count: pipeline.lineCount) { body in
            // Chunks are let go once appended: a transaction that starts over (the map grew)
            // decodes the file again.
            if pipeline.started { pipeline.cancel(); pipeline = decoding() }
            for chunk in 0..<pipeline.chunkCount {
                for (line, event) in try pipeline.take(chunk) { try body(line, event) }
            }
        }
    }

    /// Appends events decoded by `decodeLines`, all or nothing; errors name the line.
    public func importEvents(_ events: [(line: Int, event: Event)]) throws -> ImportResult {
        let prepared = PreparedEvent.batch(events.map(\.event))
        return try importEvents(count: events.count) { body in
            for (i, event) in prepared.enumerated() { try body(events[i].line, event) }
        }
    }

    /// Appends what `events` hands to its body, in one transaction; `count` is an estimate.
    private func importEvents(
        count: Int, _ events: ((Int, PreparedEvent) throws -> Void) throws -> Void
    ) throws -> ImportResult {
        var new = 0, existing = 0
        try append(expecting: count) { txn, context in
            new = 0; existing = 0 // a rerun after the map grew starts over
            try events { line, event in
                do {
                    if try appendIfNew(event, in: txn, context: &context) { new += 1 } else { existing += 1 }
                } catch let error as InputError {
                    throw error.at(line: line)
                }
            }
        }
        return ImportResult(appended: new, existing: existing)
    }

    /// JSON Lines start with "{", CSV with a header; a JSON array is neither.
    static func isJSONLines(_ data: [UInt8]) throws(InputError) -> Bool {
        let firstByte = data.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if firstByte == UInt8(ascii: "[") {
            throw InputError(line: 1, "the file is a JSON array; import takes JSON Lines (one event object per line) or CSV")
        }
        return firstByte == nil || firstByte == UInt8(ascii: "{")
    }

    /// Decodes one line (without its newline), handing the event and the flat object it was
    /// read from, if any, to `finish`: nil for a blank line.
    static func decodeLine<T>(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, today: Day, _ finish: (Event, FlatObject?) -> T
    ) throws(InputError) -> T? {
        var line = 0..<bytes.count
        while let last = line.last, bytes[last] == 0x0D || bytes[last] == 0x20 || bytes[last] == 0x09 { line = line.dropLast() }
        while let first = line.first, bytes[first] == 0x20 || bytes[first] == 0x09 { line = line.dropFirst() }
        if line.isEmpty { return nil }
        do throws(InputError) {
            return try Event.decode(json: UnsafeBufferPointer(rebasing: bytes[line]), today: today, finish)
        } catch {
            throw error.at(line: number)
        }
    }

    /// Decodes every non-blank line; the first bad line (by number) is the error.
    public static func decodeLines(_ data: [UInt8], today: Day) throws -> [(line: Int, event: Event)] {
        guard try isJSONLines(data) else { return try CSVReader.decode(data, today: today) }
        let pipeline = DecodingPipeline(data, today: today) { event, _, _ in event }
        defer { pipeline.cancel() }
        var events: [(line: Int, event: Event)] = []
        events.reserveCapacity(pipeline.lineCount)
        for chunk in 0..<pipeline.chunkCount { events += try pipeline.take(chunk) }
        return events
    }
}

/// JSON Lines decoded (and made into `Output`, e.g. prepared for the log) in chunks, on
/// background threads, in the order the consuming thread will ask for them. Each chunk is
/// handed out once and then forgotten: what is kept is only what the decoders are ahead of
/// the consumer (the whole file at worst, when decoding outpaces appending).
///
/// One core is left to the consuming thread (the appending one), which decodes chunks itself
/// while the one it needs is not ready: every core stays busy and none is shared by two busy
/// threads.
final class DecodingPipeline<Output: Sendable>: @unchecked Sendable {
    /// About 4000 lines of a typical import: the decoding threads find the lines themselves.
    static var chunkBytes: Int { 1 << 19 }
    private let data: [UInt8]
    /// Where each chunk starts: after a newline, or at 0; the last entry is the end.
    private let starts: [Int]
    private let today: Day
    /// Makes the output of an event decoded from the line that starts at this byte offset,
    /// given the flat object it was read from, if any.
    private let make: @Sendable (Event, FlatObject?, Int) -> Output
    private let condition = NSCondition()
    /// A decoded chunk: its events with their line numbers counted from the chunk's first line
    /// (1), how many lines it has, or the error of its first bad line (numbered the same way).
    private typealias Decoded = Result<(events: [(line: Int, event: Output)], lines: Int), InputError>
    private enum Slot {
        case pending
        case decoded(Decoded)
        case taken
    }
    private var slots: [Slot]
    /// The first chunk no thread has started.
    private var nextChunk = 0
    /// The number of the first line of the next chunk to hand out.
    private var nextLine = 1
    private var cancelled = false

    /// How many lines `data` has (a last line without a newline counts): what sizes the map
    /// ahead of an import and chooses bulk mode.
    let lineCount: Int
    var chunkCount: Int { slots.count }
    /// Whether a chunk was handed out.
    private(set) var started = false

    init(_ data: [UInt8], today: Day, make: @escaping @Sendable (Event, FlatObject?, Int) -> Output) {
        self.data = data
        self.today = today
        self.make = make
        lineCount = Self.countLines(data)
        // A byte order mark, as some editors write, is not part of the first line.
        var starts = [data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0]
        data.withUnsafeBufferPointer { bytes in
            var at = Self.chunkBytes
            while at < bytes.count {
                guard let newline = UnsafeBufferPointer(rebasing: bytes[at...]).firstIndex(of: 0x0A) else { break }
                if at + newline + 1 < bytes.count { starts.append(at + newline + 1) }
                at = max(at + newline + 1, starts.last! + Self.chunkBytes)
            }
        }
        starts.append(data.count)
        self.starts = starts
        slots = Array(repeating: .pending, count: starts[0] == data.count ? 0 : starts.count - 1)
        let workers = min(slots.count, max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        for _ in 0..<workers {
            DispatchQueue.global().async {
                while let chunk = self.claim() { self.decode(chunk) }
            }
        }
    }

    /// Counts newlines with `memchr`, which looks at many bytes at a time (a few milliseconds
    /// for 100 MB).
    private static func countLines(_ data: [UInt8]) -> Int {
        data.withUnsafeBufferPointer { bytes in
            guard var at = bytes.baseAddress else { return 0 }
            let end = at + bytes.count
            var lines = bytes.last == 0x0A ? 0 : 1
            while let newline = memchr(at, 0x0A, end - at) {
                lines += 1
                at = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return lines
        }
    }

    /// The events of chunk `index` with their line numbers, handed out once. While it is not
    /// decoded yet, the calling thread decodes chunks no other thread has started.
    func take(_ index: Int) throws(InputError) -> [(line: Int, event: Output)] {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch slots[index] {
            case .decoded(let result):
                slots[index] = .taken
                started = true
                let first = nextLine
                switch result {
                case .failure(let error): throw error.at(line: first - 1 + (error.line ?? 1))
                case .success(var chunk):
                    nextLine += chunk.lines
                    if first > 1 { for i in chunk.events.indices { chunk.events[i].line += first - 1 } }
                    return chunk.events
                }
            case .taken:
                preconditionFailure("chunk \(index) was handed out already")
            case .pending:
                break
            }
            if nextChunk < slots.count {
                let chunk = nextChunk
                nextChunk += 1
                condition.unlock()
                decode(chunk)
                condition.lock()
            } else {
                condition.wait()
            }
        }
    }

    /// Takes the next chunk to decode, if any is left.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, nextChunk < slots.count else { return nil }
        defer { nextChunk += 1 }
        return nextChunk
    }

    /// Stops decoding chunks not yet started.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }

    private func decode(_ chunk: Int) {
        let result = Decoded { () throws(InputError) in
            var events: [(line: Int, event: Output)] = []
            events.reserveCapacity((starts[chunk + 1] - starts[chunk]) / 64)
            var lines = 0
            try data.withUnsafeBufferPointer { (bytes) throws(InputError) in
                var start = starts[chunk]
                let end = starts[chunk + 1]
                while start < end {
                    let newline = memchr(bytes.baseAddress! + start, 0x0A, end - start)
                    let length = newline.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - (bytes.baseAddress! + start) } ?? (end - start)
                    lines += 1
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<(start + length)])
                    let offset = start
                    if let output = try Store.decodeLine(line, number: lines, today: today, { make($0, $1, offset) }) {
                        events.append((lines, output))
                    }
                    start += length + 1
                }
            }
            return (events, lines)
        }
        condition.lock()
        slots[chunk] = .decoded(result)
        condition.broadcast()
        condition.unlock()
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
