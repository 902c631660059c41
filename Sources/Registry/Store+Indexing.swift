import EventLog

/// What the domain writes into the log's secondary indexes for each event. The writer and
/// `verify` both call `indexEntries`, so the indexes are a pure function of the log.
///
/// Compact record values per type: visit a=pupils b=teachers; training a=participants
/// b=quarter days; public a=children b=adults; conference a=participants; lecture a=attendees;
/// mc.case a=service b=gender+1; mc.outcome a=outcome; grant a=amount b=area
/// c=decision | (funding+1) << 8; membership a=from b=to (or `openEnd`) c=unit | role << 8;
/// mc.activity a=participants b=kind; plan.target and plan.assessment none (see `Claim`).
extension Store {
    static let openEnd = UInt32.max
    static let retractionKind: UInt8 = 1
    static let correctionKind: UInt8 = 2

    func indexEntries(for event: Event, at position: Position, in txn: ReadTransaction) throws -> [IndexEntry] {
        var entries: [IndexEntry] = []
        switch event.fact {
        case .retraction(let retraction):
            let target = try targetInfo(retraction.target, in: txn)
            entries.append(targetEntry(target, by: position, kind: Self.retractionKind))
        case .correction(let correction):
            let target = try targetInfo(correction.target, in: txn)
            entries.append(targetEntry(target, by: position, kind: Self.correctionKind))
            let replacement = correction.replacement
            let record = try record(
                for: replacement, position: position, original: target.position, originalDay: target.occurred,
                flags: CompactRecord.replacementFlag, in: txn, entries: &entries)
            entries.append(IndexEntry(day, key: replacement.occurred.key, value: record.bytes))
            if case .membership = replacement.fact {
                entries.append(IndexEntry(memberships, key: position.bigEndianBytes, value: record.bytes))
            }
            if let key = Claim.key(of: replacement.fact) {
                entries.append(IndexEntry(claims, key: key, value: Claim(by: position, original: target.position, day: target.occurred).bytes))
            }
        default:
            // The same record the decoding threads make ahead for an import, when they can.
            if let record = Self.standaloneRecord(for: event) {
                return [IndexEntry(day, key: event.occurred.key, value: record.placed(at: position).bytes)]
            }
            let record = try record(
                for: event, position: position, original: position, originalDay: event.occurred,
                flags: 0, in: txn, entries: &entries)
            entries.append(IndexEntry(day, key: event.occurred.key, value: record.bytes))
            if case .membership = event.fact {
                entries.append(IndexEntry(memberships, key: position.bigEndianBytes, value: record.bytes))
            }
            if case .mcCase(let c) = event.fact {
                // A case id is at most 40 ASCII characters (every rule that ever let one in).
                let key = Array(c.caseID.utf8)
                let first = try txn.value(forKey: key, in: cases)
                if first == nil || first == position.bigEndianBytes {
                    entries.append(IndexEntry(cases, key: key, value: position.bigEndianBytes))
                }
            }
            if let key = Claim.key(of: event.fact) {
                entries.append(IndexEntry(claims, key: key, value: Claim(by: position, original: position, day: event.occurred).bytes))
            }
        }
        return entries
    }

    /// Whether an event's canonical JSON may be of a type that claims an id (see `Claim`), or
    /// a correction to one: it holds `"type":"` and such a type's name. Every quote inside a
    /// string is escaped, so the pattern only matches a `type` member. Lets the build of the
    /// claims of an older store skip decoding the other events.
    static func mayClaim(_ bytes: [UInt8]) -> Bool {
        let marker = Array(#""type":""#.utf8)
        var i = 0
        while i + marker.count <= bytes.count {
            guard bytes[i] == marker[0], bytes[i..<(i + marker.count)].elementsEqual(marker) else {
                i += 1
                continue
            }
            i += marker.count
            let rest = bytes[i...]
            if Claim.types.contains(where: { rest.starts(with: $0) }) { return true }
        }
        return false
    }

    struct TargetInfo {
        let position: Position
        let occurred: Day
        let event: Event
    }

    func targetInfo(_ id: EventID, in txn: ReadTransaction) throws -> TargetInfo {
        guard let position = try txn.position(of: id), let stored = try txn.event(at: position) else {
            throw InputError(field: "target", "no event with id \(id) in the log")
        }
        let event = try RecordedEvent(stored).event
        return TargetInfo(position: position, occurred: event.occurred, event: event)
    }

    func targetKey(day: Day, position: Position) -> [UInt8] { day.key + position.bigEndianBytes }

    private func targetEntry(_ target: TargetInfo, by position: Position, kind: UInt8) -> IndexEntry {
        IndexEntry(targets, key: targetKey(day: target.occurred, position: target.position), value: position.bigEndianBytes + [kind])
    }

    private func record(
        for event: Event, position: Position, original: Position, originalDay: Day, flags: UInt8,
        in txn: ReadTransaction, entries: inout [IndexEntry]
    ) throws -> CompactRecord {
        let origin: UInt64
        switch event.fact.recordOrigin {
        case .unknown: origin = OriginCode.unknown
        case .municipality(let m): origin = OriginCode.municipality(m)
        case .organisation(let name): origin = try organisationCode(name, at: position, in: txn, entries: &entries)
        }
        return Self.record(for: event, position: position, original: original, originalDay: originalDay, flags: flags, origin: origin)
    }

    /// The record of an event whose only index entry is the record under its day, when the
    /// record needs nothing from the log (no organisation to look up): made ahead, on a
    /// decoding thread, with position 0 for the append to fill in (`placed(at:)`). Nil for any
    /// other event. `indexEntries` takes this path too, so the two cannot disagree.
    static func standaloneRecord(for event: Event) -> CompactRecord? {
        switch event.fact {
        // An outcome and a grant decision claim an id too (see `Claim`).
        case .retraction, .correction, .membership, .mcCase, .outcome, .grant, .target, .assessment: return nil
        default: break
        }
        let origin: UInt64
        switch event.fact.recordOrigin {
        case .unknown: origin = OriginCode.unknown
        case .municipality(let m): origin = OriginCode.municipality(m)
        case .organisation: return nil
        }
        return record(for: event, position: 0, original: 0, originalDay: event.occurred, flags: 0, origin: origin)
    }

    private static func record(
        for event: Event, position: Position, original: Position, originalDay: Day, flags: UInt8, origin: UInt64
    ) -> CompactRecord {
        var record = CompactRecord(position: position, original: original, origin: origin, originalDay: originalDay, type: event.type, flags: flags)
        switch event.fact {
        case .visit(let v):
            record.a = UInt32(v.pupils); record.b = UInt32(v.teachers)
        case .training(let t):
            record.a = UInt32(t.participants); record.b = UInt32(t.days.quarters)
        case .publicVisit(let p):
            record.a = UInt32(p.children); record.b = UInt32(p.adults)
        case .conference(let c):
            record.a = UInt32(c.participants)
        case .lecture(let l):
            record.a = UInt32(l.attendees)
        case .mcCase(let c):
            record.a = UInt32(Service.allCases.firstIndex(of: c.service)!)
            record.b = c.gender.map { UInt32(Gender.allCases.firstIndex(of: $0)! + 1) } ?? 0
        case .outcome(let o):
            record.a = UInt32(Outcome.allCases.firstIndex(of: o.outcome)!)
        case .grant(let g):
            record.a = UInt32(g.amountSEK)
            record.b = UInt32(Area.allCases.firstIndex(of: g.area)!)
            let funding = g.funding.map { UInt32(Funding.allCases.firstIndex(of: $0)! + 1) } ?? 0
            record.c = UInt32(Decision.allCases.firstIndex(of: g.decision)!) | funding << 8
        case .membership(let m):
            record.a = UInt32(bitPattern: m.from.ordinal)
            record.b = m.to.map { UInt32(bitPattern: $0.ordinal) } ?? Self.openEnd
            record.c = UInt32(Unit.allCases.firstIndex(of: m.unit)!) | UInt32(Role.allCases.firstIndex(of: m.role)!) << 8
        case .activity(let a):
            record.a = UInt32(a.participants)
            record.b = UInt32(ActivityKind.allCases.firstIndex(of: a.kind)!)
        case .target, .assessment:
            // Found through their claims; the record only lets them count as events.
            break
        case .retraction, .correction:
            preconditionFailure("retractions and corrections have no record of their own")
        }
        return record
    }

    /// The longest name an organisation's key holds as it is: "n" and the name then fit in
    /// LMDB's 511-byte key. Every store has only such keys: a longer one failed the write.
    static let longestNameKey = 510

    /// An organisation's key in `organisations`: "n" and its name, or for a longer name "h"
    /// and the name's SHA-256, so that no key outgrows LMDB's limit.
    static func organisationKey(_ name: String) -> [UInt8] {
        let utf8 = name.utf8
        if utf8.count <= longestNameKey { return [UInt8(ascii: "n")] + Array(utf8) }
        return [UInt8(ascii: "h")] + sha256(utf8)
    }

    /// An organisation is known by the position of the event that first named it.
    private func organisationCode(_ name: String, at position: Position, in txn: ReadTransaction, entries: inout [IndexEntry]) throws -> UInt64 {
        let key = Self.organisationKey(name)
        if let stored = try txn.value(forKey: key, in: organisations) {
            let first = stored.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).bigEndian }
            if first != position { return OriginCode.organisationBit | first }
        }
        if !entries.contains(where: { $0.index.spec.name == organisations.spec.name && $0.key == key }) {
            entries.append(IndexEntry(organisations, key: key, value: position.bigEndianBytes))
            entries.append(IndexEntry(organisations, key: [UInt8(ascii: "i")] + position.bigEndianBytes, value: Array(name.utf8)))
        }
        return OriginCode.organisationBit | position
    }

    /// The organisation's name for an origin code.
    func organisationName(_ code: UInt64, in txn: ReadTransaction) throws -> String {
        let position = code & ~OriginCode.organisationBit
        guard let bytes = try txn.value(forKey: [UInt8(ascii: "i")] + position.bigEndianBytes, in: organisations) else {
            return "?"
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Fact {
    /// What a compact record keeps as the origin: an activity's origin, or the municipality of
    /// a case, outcome, grant or membership.
    var recordOrigin: Origin {
        switch self {
        case .visit(let v): v.origin
        case .training(let t): t.origin
        case .publicVisit(let p): p.origin
        case .conference(let c): c.origin
        case .lecture(let l): l.origin
        case .mcCase(let c): .municipality(c.municipality)
        case .outcome(let o): .municipality(o.municipality)
        case .grant(let g): g.municipality.map(Origin.municipality) ?? .unknown
        case .membership(let m): .municipality(m.municipality)
        case .activity(let a): a.municipality.map(Origin.municipality) ?? .unknown
        case .retraction, .correction, .target, .assessment: .unknown
        }
    }
}

/// An id that must be unique among live events (SPEC §2): a case id among live cases, an
/// outcome's case id among live outcomes, a grant id among live decisions. The `claims` index
/// holds, under a digest of the id (so no key grows with the text), one value per event that
/// claimed it: the claiming event (an original or a correction), the original, and the
/// original's day (where the targets index keeps what became of it). A claim is live while its
/// original is not retracted and it is the original's newest version (SPEC §3). A plan target
/// claims its key the same way; an assessment is listed under its target's key ("a"), which
/// it shares with the other assessments of that target (no uniqueness).
struct Claim: Equatable {
    static let size = 20
    /// The canonical names of the types that claim, each with its closing quote.
    static let types = ["mc.case\"", "mc.outcome\"", "grant.decision\"", "plan.target\"", "plan.assessment\""].map { Array($0.utf8) }

    /// The event that made the claim: the original or a correction of it.
    let by: Position
    let original: Position
    let day: Day

    init(by: Position, original: Position, day: Day) {
        self.by = by
        self.original = original
        self.day = day
    }

    init(_ values: UnsafeRawBufferPointer, at offset: Int) {
        by = values.loadBigEndianUInt64(at: offset)
        original = values.loadBigEndianUInt64(at: offset + 8)
        day = Day(ordinal: Int32(bitPattern: UInt32(bigEndian: values.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self))))
    }

    var bytes: [UInt8] {
        var bytes = by.bigEndianBytes + original.bigEndianBytes
        bytes.appendBigEndian(UInt32(bitPattern: day.ordinal))
        return bytes
    }

    /// The key of the id an event of this kind claims; nil for a kind that claims none.
    static func key(of fact: Fact) -> [UInt8]? {
        switch fact {
        case .mcCase(let c): key(.case, c.caseID)
        case .outcome(let o): key(.outcome, o.caseID)
        case .grant(let g): key(.grant, g.grant)
        case .target(let t): key(.target, t.key)
        case .assessment(let a): key(.assessment, a.target)
        default: nil
        }
    }

    enum Kind: UInt8 {
        case `case` = 0x63, outcome = 0x6F, grant = 0x67 // "c", "o", "g"
        case target = 0x74, assessment = 0x61 // "t", "a"
    }

    static func key(_ kind: Kind, _ id: String) -> [UInt8] { [kind.rawValue] + sha256(id.utf8) }
}
