import Registry

/// Small JSON output helpers for the few bodies the server writes itself.
enum JSONText {
    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String { jsonQuoted(text) }

    /// A string literal, or `null`.
    static func string(_ text: String?) -> String { text.map { string($0) } ?? "null" }
}
