import EventLog

/// A fixed-size summary of one effective-event candidate, kept beside the day index so that
/// reports never parse JSON: everything a projection needs, in 44 bytes.
///
/// Layout: position (8, big-endian, so a day's records sort by position) | original position (8)
/// | origin (8) | original day (4) | type (1) | flags (1) | unused (2) | a | b | c (4 each).
public struct CompactRecord: Sendable, Equatable {
    static let size = 44
    static let replacementFlag: UInt8 = 1

    /// The position of the event this record came from (an original or a correction).
    public var position: Position
    /// The original event's position (equal to `position` unless this is a replacement).
    public var original: Position
    /// See `OriginCode`.
    public var origin: UInt64
    /// The original event's occurred day: the key of its supersessions in the targets index.
    public var originalDay: Int32
    public var type: EventType
    public var flags: UInt8
    /// Type-specific values (counts, codes), see `Store+Indexing.swift`.
    public var a: UInt32
    public var b: UInt32
    public var c: UInt32

    public var isReplacement: Bool { flags & Self.replacementFlag != 0 }

    /// This record of an original event, at `position` (made ahead with position 0).
    func placed(at position: Position) -> CompactRecord {
        var record = self
        record.position = position
        record.original = position
        return record
    }

    var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.size) { raw, count in
            write(to: UnsafeMutableRawBufferPointer(raw))
            count = Self.size
        }
    }

    /// Calls `body` with the record's bytes, written on the stack.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return try Swift.withUnsafeMutableBytes(of: &words) { out in
            write(to: out)
            return try body(UnsafeRawBufferPointer(rebasing: out[..<Self.size]))
        }
    }

    private func write(to out: UnsafeMutableRawBufferPointer) {
        out.storeBytes(of: position.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: original.bigEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: origin.bigEndian, toByteOffset: 16, as: UInt64.self)
        out.storeBytes(of: UInt32(bitPattern: originalDay).bigEndian, toByteOffset: 24, as: UInt32.self)
        out.storeBytes(of: (UInt32(type.code) << 24 | UInt32(flags) << 16).bigEndian, toByteOffset: 28, as: UInt32.self)
        out.storeBytes(of: a.bigEndian, toByteOffset: 32, as: UInt32.self)
        out.storeBytes(of: b.bigEndian, toByteOffset: 36, as: UInt32.self)
        out.storeBytes(of: c.bigEndian, toByteOffset: 40, as: UInt32.self)
    }

    @inline(__always)
    init(_ raw: UnsafeRawBufferPointer, at offset: Int = 0) {
        @inline(__always) func u64(_ o: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + o, as: UInt64.self)) }
        @inline(__always) func u32(_ o: Int) -> UInt32 { UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset + o, as: UInt32.self)) }
        position = u64(0)
        original = u64(8)
        origin = u64(16)
        originalDay = Int32(bitPattern: u32(24))
        type = EventType(code: raw[offset + 28]) ?? .retraction
        flags = raw[offset + 29]
        a = u32(32)
        b = u32(36)
        c = u32(40)
    }

    /// Reads a stored record, refusing one that no event could have made: its numbers index
    /// tables (outcomes, areas, SCB codes) and are added up, so a flipped bit must stop here.
    init(validating raw: UnsafeRawBufferPointer, at offset: Int = 0) throws {
        guard offset + Self.size <= raw.count else {
            throw LogError.corrupted("store damaged: an index record has \(raw.count - offset) bytes, not \(Self.size)")
        }
        self.init(raw, at: offset)
        // An unknown type code reads as a retraction, which has no record: refused below too.
        guard isPlausible(type) else {
            throw LogError.corrupted("store damaged at position \(position): its index record holds values no event could have")
        }
    }

    @inline(__always)
    private func isPlausible(_ type: EventType) -> Bool {
        let isMunicipality = origin < 10_000
        let maxCount = RecordBounds.maxCount
        switch type {
        case .navetVisit, .navetTraining, .navetPublic, .navetConference, .navetLecture:
            return (isMunicipality || OriginCode.isOrganisation(origin)) && a <= maxCount && b <= maxCount && c <= maxCount
        case .mcCase:
            return isMunicipality && a < RecordBounds.services && b <= RecordBounds.genders
        case .mcOutcome:
            return isMunicipality && a < RecordBounds.outcomes
        case .grantDecision:
            return isMunicipality && a <= RecordBounds.maxAmount && b < RecordBounds.areas
                && c & 0xFF < RecordBounds.decisions && c >> 8 <= RecordBounds.fundings
        case .membership:
            return isMunicipality && Municipality.byCode(scbCode(origin)) != nil
                && c & 0xFF < RecordBounds.units && c >> 8 < RecordBounds.roles
        case .mcActivity:
            return isMunicipality && a <= maxCount && b < RecordBounds.activityKinds
        case .planTarget, .planAssessment:
            return origin == OriginCode.unknown && a == 0 && b == 0 && c == 0
        case .retraction, .correction:
            return false
        }
    }

    init(position: Position, original: Position, origin: UInt64, originalDay: Day, type: EventType, flags: UInt8 = 0, a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0) {
        self.position = position
        self.original = original
        self.origin = origin
        self.originalDay = originalDay.ordinal
        self.type = type
        self.flags = flags
        self.a = a
        self.b = b
        self.c = c
    }

    /// Reads only the position of the record at `offset` (the first 8 bytes).
    @inline(__always)
    static func position(in raw: UnsafeRawBufferPointer, at offset: Int) -> Position {
        UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// How a compact record encodes an origin: 0 unknown, an SCB code as its number, an
/// organisation as a flag bit plus the position of the event that first named it.
enum OriginCode {
    static let organisationBit: UInt64 = 1 << 63
    static let unknown: UInt64 = 0

    /// The code's four digits as a number (read digit by digit: parsing a String is slower).
    static func municipality(_ m: Municipality) -> UInt64 { m.code.utf8.reduce(0) { $0 * 10 + UInt64($1 &- 48) } }
    static func isOrganisation(_ code: UInt64) -> Bool { code & organisationBit != 0 }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension Position {
    var bigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(self)
        return out
    }
}

/// The bounds a stored record's values keep, worked out once (`allCases` makes a new array on
/// every call, and a report checks every record it reads).
private enum RecordBounds {
    static let maxCount = UInt32(Limits.maxCount)
    static let maxAmount = UInt32(Limits.maxAmountSEK)
    static let services = UInt32(Service.allCases.count)
    static let genders = UInt32(Gender.allCases.count)
    static let outcomes = UInt32(Outcome.allCases.count)
    static let areas = UInt32(Area.allCases.count)
    static let decisions = UInt32(Decision.allCases.count)
    static let fundings = UInt32(Funding.allCases.count)
    static let units = UInt32(Unit.allCases.count)
    static let roles = UInt32(Role.allCases.count)
    static let activityKinds = UInt32(ActivityKind.allCases.count)
}
