import EventLog

/// One JSON object of the common shape, scanned in place: every key is a field name of the
/// event format, and every value is a string without escapes, a number, a boolean or null.
/// Decoding such an object builds no `JSONValue` tree, which an import would otherwise build
/// and throw away for nearly every line.
///
/// Anything else (a nested object or array, an escape, an unknown or repeated key, a syntax
/// error) is not scanned: the caller decodes it through `JSONParser`, whose messages name every
/// problem. Where both read an object they give a `FieldReader` the same members.
struct FlatObject {
    fileprivate enum Kind: UInt8 { case string, number, `true`, `false`, null }
    struct Member {
        fileprivate var key: FieldKey
        fileprivate var kind: Kind
        fileprivate var start: Int32
        fileprivate var end: Int32
    }

    /// An event has at most 13 fields, and 2 more (`seq`, `recorded`) when it is read back from
    /// the log.
    static let capacity = 24
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Room for `capacity` members, lent by the caller (on the stack: this runs for every line).
    private let members: UnsafeMutableBufferPointer<Member>
    private(set) var count = 0

    /// Scans `bytes` (one JSON text) into `members`; nil when it is not an object of the common shape.
    init?(scanning bytes: UnsafeBufferPointer<UInt8>, into members: UnsafeMutableBufferPointer<Member>) {
        guard bytes.count < Int32.max, members.count >= Self.capacity else { return nil }
        self.bytes = bytes
        self.members = members
        var parser = JSONParser(bytes: bytes)
        var keys: UInt64 = 0
        parser.skipWhitespace()
        guard parser.skip(UInt8(ascii: "{")) else { return nil }
        parser.skipWhitespace()
        if !parser.skip(UInt8(ascii: "}")) {
            repeat {
                parser.skipWhitespace()
                guard parser.peek == UInt8(ascii: "\""), let name = parser.plainString(), let key = FieldKey.named(name),
                      keys & key.bit == 0, count < Self.capacity else { return nil }
                keys |= key.bit
                parser.skipWhitespace()
                guard parser.skip(UInt8(ascii: ":")) else { return nil }
                parser.skipWhitespace()
                let start = parser.index
                let kind: Kind
                switch parser.peek {
                case UInt8(ascii: "\""):
                    guard parser.plainString() != nil else { return nil }
                    kind = .string
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard (try? parser.skipNumber()) != nil else { return nil }
                    kind = .number
                case UInt8(ascii: "t"): guard parser.skip("true") else { return nil }; kind = .true
                case UInt8(ascii: "f"): guard parser.skip("false") else { return nil }; kind = .false
                case UInt8(ascii: "n"): guard parser.skip("null") else { return nil }; kind = .null
                default: return nil
                }
                members.initializeElement(at: count, to: Member(key: key, kind: kind, start: Int32(start), end: Int32(parser.index)))
                count += 1
                parser.skipWhitespace()
            } while parser.skip(UInt8(ascii: ","))
            guard parser.skip(UInt8(ascii: "}")) else { return nil }
        }
        parser.skipWhitespace()
        guard parser.isAtEnd else { return nil }
    }
}

extension FlatObject: EventFields {
    func member(_ key: FieldKey) -> (index: Int, value: JSONValue)? {
        for i in 0..<count where members[i].key == key {
            let member = members[i]
            let text = UnsafeBufferPointer(rebasing: bytes[Int(member.start)..<Int(member.end)])
            switch member.kind {
            // The quotes are left out; the text has no escape and is valid UTF-8.
            case .string: return (i, .string(String(decoding: UnsafeBufferPointer(rebasing: text.dropFirst().dropLast()), as: UTF8.self)))
            case .number: return (i, .number(String(decoding: text, as: UTF8.self)))
            case .true: return (i, .bool(true))
            case .false: return (i, .bool(false))
            case .null: return (i, .null)
            }
        }
        return nil
    }

    func key(at index: Int) -> String { members[index].key.text }
}

/// An object whose members a `FieldReader` reads by field name, in written order.
protocol EventFields {
    /// The first member named `key`, with its index in written order.
    func member(_ key: FieldKey) -> (index: Int, value: JSONValue)?
    /// The key of the member at `index`.
    func key(at index: Int) -> String
    var count: Int { get }
}

extension Array: EventFields where Element == (key: String, value: JSONValue) {
    func member(_ key: FieldKey) -> (index: Int, value: JSONValue)? {
        let utf8 = key.utf8
        // Comparing lengths first skips String's slower path for most keys that differ.
        for i in indices where self[i].key.utf8.count == utf8.count && self[i].key.utf8.elementsEqual(utf8) {
            return (i, self[i].value)
        }
        return nil
    }

    func key(at index: Int) -> String { self[index].key }
}

extension FlatObject {
    /// The canonical template of `event`, which was decoded from this object, copied from the
    /// object's own text: a string without escapes, or a whole number not below zero, is its
    /// own canonical JSON. The fields whose canonical text can differ from what was typed (the
    /// id, which may have been given to the event since; the municipality, typed by name; the
    /// days) are written from the event. Nil for a member of another shape: the caller then
    /// writes the template from the event alone, as `CanonicalTemplate(event)` does, which
    /// debug builds check this against.
    func canonicalTemplate(of event: Event) -> CanonicalTemplate? {
        var fields: [UInt8] = []
        guard let split = appendCanonicalTemplate(of: event, to: &fields) else { return nil }
        return CanonicalTemplate(fields: fields, split: split)
    }

    /// Appends the fields of `event`'s canonical template (see `canonicalTemplate(of:)`) to
    /// `templates` and returns where its parts split, counted from the first appended byte;
    /// nil, with nothing appended, for a member of another shape.
    func appendCanonicalTemplate(of event: Event, to templates: inout [UInt8]) -> (Int, Int)? {
        var memberOf = InlineArray<64, Int8>(repeating: -1)
        var keys = FieldKey.id.bit
        var size = 0
        for i in 0..<count {
            let member = members[i]
            let key = member.key
            let typed = Int(member.end - member.start)
            switch (key.canonicalValue, member.kind) {
            case (_, .null): continue
            case (.asTyped, .string): size += typed
            case (.wholeNumber, .number) where Self.isDigits(bytes[Int(member.start)..<Int(member.end)]): size += typed
            case (.fromEvent, _): continue
            default: return nil
            }
            memberOf[key.rawValue] = Int8(i)
            keys |= key.bit
            size += 1 + key.quotedName.utf8CodeUnitCount
        }
        // The fields written from the event.
        let municipality: String?
        if case .municipality(let m) = event.fact.recordOrigin { municipality = m.code } else { municipality = nil }
        var days: String?, target: EventID?
        switch event.fact {
        case .training(let t): days = t.days.description
        case .retraction(let r): target = r.target
        // An assessment's `target` is a key, not an id; plan events are few.
        case .correction, .target, .assessment: return nil
        default: break
        }
        guard let id = event.id else { return nil }
        size += 1 + FieldKey.id.quotedName.utf8CodeUnitCount + 38
        if let municipality {
            keys |= FieldKey.municipality.bit
            size += 1 + FieldKey.municipality.quotedName.utf8CodeUnitCount + municipality.utf8.count + 2
        }
        if let days {
            keys |= FieldKey.days.bit
            size += 1 + FieldKey.days.quotedName.utf8CodeUnitCount + days.utf8.count + 2
        }
        if target != nil {
            keys |= FieldKey.target.bit
            size += 1 + FieldKey.target.quotedName.utf8CodeUnitCount + 38
        }
        var split = (size, size)
        let first = templates.count
        templates.append(contentsOf: repeatElement(0, count: size))
        templates.withUnsafeMutableBufferPointer { all in
            let buffer = UnsafeMutableBufferPointer(rebasing: all[first...])
            var out = ByteCursor(buffer)
            var remaining = keys
            while remaining != 0 {
                let key = FieldKey(rawValue: remaining.trailingZeroBitCount)!
                remaining &= remaining - 1
                let offset = out.position - buffer.baseAddress!
                if split.0 == size, key.rawValue > FieldKey.recorded.rawValue { split.0 = offset }
                if split.1 == size, key.rawValue > FieldKey.seq.rawValue { split.1 = offset }
                out.put(UInt8(ascii: ","))
                out.put(key.quotedName)
                switch key {
                case .id: out.putQuoted(id)
                case .target: out.putQuoted(target!)
                case .municipality: out.putQuoted(municipality!)
                case .days: out.putQuoted(days!)
                default:
                    let member = members[Int(memberOf[key.rawValue])]
                    out.put(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[Int(member.start)..<Int(member.end)])))
                }
            }
            precondition(out.position - buffer.baseAddress! == size, "the template's size was worked out beforehand")
        }
        assert(CanonicalTemplate(fields: Array(templates[first...]), split: split) == CanonicalTemplate(event), "a template copied from the input is the event's own")
        return split
    }
}

extension FlatObject {
    /// Only the digits 0 to 9: a whole number not below zero, typed as its canonical JSON
    /// writes it (JSON allows no leading zero).
    fileprivate static func isDigits(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        text.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

extension FieldKey {
    /// How the canonical JSON writes a field's value, against how it was typed.
    enum CanonicalValue {
        /// As typed: a string (without escapes) or a whole number (not below zero).
        case asTyped, wholeNumber
        /// As the event holds it, which can differ from what was typed.
        case fromEvent
        /// Not in an input event's template.
        case none
    }

    var canonicalValue: CanonicalValue {
        switch self {
        case .applicant, .area, .by, .`case`, .decision, .`from`, .funding, .gender, .grant, .name, .note, .occurred,
             .organisation, .outcome, .programme, .project, .reason, .role, .school, .service, .theme, .title, .`to`,
             .`type`, .unit, .comment, .key, .kind, .period, .status, .text:
            .asTyped
        case .adults, .amountSek, .attendees, .children, .participants, .pupils, .teachers, .minimum, .value: .wholeNumber
        case .days, .id, .municipality, .target: .fromEvent
        case .hash, .recorded, .replacement, .seq, .measure: .none
        }
    }
}
