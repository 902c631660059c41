/// A position in the log: 1, 2, 3 … in append order.
public typealias Position = UInt64

/// Milliseconds since 1970-01-01T00:00:00Z: the log's recorded time.
public typealias Milliseconds = Int64

/// An event as the log keeps it: its position, recorded time, chain hash, id and the bytes
/// the caller rendered (the log never interprets them).
public struct StoredEvent: Sendable {
    public let position: Position
    public let recorded: Milliseconds
    public let hash: ChainHash
    public let id: EventID
    public let bytes: [UInt8]

    /// Layout of a stored value: recorded (8, big-endian) | hash (32) | id (16) | bytes.
    static let headerSize = 56

    init(position: Position, recorded: Milliseconds, hash: ChainHash, id: EventID, bytes: [UInt8]) {
        self.position = position
        self.recorded = recorded
        self.hash = hash
        self.id = id
        self.bytes = bytes
    }

    /// Reads a stored value; one too short to hold the header is a damaged store.
    init(position: Position, stored: UnsafeRawBufferPointer) throws {
        guard stored.count >= Self.headerSize else {
            throw LogError.corrupted("store damaged at position \(position): the event has \(stored.count) bytes, fewer than its header's \(Self.headerSize)")
        }
        self.position = position
        self.recorded = stored.loadBigEndian(Int64.self, at: 0)
        // Up to the last millisecond of 9999: what RFC 3339 can write.
        guard (0...253_402_300_799_999).contains(recorded) else {
            throw LogError.corrupted("store damaged at position \(position): its recorded time \(recorded) is no time RFC 3339 can write")
        }
        self.hash = ChainHash(UnsafeRawBufferPointer(rebasing: stored[8..<40]))
        self.id = EventID(bytes: UnsafeRawBufferPointer(rebasing: stored[40..<56]))
        self.bytes = Array(stored[56...])
    }

    /// Writes the header of a stored value into its first `headerSize` bytes.
    static func writeHeader(recorded: Milliseconds, hash: ChainHash, id: EventID, to value: UnsafeMutableRawBufferPointer) {
        value.storeBytes(of: UInt64(bitPattern: recorded).bigEndian, toByteOffset: 0, as: UInt64.self)
        hash.write(to: UnsafeMutableRawBufferPointer(rebasing: value[8..<40]))
        value.storeBytes(of: id.high.bigEndian, toByteOffset: 40, as: UInt64.self)
        value.storeBytes(of: id.low.bigEndian, toByteOffset: 48, as: UInt64.self)
    }

    /// The hash as lowercase hex.
    public var hashHex: String { hash.description }
}

/// The newest event's position, hash and recorded time (position 0 for an empty log).
public struct Head: Equatable, Sendable {
    public let position: Position
    public let hash: ChainHash
    public let recorded: Milliseconds

    public static let empty = Head(position: 0, hash: ChainHash(), recorded: 0)

    init(position: Position, hash: ChainHash, recorded: Milliseconds) {
        self.position = position
        self.hash = hash
        self.recorded = recorded
    }

    /// The hash as lowercase hex.
    public var hashHex: String { hash.description }
}

/// A SHA-256 of the hash chain (§6), held inline: appending an event allocates nothing for it.
public struct ChainHash: Equatable, Sendable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// All zeros: the hash before the first event.
    public init() {}

    /// The 32 bytes of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a SHA-256 has 32 bytes")
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    func write(to destination: UnsafeMutableRawBufferPointer) {
        withUnsafeBytes { destination.copyMemory(from: $0) }
    }

    /// Lowercase hex.
    public var description: String { withUnsafeBytes { hex($0) } }

    public static func == (a: ChainHash, b: ChainHash) -> Bool { a.words == b.words }
}

/// Lowercase hex of some bytes.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
