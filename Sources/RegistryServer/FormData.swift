import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body or query string, in order.
struct FormData: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// Parses `a=1&b=two+words`; `+` is a space and `%XX` a byte of UTF-8.
    init(encoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            fields.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
    }

    /// The query string of `request`.
    init(query request: Request) { self.init(encoded: request.uri.query ?? "") }

    /// The largest form body read, in bytes: the largest form has a dozen fields of at most
    /// 800 bytes, three times that when percent-encoded. Larger: 413, nothing saved.
    static let maxBody = 64 << 10

    /// Reads a form body (at most `maxBody` bytes).
    static func body(of request: Request) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: maxBody)
        return FormData(encoded: String(buffer: buffer))
    }

    /// The first value given for `name`, as sent.
    subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The first value for `name` without surrounding white space; nil when empty or absent.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Whether a checkbox named `name` was ticked.
    func isChecked(_ name: String) -> Bool { self[name] != nil }

    /// Replaces the first value of `name` (or adds one), e.g. with what the server resolved it to.
    mutating func set(_ name: String, _ value: String) {
        if let index = fields.firstIndex(where: { $0.name == name }) { fields[index].value = value } else { fields.append((name, value)) }
    }
}

extension FormData {
    /// The values as a dictionary (the first value of each name), to refill a form.
    var values: [String: String] {
        var values: [String: String] = [:]
        for (name, value) in fields where values[name] == nil { values[name] = value }
        return values
    }
}
