#if canImport(Glibc)
import Glibc
#endif

/// A 16-byte event identifier (a UUID), the key of the log's id index.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the canonical 8-4-4-4-12 hex form, in either case.
    public init?(_ text: some StringProtocol) {
        var text = String(text) // one concrete type: no generic code per character
        guard let id = text.withUTF8({ EventID(utf8: $0) }) else { return nil }
        self = id
    }

    /// Parses the text form from its UTF-8 bytes.
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, nibbles = 0
        for (offset, byte) in text.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            // 36 characters with 4 dashes in place: exactly 32 hex digits.
            if nibbles < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            nibbles += 1
        }
        self.init(high: high, low: low)
    }

    /// A random version-4 UUID.
    public static func random() -> EventID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A version-7 UUID: 48 bits of Unix milliseconds, then 74 random bits. Ids made in time
    /// order land at the end of the id index instead of at random places in it, which keeps a
    /// large import's B-tree writes sequential.
    public static func timeOrdered(milliseconds: Int64, using generator: inout some RandomNumberGenerator) -> EventID {
        let random = generator.next(), more = generator.next()
        let high = UInt64(UInt64(bitPattern: milliseconds) & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random & 0x0FFF)
        let low = (more & ~(0xC000 << 48)) | (0x8000 << 48)
        return EventID(high: high, low: low)
    }

    /// Version-7 UUIDs for one batch, increasing with their offset in it: the random 74 bits
    /// of the first are a counter for the rest (RFC 9562 §6.2, method 2). A batch's ids then
    /// append to the id index in order.
    public struct TimeOrderedSequence: Sendable {
        private let milliseconds: UInt64
        private let randomA: UInt64, randomB: UInt64

        public init(milliseconds: Int64, using generator: inout some RandomNumberGenerator) {
            self.milliseconds = UInt64(bitPattern: milliseconds) & 0xFFFF_FFFF_FFFF
            // The top bit of the 74 stays clear so that adding any offset cannot overflow.
            randomA = generator.next() & 0x07FF
            randomB = generator.next() & (1 << 62 - 1)
        }

        /// The id at `offset` (0, 1, 2 … within the batch).
        public func id(_ offset: Int) -> EventID {
            var b = randomB &+ UInt64(offset), a = randomA
            if b >= 1 << 62 { b -= 1 << 62; a += 1 }
            return EventID(high: milliseconds << 16 | 0x7000 | a, low: b | 0x8000 << 48)
        }
    }

    /// A version-4 UUID drawn from `generator` (deterministic for a seeded generator).
    public static func random(using generator: inout some RandomNumberGenerator) -> EventID {
        let high = (generator.next() & ~0xF000) | 0x4000
        let low = (generator.next() & ~(0xC000 << 48)) | (0x8000 << 48)
        return EventID(high: high, low: low)
    }

    /// The 16 big-endian bytes, the key in the id index.
    public var bytes: [UInt8] { withKey { Array($0) } }

    /// Calls `body` with the 16 big-endian bytes, without an allocation.
    func withKey<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var key = (high.bigEndian, low.bigEndian)
        return try withUnsafeBytes(of: &key, body)
    }

    init(bytes: UnsafeRawBufferPointer) {
        self.init(high: bytes.loadBigEndian(UInt64.self, at: 0), low: bytes.loadBigEndian(UInt64.self, at: 8))
    }

    /// Lowercase 8-4-4-4-12 form.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            writeText(to: UnsafeMutableRawBufferPointer(buffer))
            return 36
        }
    }

    /// Appends the 36 bytes of `description` to `out` without making a String.
    public func appendText(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: 36, alignment: 1) { text in
            writeText(to: text)
            out.append(contentsOf: text)
        }
    }

    /// The 36 characters of the text form into `buffer`: two hex digits a byte, a dash before
    /// bytes 4, 6, 8 and 10.
    public func writeText(to buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 36)
        let out = buffer.baseAddress!
        var at = 0
        func hex(_ nibble: UInt64) -> UInt8 {
            let digit = UInt8(truncatingIfNeeded: nibble & 0xF)
            return digit < 10 ? digit + 48 : digit + 87
        }
        func write(_ word: UInt64, dashBefore first: Int, and second: Int) {
            for byte in 0..<8 {
                if byte == first || byte == second { out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: at, as: UInt8.self); at += 1 }
                let value = word >> UInt64(56 - 8 * byte)
                out.storeBytes(of: hex(value >> 4), toByteOffset: at, as: UInt8.self)
                out.storeBytes(of: hex(value), toByteOffset: at + 1, as: UInt8.self)
                at += 2
            }
        }
        write(high, dashBefore: 4, and: 6)
        write(low, dashBefore: 0, and: 2)
    }

    public static func < (a: EventID, b: EventID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadBigEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

/// A cryptographically secure generator that asks the kernel for 256 bytes at a time instead
/// of making one system call per number (ids for a large import).
public struct SecureRandom: RandomNumberGenerator {
    private var buffer = [UInt64](repeating: 0, count: 32)
    private var used = 32

    public init() {}

    public mutating func next() -> UInt64 {
        if used == buffer.count {
            // getentropy gives at most 256 bytes a call: the whole buffer.
            let filled = buffer.withUnsafeMutableBytes { getentropy($0.baseAddress!, $0.count) == 0 }
            if !filled {
                var system = SystemRandomNumberGenerator()
                for i in buffer.indices { buffer[i] = system.next() }
            }
            used = 0
        }
        defer { used += 1 }
        return buffer[used]
    }
}
