import EventLog

/// A parsed JSON value. Numbers keep their text so integers and decimals are read exactly.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// What kind of value this is, for messages ("a string", "a number" …).
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object's members in their written order (duplicate keys are rejected on parse).
public typealias JSONObject = [(key: String, value: JSONValue)]

/// Parse failure with the byte offset where it happened.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public let offset: Int
    public let message: String
    /// The key an object gives twice: well-formed JSON, but not an event (RFC 8259 leaves its
    /// meaning open), so it is named as such rather than as invalid JSON.
    public var duplicateKey: String?

    public var description: String {
        if let duplicateKey { return "duplicate key \"\(duplicateKey)\" (at byte \(offset + 1)): each field may appear once" }
        return "invalid JSON at byte \(offset + 1): \(message)"
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes; fast because events are small flat objects.
/// Its scanning steps are open to the module for `FlatObject`, which reads the common shape
/// of an event without building values.
public struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0
    private var depth = 0

    /// Parses one complete JSON text.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    /// Parses a JSON text held in a String.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: index, message: message) }

    var isAtEnd: Bool { index == bytes.count }

    /// The next byte, or 0 at the end.
    var peek: UInt8 { index < bytes.count ? bytes[index] : 0 }

    /// Skips `byte` if it comes next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips `word` if it comes next.
    mutating func skip(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { return false }
        index += count
        return true
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try object())
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        guard index + word.utf8CodeUnitCount <= bytes.count else { throw error("unexpected end of input") }
        guard skip(word) else { throw error("unexpected character") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONObject {
        depth += 1
        guard depth <= 16 else { throw error("nested too deeply") }
        defer { depth -= 1 }
        index += 1
        var members: JSONObject = []
        members.reserveCapacity(10) // an event has about ten fields: one allocation, no regrowth
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a field name") }
            let key = try string()
            let length = key.utf8.count // comparing lengths first skips String's slower path
            for member in members where member.key.utf8.count == length && member.key == key {
                var duplicate = error("field \"\(key)\" appears twice")
                duplicate.duplicateKey = key
                throw duplicate
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try value()))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return members }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        depth += 1
        guard depth <= 16 else { throw error("nested too deeply") }
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = index
        try skipNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Skips a number (the next byte is '-' or a digit).
    mutating func skipNumber() throws(JSONSyntaxError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (48...57).contains(parser.bytes[parser.index]) { parser.index += 1 }
            return parser.index - from
        }
        let intStart = index
        let intDigits = digits(&self)
        guard intDigits > 0 else { throw error("expected a digit") }
        guard !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else { throw error("leading zero in a number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw error("expected a digit after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
        }
    }

    /// Skips a string (the next byte is its quote) that has no escape and is valid UTF-8, and
    /// returns its text without the quotes; nil, having moved anywhere, for any other string.
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        index += 1
        let start = index
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // Plain ASCII needs no UTF-8 check.
                guard bits < 0x80 || isValidUTF8(text) else { return nil }
                index += 1
                return text
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            bits |= byte
            index += 1
        }
        return nil
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        let quote = index
        if let text = plainString() { return String(decoding: text, as: UTF8.self) }
        // An escape or a problem: read again from the start, the slow way.
        index = quote + 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard out.withUnsafeBufferPointer(isValidUTF8) else { throw error("invalid UTF-8 in a string") }
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unexpected end of input") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw error("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw error("control character in a string") }
                out.append(byte)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("unexpected end of input") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            case 65...70: digit = byte - 55
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

/// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
/// `String(validating:)` does the same but goes through generic metadata on every call.
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let count = bytes.count
    while i < count {
        let lead = bytes[i]
        if lead < 0x80 { i += 1; continue }
        let length: Int, lower: UInt8, upper: UInt8
        switch lead {
        case 0xC2...0xDF: length = 2; lower = 0x80; upper = 0xBF
        case 0xE0: length = 3; lower = 0xA0; upper = 0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; lower = 0x80; upper = 0xBF
        case 0xED: length = 3; lower = 0x80; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90; upper = 0xBF
        case 0xF1...0xF3: length = 4; lower = 0x80; upper = 0xBF
        case 0xF4: length = 4; lower = 0x80; upper = 0x8F
        default: return false
        }
        guard i + length <= count, (lower...upper).contains(bytes[i + 1]) else { return false }
        for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return false }
        i += length
    }
    return true
}

/// `text` as a JSON string literal, escaped as canonical JSON escapes it (§6).
public func jsonQuoted(_ text: String) -> String {
    var writer = CanonicalWriter(capacity: text.utf8.count + 2)
    writer.string(text)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// Calls `body` with the decimal digits of `value`, written on the stack (UInt64.max has 20).
func withDecimalDigits<R>(_ value: UInt64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &digits) { buffer in
        var start = 20, value = value
        repeat {
            start -= 1
            buffer[start] = UInt8(truncatingIfNeeded: value % 10) + 48
            value /= 10
        } while value > 0
        return body(UnsafeRawBufferPointer(rebasing: buffer[start..<20]))
    }
}

/// Writes canonical JSON (§6): sorted keys, no whitespace, minimal escaping.
struct CanonicalWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func string(_ text: String) {
        // A native or small string lends its UTF-8 without a copy; another is made native once.
        if text.utf8.withContiguousStorageIfAvailable({ string($0) }) == nil {
            var text = text
            text.withUTF8 { string($0) }
        }
    }

    /// The string whose UTF-8 is `utf8`, quoted and escaped.
    private mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: copy it in one go.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(byte)
                case 0..<0x20:
                    let hex = { (nibble: UInt8) in nibble < 10 ? nibble + 48 : nibble + 87 }
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex(byte >> 4), hex(byte & 0xF)])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Plain decimal, without making a String.
    mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withDecimalDigits(UInt64(value.magnitude)) { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
}

/// Writes bytes into memory reserved for them beforehand, never past its end (a size worked
/// out wrong stops the program before it writes where it should not).
struct ByteCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        position = buffer.baseAddress!
        end = buffer.baseAddress! + buffer.count
    }

    /// Makes room for `count` bytes.
    private mutating func advance(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(end - position >= count, "writing past the bytes reserved")
        defer { position += count }
        return position
    }

    mutating func put(_ byte: UInt8) { advance(1).pointee = byte }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(advance(bytes.count)).copyMemory(from: source, byteCount: bytes.count)
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A string that needs no escape (a code, a number of days), in quotes.
    mutating func putQuoted(_ text: String) {
        put(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
        put(UInt8(ascii: "\""))
    }

    /// An id's 36 characters, in quotes.
    mutating func putQuoted(_ id: EventID) {
        put(UInt8(ascii: "\""))
        id.writeText(to: UnsafeMutableRawBufferPointer(start: advance(36), count: 36))
        put(UInt8(ascii: "\""))
    }
}

/// Every field name of the event format, declared in the byte order of their UTF-8 names:
/// an object written slot by slot in this order is canonical without sorting.
enum FieldKey: Int, CaseIterable {
    case adults
    case amountSek
    case applicant
    case area
    case attendees
    case by
    case `case`
    case children
    case comment
    case days
    case decision
    case `from`
    case funding
    case gender
    case grant
    case hash
    case id
    case key
    case kind
    case measure
    case minimum
    case municipality
    case name
    case note
    case occurred
    case organisation
    case outcome
    case participants
    case period
    case programme
    case project
    case pupils
    case reason
    case recorded
    case replacement
    case role
    case school
    case seq
    case service
    case status
    case target
    case teachers
    case text
    case theme
    case title
    case `to`
    case `type`
    case unit
    case value
}

/// An object under construction: fields are set in any order and written in key order, so
/// the output is canonical without a sort. Each field's `"key":value` text is written once,
/// when it is set, and copied into place at the end: nothing is kept per field but where its
/// text lies.
struct CanonicalObject {
    /// The fields' texts, in the order they were set (a field set again is written anew).
    private var texts = CanonicalWriter(capacity: 256)
    /// Where each key's text lies in `texts` (start << 32 | end), by `FieldKey.rawValue`.
    private var spans = InlineArray<64, UInt64>(repeating: 0)
    /// A bit per key that is set, by `FieldKey.rawValue` (there are fewer than 64 keys).
    private var present: UInt64 = 0

    init() {}

    mutating func set(_ key: FieldKey, _ value: String) { set(key) { $0.string(value) } }
    mutating func set(_ key: FieldKey, _ value: String?) { if let value { set(key, value) } }
    mutating func set(_ key: FieldKey, _ value: Int) { set(key) { $0.integer(value) } }
    mutating func set(_ key: FieldKey, _ value: Int64) { set(key) { $0.integer(value) } }
    mutating func set(_ key: FieldKey, _ value: EventID) {
        set(key) { writer in
            writer.bytes.append(UInt8(ascii: "\""))
            value.appendText(to: &writer.bytes)
            writer.bytes.append(UInt8(ascii: "\""))
        }
    }
    mutating func set(_ key: FieldKey, _ value: borrowing CanonicalObject) { set(key) { value.write(to: &$0) } }

    /// Sets `key` to the value `write` writes.
    mutating func set(_ key: FieldKey, _ write: (inout CanonicalWriter) -> Void) {
        let start = texts.bytes.count
        let name = key.quotedName
        texts.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        write(&texts)
        spans[key.rawValue] = UInt64(start) << 32 | UInt64(texts.bytes.count)
        present |= key.bit
    }

    /// Calls `body` with each field's text in key order.
    private func forEachInKeyOrder(_ body: (FieldKey, UnsafeRawBufferPointer) -> Void) {
        texts.bytes.withUnsafeBytes { texts in
            var remaining = present
            while remaining != 0 {
                let raw = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                let span = spans[raw]
                body(FieldKey(rawValue: raw)!, UnsafeRawBufferPointer(rebasing: texts[Int(span >> 32)..<Int(span & 0xFFFF_FFFF)]))
            }
        }
    }

    func write(to writer: inout CanonicalWriter) {
        writer.bytes.append(UInt8(ascii: "{"))
        var first = true
        forEachInKeyOrder { _, text in
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.bytes.append(contentsOf: text)
        }
        writer.bytes.append(UInt8(ascii: "}"))
    }

    /// Every field, each with a leading comma, in one allocation of the exact size, and the
    /// offsets at which the fields after `first` and after `second` begin (for templates).
    func fields(splittingAfter first: FieldKey, and second: FieldKey) -> (fields: [UInt8], splits: (Int, Int)) {
        var size = 0
        forEachInKeyOrder { _, text in size += 1 + text.count }
        var splits = (size, size)
        let fields = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            forEachInKeyOrder { key, text in
                if splits.0 == size, key.rawValue > first.rawValue { splits.0 = count }
                if splits.1 == size, key.rawValue > second.rawValue { splits.1 = count }
                buffer[count] = UInt8(ascii: ",")
                UnsafeMutableRawPointer(buffer.baseAddress! + count + 1).copyMemory(from: text.baseAddress!, byteCount: text.count)
                count += 1 + text.count
            }
        }
        return (fields, splits)
    }

    var bytes: [UInt8] {
        var writer = CanonicalWriter()
        write(to: &writer)
        return writer.bytes
    }
}

extension FieldKey {
    /// `"name":`, as written before the value (a static string: writing it retains nothing).
    var quotedName: StaticString {
        switch self {
        case .adults: #""adults":"#
        case .amountSek: #""amount_sek":"#
        case .applicant: #""applicant":"#
        case .area: #""area":"#
        case .attendees: #""attendees":"#
        case .by: #""by":"#
        case .`case`: #""case":"#
        case .children: #""children":"#
        case .comment: #""comment":"#
        case .days: #""days":"#
        case .decision: #""decision":"#
        case .`from`: #""from":"#
        case .funding: #""funding":"#
        case .gender: #""gender":"#
        case .grant: #""grant":"#
        case .hash: #""hash":"#
        case .id: #""id":"#
        case .key: #""key":"#
        case .kind: #""kind":"#
        case .measure: #""measure":"#
        case .minimum: #""minimum":"#
        case .municipality: #""municipality":"#
        case .name: #""name":"#
        case .note: #""note":"#
        case .occurred: #""occurred":"#
        case .organisation: #""organisation":"#
        case .outcome: #""outcome":"#
        case .participants: #""participants":"#
        case .period: #""period":"#
        case .programme: #""programme":"#
        case .project: #""project":"#
        case .pupils: #""pupils":"#
        case .reason: #""reason":"#
        case .recorded: #""recorded":"#
        case .replacement: #""replacement":"#
        case .role: #""role":"#
        case .school: #""school":"#
        case .seq: #""seq":"#
        case .service: #""service":"#
        case .status: #""status":"#
        case .target: #""target":"#
        case .teachers: #""teachers":"#
        case .text: #""text":"#
        case .theme: #""theme":"#
        case .title: #""title":"#
        case .`to`: #""to":"#
        case .`type`: #""type":"#
        case .unit: #""unit":"#
        case .value: #""value":"#
        }
    }

    /// The name's UTF-8 bytes.
    var utf8: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: quotedName.utf8Start + 1, count: quotedName.utf8CodeUnitCount - 3)
    }

    /// The name, for messages.
    var text: String { String(decoding: utf8, as: UTF8.self) }

    /// This key's bit in a mask of keys.
    var bit: UInt64 { 1 << rawValue }

    /// The key named `name`, found without making a String.
    static func named(_ name: UnsafeBufferPointer<UInt8>) -> FieldKey? {
        guard name.count < byLength.count else { return nil }
        let words = Self.words(name)
        for entry in byLength[name.count] where entry.words == words { return entry.key }
        return nil
    }

    /// A name of up to 16 bytes as two words, zero-padded: compared in two instructions.
    private static func words(_ name: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        // Byte by byte: a call to copy a dozen bytes costs more than the loop.
        for i in 0..<min(name.count, 8) { low |= UInt64(name[i]) << (8 * i) }
        for i in min(name.count, 8)..<min(name.count, 16) { high |= UInt64(name[i]) << (8 * (i - 8)) }
        return (low, high)
    }

    /// The keys by the length of their names (none is longer than 16 bytes).
    private static let byLength: [[(words: (UInt64, UInt64), key: FieldKey)]] = {
        var table = [[(words: (UInt64, UInt64), key: FieldKey)]](repeating: [], count: allCases.map(\.utf8.count).max()! + 1)
        for key in allCases {
            precondition(key.utf8.count <= 16, "a field name fits in two words")
            table[key.utf8.count].append((words(key.utf8), key))
        }
        return table
    }()
}
