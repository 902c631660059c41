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

    /// An event has at most 13 fields, and 3 more when it is read back from the log.
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
