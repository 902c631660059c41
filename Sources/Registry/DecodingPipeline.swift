import Foundation

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

    /// For the lines of `bytes` bytes.
    init(bytes: Int) { events.reserveCapacity(bytes / 64) }

    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int) { events.append((line, event)) }

    mutating func numberLines(from first: Int) {
        for i in events.indices { events[i].line += first - 1 }
    }
}

/// Decoded events counted and let go (`Store.check`).
struct DecodedCount: DecodedChunk {
    private(set) var count = 0
    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int) { count += 1 }
    mutating func numberLines(from first: Int) {}
}

/// JSON Lines decoded (and made into a `Chunk`, e.g. prepared for the log) in chunks, on
/// background threads, in the order the consuming thread will ask for them. Each chunk is
/// handed out once and then forgotten, and the decoders stay at most `lookAhead` chunks ahead
/// of the consumer; the input's bytes of a decoded chunk are released (`ImportInput.release`).
/// So an import's memory is bounded by its chunks, not by its input.
///
/// One core is left to the consuming thread (the appending one), which decodes chunks itself
/// while the one it needs is not ready: every core stays busy and none is shared by two busy
/// threads.
final class DecodingPipeline<Chunk: DecodedChunk>: @unchecked Sendable {
    /// About 4000 lines of a typical import: the decoding threads find the lines themselves.
    static var chunkBytes: Int { 1 << 19 }
    private let input: ImportInput
    /// Where each chunk starts: after a newline, or at 0; the last entry is the end.
    private let starts: [Int]
    private let today: Day
    /// Makes an empty chunk for the lines of this many bytes.
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
    /// The first chunk not handed out yet.
    private var nextToTake = 0
    /// How many chunks the decoders may be ahead of the consumer: enough to keep every
    /// decoding thread busy while the consumer appends.
    private let lookAhead: Int
    /// The number of the first line of the next chunk to hand out.
    private var nextLine = 1
    private var cancelled = false
    /// The most chunks ever decoded or being decoded ahead of the consumer (for tests).
    private(set) var mostAhead = 0

    /// How many lines `data` has (a last line without a newline counts): what sizes the map
    /// ahead of an import and chooses bulk mode.
    let lineCount: Int
    var chunkCount: Int { slots.count }
    /// Whether a chunk was handed out.
    private(set) var started = false

    init(_ input: ImportInput, today: Day, makeChunk: @escaping @Sendable (Int) -> Chunk) {
        self.input = input
        self.today = today
        self.makeChunk = makeChunk
        (lineCount, starts) = Self.scan(input)
        slots = Array(repeating: .pending, count: starts[0] == input.count ? 0 : starts.count - 1)
        let workers = min(slots.count, max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        lookAhead = 2 * workers + 2
        for _ in 0..<workers {
            DispatchQueue.global().async {
                while let chunk = self.claim() { self.decode(chunk) }
            }
        }
    }

    /// Counts the lines with `memchr`, which looks at many bytes at a time (a few milliseconds
    /// for 100 MB), and finds where chunks start: after the first newline at least
    /// `chunkBytes` past the last start. Releases what it has read as it goes, so a large
    /// file is not left in memory by this pass.
    private static func scan(_ input: ImportInput) -> (lines: Int, starts: [Int]) {
        input.withBytes { bytes in
            // A byte order mark, as some editors write, is not part of the first line.
            var starts = [bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0]
            guard let base = bytes.baseAddress else { return (0, starts + [0]) }
            var lines = bytes.last == 0x0A ? 0 : 1
            var nextStart = starts[0] + chunkBytes
            var blockStart = 0
            while blockStart < bytes.count {
                let blockEnd = min(bytes.count, blockStart + (64 << 20))
                var at = base + blockStart
                let end = base + blockEnd
                while let newline = memchr(at, 0x0A, end - at) {
                    lines += 1
                    at = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
                    let offset = at - base
                    if offset >= nextStart, offset < bytes.count {
                        starts.append(offset)
                        nextStart = offset + chunkBytes
                    }
                }
                input.release(blockStart..<blockEnd)
                blockStart = blockEnd
            }
            starts.append(bytes.count)
            return (lines, starts)
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
                nextToTake = index + 1
                condition.broadcast() // a decoder may wait for room ahead
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
            if nextChunk < slots.count, nextChunk <= index + lookAhead {
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

    /// Takes the next chunk to decode, if any is left, once it is few enough chunks ahead of
    /// the consumer.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, nextChunk < slots.count, nextChunk >= nextToTake + lookAhead { condition.wait() }
        guard !cancelled, nextChunk < slots.count else { return nil }
        defer { nextChunk += 1; mostAhead = max(mostAhead, nextChunk - nextToTake) }
        return nextChunk
    }

    /// Stops decoding chunks not yet started.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func decode(_ chunk: Int) {
        let result = Decoded { () throws(InputError) in
            var output = makeChunk(starts[chunk + 1] - starts[chunk])
            var lines = 0
            try input.withBytes { (bytes) throws(InputError) in
                var start = starts[chunk]
                let end = starts[chunk + 1]
                while start < end {
                    let newline = memchr(bytes.baseAddress! + start, 0x0A, end - start)
                    let length = newline.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - (bytes.baseAddress! + start) } ?? (end - start)
                    lines += 1
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<(start + length)])
                    try Store.decodeLine(line, number: lines, today: today) { event, flat in
                        output.add(event, flat: flat, line: lines, offset: start)
                    }
                    start += length + 1
                }
            }
            return (output, lines)
        }
        // What was decoded holds copies of what it needs of these bytes.
        input.release(starts[chunk]..<starts[chunk + 1])
        condition.lock()
        slots[chunk] = .decoded(result)
        condition.broadcast()
        condition.unlock()
    }
}
