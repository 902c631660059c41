import EventLog
import Foundation

extension Event {
    /// The canonical JSON of §6 for this event at `seq`, recorded at `recorded`: what the hash covers.
    public func canonical(seq: Position, recorded: Milliseconds) -> [UInt8] {
        CanonicalTemplate(self).render(seq: seq, recorded: recorded)
    }

    func canonicalObject() -> CanonicalObject {
        var object = CanonicalObject()
        write(to: &object)
        return object
    }

    /// Sets this event's fields in `object`.
    func write(to object: inout CanonicalObject) {
        object.set(.`type`, type.rawValue)
        if let id { object.set(.id, id) }
        object.set(.occurred, occurred.description)
        object.set(.by, by)
        object.set(.note, note)
        switch fact {
        case .visit(let v):
            v.origin.write(to: &object)
            object.set(.school, v.school)
            object.set(.theme, v.theme)
            object.set(.pupils, v.pupils)
            object.set(.teachers, v.teachers)
        case .training(let t):
            t.origin.write(to: &object)
            object.set(.programme, t.programme)
            object.set(.participants, t.participants)
            object.set(.days, t.days.description)
        case .publicVisit(let p):
            p.origin.write(to: &object)
            object.set(.children, p.children)
            object.set(.adults, p.adults)
        case .conference(let c):
            c.origin.write(to: &object)
            object.set(.name, c.name)
            object.set(.participants, c.participants)
        case .lecture(let l):
            l.origin.write(to: &object)
            object.set(.title, l.title)
            object.set(.attendees, l.attendees)
        case .mcCase(let c):
            object.set(.`case`, c.caseID)
            object.set(.municipality, c.municipality.code)
            object.set(.service, c.service.rawValue)
            object.set(.gender, c.gender?.rawValue)
        case .outcome(let o):
            object.set(.`case`, o.caseID)
            object.set(.municipality, o.municipality.code)
            object.set(.outcome, o.outcome.rawValue)
        case .grant(let g):
            object.set(.grant, g.grant)
            object.set(.project, g.project)
            object.set(.applicant, g.applicant)
            object.set(.area, g.area.rawValue)
            object.set(.municipality, g.municipality?.code)
            object.set(.amountSek, g.amountSEK)
            object.set(.decision, g.decision.rawValue)
            object.set(.funding, g.funding?.rawValue)
        case .membership(let m):
            object.set(.unit, m.unit.rawValue)
            object.set(.municipality, m.municipality.code)
            object.set(.role, m.role.rawValue)
            object.set(.`from`, m.from.description)
            object.set(.`to`, m.to?.description)
        case .retraction(let r):
            object.set(.target, r.target)
            object.set(.reason, r.reason)
        case .correction(let c):
            object.set(.target, c.target)
            object.set(.reason, c.reason)
            object.set(.replacement, c.replacement.canonicalObject())
        case .activity(let a):
            object.set(.kind, a.kind.rawValue)
            object.set(.programme, a.programme)
            object.set(.municipality, a.municipality?.code)
            object.set(.participants, a.participants)
            object.set(.title, a.title)
        case .target(let t):
            object.set(.unit, t.unit.rawValue)
            object.set(.key, t.key)
            object.set(.period, t.period)
            object.set(.text, t.text)
            if let minimum = t.minimum { object.set(.minimum, minimum) }
            if let measure = t.measure { object.set(.measure) { measure.write(to: &$0) } }
        case .assessment(let a):
            object.set(.target, a.target)
            object.set(.status, a.status.rawValue)
            if let value = a.value { object.set(.value, value) }
            object.set(.comment, a.comment)
        }
    }

    /// The JSON object of this event without log fields (for display and API input).
    public var json: String { String(decoding: canonicalObject().bytes, as: UTF8.self) }
}

/// The canonical JSON of an event without `recorded` and `seq`, which only the log can give:
/// rendered ahead (in parallel for an import), completed inside the write transaction.
struct CanonicalTemplate: Sendable, Equatable {
    /// See `TemplateView`.
    private let fields: [UInt8]
    private let split: (Int, Int)

    init(fields: [UInt8], split: (Int, Int)) {
        self.fields = fields
        self.split = split
    }

    static func == (a: CanonicalTemplate, b: CanonicalTemplate) -> Bool {
        a.fields == b.fields && a.split == b.split
    }

    init(_ event: Event) {
        var object = CanonicalObject()
        event.write(to: &object)
        (fields, split) = object.fields(splittingAfter: .recorded, and: .seq)
    }

    /// The template of `event`, copied from `flat`, the object it was read from, when it can be
    /// (see `FlatObject.canonicalTemplate(of:)`).
    init(_ event: Event, flat: FlatObject?) {
        self = flat?.canonicalTemplate(of: event) ?? CanonicalTemplate(event)
    }

    /// Appends the fields of the template of `event` (see `init(_:flat:)`) to `buffer`; where
    /// its parts split, counted from its first byte.
    static func append(_ event: Event, flat: FlatObject?, to buffer: inout [UInt8]) -> (Int, Int) {
        if let split = flat?.appendCanonicalTemplate(of: event, to: &buffer) { return split }
        return CanonicalTemplate(event).withView { view in
            buffer.append(contentsOf: view.fields)
            return view.split
        }
    }

    /// `"recorded":"…"`.
    static func recordedField(_ recorded: Milliseconds) -> [UInt8] {
        Array("\"recorded\":\"\(Timestamp.rfc3339(recorded))\"".utf8)
    }

    /// The template's bytes, lent to `body` (the view is valid only during the call).
    func withView<R>(_ body: (TemplateView) throws -> R) rethrows -> R {
        try fields.withUnsafeBytes { try body(TemplateView(fields: $0, split: split)) }
    }

    /// The canonical JSON; `recordedField` may be passed in when many events share one time.
    func render(seq: Position, recorded: Milliseconds, recordedField: [UInt8]? = nil) -> [UInt8] {
        let recordedField = recordedField ?? Self.recordedField(recorded)
        return withView { view in
            let count = view.renderedCount(seq: seq, recordedField: recordedField)
            return [UInt8](unsafeUninitializedCapacity: count) { buffer, written in
                view.render(seq: seq, recordedField: recordedField, into: UnsafeMutableRawBufferPointer(buffer))
                written = count
            }
        }
    }
}

/// A canonical template's bytes, wherever they are kept: in a `CanonicalTemplate`, or among
/// the templates of an import's chunk (`ImportChunk`). It points at bytes it does not own, so
/// it lives only inside the closure that lends them.
struct TemplateView {
    /// Every field with a leading comma: those before "recorded", then those between
    /// "recorded" and "seq", then those after "seq"; `split` holds where the second and third
    /// part start.
    let fields: UnsafeRawBufferPointer
    let split: (Int, Int)

    /// How many bytes the canonical JSON at `seq` has.
    func renderedCount(seq: Position, recordedField: [UInt8]) -> Int {
        // Each part of `fields` starts with a comma: the one that would follow "{" is left out.
        1 + split.0 + recordedField.count + (split.1 - split.0) + Self.seqKey.utf8CodeUnitCount + withDecimalDigits(seq) { $0.count }
            + (fields.count - split.1) + 1
    }

    /// Writes the canonical JSON at `seq` into `buffer`, of `renderedCount` bytes (on the
    /// appending thread, straight into the log's page).
    func render(seq: Position, recordedField: [UInt8], into buffer: UnsafeMutableRawBufferPointer) {
        let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var out = ByteCursor(UnsafeMutableBufferPointer(start: start, count: buffer.count))
        out.put(UInt8(ascii: "{"))
        if split.0 > 0 {
            out.put(UnsafeRawBufferPointer(rebasing: fields[1..<split.0]))
            out.put(UInt8(ascii: ","))
        }
        recordedField.withUnsafeBytes { out.put($0) }
        out.put(UnsafeRawBufferPointer(rebasing: fields[split.0..<split.1]))
        out.put(Self.seqKey)
        withDecimalDigits(seq) { out.put($0) }
        out.put(UnsafeRawBufferPointer(rebasing: fields[split.1...]))
        out.put(UInt8(ascii: "}"))
        precondition(out.position - start == buffer.count, "the rendered size was worked out beforehand")
    }

    private static let seqKey: StaticString = #","seq":"#
}

extension Measure {
    /// The measure as a canonical object: its keys (and `match`'s) written in byte order.
    func write(to writer: inout CanonicalWriter) {
        writer.bytes += Array(#"{"#.utf8)
        if let kind { writer.bytes += Array(#""kind":"#.utf8); writer.string(kind.rawValue); writer.bytes.append(UInt8(ascii: ",")) }
        if let match {
            writer.bytes += Array(#""match":{"contains":"#.utf8)
            writer.string(match.contains)
            writer.bytes += Array(#","field":"#.utf8)
            writer.string(match.field)
            writer.bytes += Array(#"},"#.utf8)
        }
        writer.bytes += Array(#""sum":"#.utf8)
        writer.string(sum)
        writer.bytes += Array(#","type":"#.utf8)
        writer.string(type.rawValue)
        writer.bytes.append(UInt8(ascii: "}"))
    }
}

extension Origin {
    func write(to object: inout CanonicalObject) {
        switch self {
        case .unknown: break
        case .municipality(let m): object.set(.municipality, m.code)
        case .organisation(let name): object.set(.organisation, name)
        }
    }
}

extension RecordedEvent {
    /// Reads an event back from the log.
    /// Bytes that do not decode mean a damaged store (exit 3), never rejected input.
    init(_ stored: StoredEvent) throws(LogError) {
        let event: Event
        do {
            event = try stored.bytes.withUnsafeBufferPointer { bytes throws(InputError) in
                try Event.decode(json: bytes, today: Day(ordinal: .max), stored: true)
            }
        } catch {
            throw LogError.corrupted("store damaged at position \(stored.position): the stored event does not decode (\(error))")
        }
        self.init(seq: stored.position, recorded: stored.recorded, hash: stored.hashHex, event: event, canonical: stored.bytes)
    }

    /// The export line (§2): the canonical JSON with `hash` added, without a newline.
    public var exportLine: [UInt8] { Self.exportLine(canonical: canonical, hash: hash) }

    /// Inserts `"hash":"…",` before the top-level `"id":`. Keys are sorted and no key falls
    /// between "hash" and "id"; inside strings a quote is always escaped, so the first `"id":`
    /// is the top-level key.
    static func exportLine(canonical: [UInt8], hash: String) -> [UInt8] {
        let marker = idMarker
        guard let at = canonical.withUnsafeBufferPointer({ bytes in
            stride(from: 0, through: bytes.count - marker.count, by: 1).first { i in
                bytes[i] == marker[0] && UnsafeBufferPointer(rebasing: bytes[i..<(i + marker.count)]).elementsEqual(marker)
            }
        }) else { return canonical }
        var line: [UInt8] = []
        line.reserveCapacity(canonical.count + 80)
        line += canonical[..<at]
        line += hashKey
        line += hash.utf8
        line.append(UInt8(ascii: "\""))
        line.append(UInt8(ascii: ","))
        line += canonical[at...]
        return line
    }

    private static let idMarker = Array(#""id":"#.utf8)
    private static let hashKey = Array(#""hash":""#.utf8)
}

/// RFC 3339 UTC timestamps with milliseconds.
public enum Timestamp {
    /// Now, in milliseconds since 1970.
    public static func now() -> Milliseconds { Milliseconds((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `2014-02-15T22:59:59.999Z`.
    public static func rfc3339(_ ms: Milliseconds) -> String {
        let days = Int32((ms >= 0 ? ms : ms - 86_399_999) / 86_400_000)
        let msOfDay = Int(ms - Int64(days) * 86_400_000)
        let date = Day(ordinal: days).description
        // Fixed widths, written digit by digit: reading events back renders one per event.
        var time: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &time) { out in
            var at = 0
            func put(_ value: Int, _ width: Int, then separator: UInt8) {
                var value = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: value % 10) + 48
                    value /= 10
                }
                out[at + width] = separator
                at += width + 1
            }
            put(msOfDay / 3_600_000, 2, then: UInt8(ascii: ":"))
            put(msOfDay / 60_000 % 60, 2, then: UInt8(ascii: ":"))
            put(msOfDay / 1000 % 60, 2, then: UInt8(ascii: "."))
            put(msOfDay % 1000, 3, then: UInt8(ascii: "Z"))
            return date + "T" + String(decoding: UnsafeRawBufferPointer(rebasing: out[..<at]), as: UTF8.self)
        }
    }
}
