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
        func decoding() -> DecodingPipeline<ImportChunk> {
            DecodingPipeline(data, today: today) { lines in ImportChunk(ids: ids, expectedLines: lines) }
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
        let pipeline = DecodingPipeline(data, today: today) { lines in DecodedEvents(expectedLines: lines) }
        defer { pipeline.cancel() }
        var events: [(line: Int, event: Event)] = []
        events.reserveCapacity(pipeline.lineCount)
        for chunk in 0..<pipeline.chunkCount { events += try pipeline.take(chunk).events }
        return events
    }
}

/// What the decoding threads make of the lines of one chunk (see `DecodingPipeline`).
protocol DecodedChunk: Sendable {
    /// Adds the event of line `line`, counted from the chunk's first line (1), which starts at
    /// byte `offset` of the input; `flat` is the object it was read from, if it had the common
    /// shape (see `FlatObject`).
    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int)
    /// Numbers the lines from `first` instead of 1.
    mutating func numberLines(from first: Int)
}

/// Decoded events with their line numbers.
struct DecodedEvents: DecodedChunk {
    private(set) var events: [(line: Int, event: Event)] = []

    init(expectedLines: Int) { events.reserveCapacity(expectedLines) }

    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int) { events.append((line, event)) }

    mutating func numberLines(from first: Int) {
        for i in events.indices { events[i].line += first - 1 }
    }
}

/// An event of an import that needs nothing from the log (`Store.plainRecord`): its id, its
/// day record and where its template lies among its chunk's, all plain values. The appending
/// thread copies, retains and frees nothing of it.
struct PlainEvent: Sendable {
    let id: EventID
    /// The id was generated here, so it cannot be in the log yet.
    let isFresh: Bool
    let day: Day
    let record: CompactRecord
    /// Where its template lies among its chunk's `templates`, and where it splits (see
    /// `TemplateView`).
    let template: Range<Int>
    let split: (Int, Int)
}

/// A chunk of an import, prepared for the log on a decoding thread: plain events (most of an
/// import) as `PlainEvent`s with their templates in one buffer, any other event prepared in
/// full.
struct ImportChunk: DecodedChunk {
    enum Item {
        case plain(PlainEvent)
        /// An index into `prepared`.
        case prepared(Int)
    }

    /// Gives the fresh id of an event without one, by the offset of its line: ids then
    /// increase through the file.
    let ids: EventID.TimeOrderedSequence
    private(set) var items: [(line: Int, item: Item)] = []
    private(set) var templates: [UInt8] = []
    private(set) var prepared: [PreparedEvent] = []

    init(ids: EventID.TimeOrderedSequence, expectedLines: Int) {
        self.ids = ids
        items.reserveCapacity(expectedLines)
        templates.reserveCapacity(expectedLines * 160)
    }

    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int) {
        guard let record = Store.plainRecord(for: event) else {
            items.append((line, .prepared(prepared.count)))
            prepared.append(PreparedEvent(event, flat: flat, freshID: { ids.id(offset) }))
            return
        }
        var event = event
        let isFresh = event.id == nil
        if isFresh { event.id = ids.id(offset) }
        let start = templates.count
        let split = flat?.appendCanonicalTemplate(of: event, to: &templates) ?? CanonicalTemplate(event).withView { view in
            templates.append(contentsOf: view.fields)
            return view.split
        }
        let plain = PlainEvent(id: event.id!, isFresh: isFresh, day: event.occurred, record: record, template: start..<templates.count, split: split)
        items.append((line, .plain(plain)))
    }

    mutating func numberLines(from first: Int) {
        for i in items.indices { items[i].line += first - 1 }
    }
}

/// JSON Lines decoded (and made into a `Chunk`, e.g. prepared for the log) in chunks, on
/// background threads, in the order the consuming thread will ask for them. Each chunk is
/// handed out once and then forgotten: what is kept is only what the decoders are ahead of
/// the consumer (the whole file at worst, when decoding outpaces appending).
///
/// One core is left to the consuming thread (the appending one), which decodes chunks itself
/// while the one it needs is not ready: every core stays busy and none is shared by two busy
/// threads.
final class DecodingPipeline<Chunk: DecodedChunk>: @unchecked Sendable {
    /// About 4000 lines of a typical import: the decoding threads find the lines themselves.
    static var chunkBytes: Int { 1 << 19 }
    private let data: [UInt8]
    /// Where each chunk starts: after a newline, or at 0; the last entry is the end.
    private let starts: [Int]
    private let today: Day
    /// Makes an empty chunk for about this many lines.
    private let makeChunk: @Sendable (Int) -> Chunk
    private let condition = NSCondition()
    /// A decoded chunk, its lines counted from its first line (1), and how many lines it has;
    /// or the error of its first bad line (numbered the same way).
    private typealias Decoded = Result<(chunk: Chunk, lines: Int), InputError>
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

    init(_ data: [UInt8], today: Day, makeChunk: @escaping @Sendable (Int) -> Chunk) {
        self.data = data
        self.today = today
        self.makeChunk = makeChunk
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

    /// Chunk `index`, its lines numbered in the whole input, handed out once. While it is not
    /// decoded yet, the calling thread decodes chunks no other thread has started.
    func take(_ index: Int) throws(InputError) -> Chunk {
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
                case .success(var decoded):
                    nextLine += decoded.lines
                    if first > 1 { decoded.chunk.numberLines(from: first) }
                    return decoded.chunk
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
            var output = makeChunk((starts[chunk + 1] - starts[chunk]) / 100)
            var lines = 0
            try data.withUnsafeBufferPointer { (bytes) throws(InputError) in
                var start = starts[chunk]
                let end = starts[chunk + 1]
                while start < end {
                    let newline = memchr(bytes.baseAddress! + start, 0x0A, end - start)
                    let length = newline.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - (bytes.baseAddress! + start) } ?? (end - start)
                    lines += 1
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<(start + length)])
                    _ = try Store.decodeLine(line, number: lines, today: today) { event, flat in
                        output.add(event, flat: flat, line: lines, offset: start)
                    }
                    start += length + 1
                }
            }
            return (output, lines)
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
