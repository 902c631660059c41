/// How a text cell is written into every CSV the product makes (the CLI's and the API's
/// reports, the page's download): one place, so no CSV forgets a rule.
public enum CSVCell {
    /// `text` made safe for a spreadsheet (SPEC §4, OWASP "CSV injection"): a text cell that
    /// starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so that Excel
    /// and LibreOffice show it as text instead of running it as a formula. Numbers are never
    /// passed here: a change of `-12` stays a number.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    /// `text` as one RFC 4180 field: quoted when it holds the separator, a quote or a line break.
    public static func quoted(_ text: String, separator: Character = ",") -> String {
        guard text.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A text cell, neutralised and quoted.
    public static func text(_ text: String, separator: Character = ",") -> String {
        quoted(neutralised(text), separator: separator)
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
}
