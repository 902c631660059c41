import EventLog

/// The effective events of §3 over the compact records: at a log position P, an original
/// counts unless a retraction at ≤ P targets it, and then as the replacement of its newest
/// correction at ≤ P, or as itself.
struct EffectiveEvents {
    let store: Store
    let txn: ReadTransaction
    let asOf: Position

    /// What has happened to one original event by P.
    struct Fate {
        /// The position of the retraction that undid it (0: none).
        var retraction: Position = 0
        var latestCorrection: Position = 0
        var retracted: Bool { retraction > 0 }
    }

    /// Calls `body` with every effective record whose (effective) occurred day is in `first...last`.
    func forEach(from first: Day, through last: Day, _ body: (CompactRecord) throws -> Void) throws {
        guard first <= last else { return }
        // Fates of originals that occurred in the period; a replacement whose original lies
        // outside it is looked up on its own (rare).
        let fates = try self.fates(from: first, through: last)
        let asOf = self.asOf
        let size = CompactRecord.size
        try txn.scanBlocks(store.day, from: first.key, through: last.key) { _, values in
            var offset = 0
            while offset < values.count {
                defer { offset += size }
                // Records of a day sort by position: nothing later in this block is visible.
                let position = CompactRecord.position(in: values, at: offset)
                if position > asOf { break }
                let record = try CompactRecord(validating: values, at: offset)
                if record.isReplacement {
                    let fate = try fates[record.original] ?? fate(ofOriginal: record.original, day: record.originalDay)
                    guard !fate.retracted, fate.latestCorrection == position else { continue }
                } else if !fates.isEmpty, fates[position] != nil {
                    continue
                }
                try body(record)
            }
        }
    }

    /// Effective membership records (they count by their from…to interval, not by date).
    func memberships() throws -> [Membership] {
        var result: [Membership] = []
        try txn.scan(store.memberships, from: []) { _, value in
            let record = try CompactRecord(validating: value)
            guard record.position <= asOf else { return false }
            let fate = try fate(ofOriginal: record.original, day: record.originalDay)
            let effective = record.isReplacement
                ? !fate.retracted && fate.latestCorrection == record.position
                : !fate.retracted && fate.latestCorrection == 0
            if effective { result.append(try Membership(record: record)) }
            return true
        }
        return result
    }

    private func fates(from first: Day, through last: Day) throws -> [Position: Fate] {
        var fates: [Position: Fate] = [:]
        try txn.scanBlocks(store.targets, from: first.key, through: last.key + [UInt8](repeating: 0xFF, count: 8)) { key, values in
            guard key.count == 12 else { throw LogError.corrupted("store damaged: a targets key has \(key.count) bytes") }
            let original = key.loadBigEndianUInt64(at: 4)
            for offset in stride(from: 0, to: values.count, by: 9) {
                let by = values.loadBigEndianUInt64(at: offset)
                guard by <= asOf else { continue }
                if values[offset + 8] == Store.retractionKind {
                    fates[original, default: Fate()].retraction = by
                } else {
                    fates[original, default: Fate()].latestCorrection = max(fates[original]?.latestCorrection ?? 0, by)
                }
            }
        }
        return fates
    }

    func fate(ofOriginal original: Position, day: Int32) throws -> Fate {
        var fate = Fate()
        let key = store.targetKey(day: Day(ordinal: day), position: original)
        try txn.scanBlocks(store.targets, from: key, through: key) { _, values in
            for offset in stride(from: 0, to: values.count, by: 9) {
                let by = values.loadBigEndianUInt64(at: offset)
                guard by <= asOf else { continue }
                if values[offset + 8] == Store.retractionKind { fate.retraction = by } else { fate.latestCorrection = max(fate.latestCorrection, by) }
            }
        }
        return fate
    }
}

extension Membership {
    /// The membership a record validated by `CompactRecord(validating:)` holds.
    init(record: CompactRecord) throws {
        guard let municipality = Municipality.byCode(scbCode(record.origin)), record.c & 0xFF < Unit.allCases.count,
              record.c >> 8 & 0xFF < Role.allCases.count else {
            throw LogError.corrupted("store damaged at position \(record.position): a membership record names no municipality")
        }
        self.init(
            unit: Unit.allCases[Int(record.c & 0xFF)],
            municipality: municipality,
            role: Role.allCases[Int(record.c >> 8 & 0xFF)],
            from: Day(ordinal: Int32(bitPattern: record.a)),
            to: record.b == Store.openEnd ? nil : Day(ordinal: Int32(bitPattern: record.b)))
    }
}

/// An SCB code from its number, zero-padded to four digits.
func scbCode(_ number: UInt64) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadBigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

extension Store {
    /// The effective memberships as of `asOf` (the head by default).
    public func memberships(asOf: Position? = nil) throws -> [Membership] {
        try log.read { txn in
            let position = try asOf ?? txn.head().position
            return try EffectiveEvents(store: self, txn: txn, asOf: position).memberships()
        }
    }
}
