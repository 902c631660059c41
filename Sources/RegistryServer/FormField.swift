import Foundation
import Registry

/// One input of an event form: the event field it fills (`name`), its Swedish label and
/// what kind of input it is. Forms post field names as in the JSON of §2, so one decoder
/// validates pages and API alike.
struct FormField {
    enum Kind {
        case count
        /// An amount in kronor.
        case amount
        case days
        case text
        /// Free text with earlier values offered.
        case suggest([String])
        /// A value typed or picked from a list too long for a select (`label` tells the values apart).
        case search([(value: String, label: String)])
        case date(max: Day)
        case choice([(value: String, label: String)])
        /// A municipality typed as a name or code (the decoder looks it up), with `first` (the
        /// unit's members) offered first, then, unless `onlyFirst`, all others.
        case municipality(first: [Municipality], onlyFirst: Bool)
    }

    let name: String
    let label: String
    let kind: Kind
    var required = false
    var hint: String?

    init(_ name: String, _ label: String, _ kind: Kind, required: Bool = false, hint: String? = nil) {
        self.name = name
        self.label = label
        self.kind = kind
        self.required = required
        self.hint = hint
    }

    /// The label, input, hint and error message. `scope` (the form's id) keeps the element ids
    /// of two forms on one page apart, so that a label focuses its own form's input.
    func html(value: String?, error: String?, scope: String? = nil, autofocus: Bool = false) -> HTML {
        let suffix = scope.map { "\($0)-\(name)" } ?? name
        let id = inputID(scope: scope)
        let optional: HTML = required ? "" : " <span class=\"hint\">(frivilligt)</span>"
        let errorHTML: HTML = error.map { "<div class=\"error\" id=\"e-\(suffix)\">\($0)</div>" } ?? ""
        let hintHTML: HTML = hint.map { "<div class=\"hint\" id=\"h-\(suffix)\">\($0)</div>" } ?? ""
        // The message and the hint are read out with the input; a wrong one says it is.
        let described = [error.map { _ in "e-\(suffix)" }, hint.map { _ in "h-\(suffix)" }].compactMap { $0 }
        var attributes: HTML = described.isEmpty ? "" : " aria-describedby=\"\(described.joined(separator: " "))\""
        if error != nil { attributes = "\(attributes) aria-invalid=\"true\"" }
        if autofocus { attributes = "\(attributes) autofocus" }
        return """
            <div class="field\(error == nil ? "" : " invalid")">
            <label for="\(id)">\(label)\(optional)</label>
            \(input(id: id, value: value ?? "", list: "l-\(suffix)", attributes: attributes))
            \(errorHTML)\(hintHTML)
            </div>
            """
    }

    /// The input's element id (see `html`).
    func inputID(scope: String?) -> String { "f-" + (scope.map { "\($0)-\(name)" } ?? name) }

    private func input(id: String, value: String, list: String, attributes: HTML) -> HTML {
        let common: HTML = "id=\"\(id)\" name=\"\(name)\"\(required ? " required" : "")\(attributes)"
        switch kind {
        case .count:
            return "<input \(common) type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"\(Limits.maxCount)\" step=\"1\" value=\"\(value)\">"
        case .amount:
            return "<input \(common) type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"\(Limits.maxAmountSEK)\" step=\"1\" value=\"\(value)\">"
        case .days:
            return "<input \(common) type=\"text\" inputmode=\"decimal\" placeholder=\"t.ex. 0,5\" value=\"\(value.replacingDot())\">"
        case .text:
            return "<input \(common) type=\"text\" maxlength=\"\(Limits.maxTextLength)\" value=\"\(value)\">"
        case .suggest(let names):
            let options = names.map { name -> HTML in "<option value=\"\(name)\">" }
            return """
                <input \(common) type="text" maxlength="\(Limits.maxTextLength)" list="\(list)" autocomplete="off" value="\(value)">
                <datalist id="\(list)">\(options.joined())</datalist>
                """
        case .search(let choices):
            let options = choices.map { choice -> HTML in "<option value=\"\(choice.value)\" label=\"\(choice.label)\">" }
            return """
                <input \(common) type="text" maxlength="\(Limits.maxTextLength)" list="\(list)" autocomplete="off" autocapitalize="characters" spellcheck="false" value="\(value)">
                <datalist id="\(list)">\(options.joined())</datalist>
                """
        case .date(let max):
            return "<input \(common) type=\"date\" max=\"\(max.description)\" value=\"\(value)\">"
        case .choice(let choices):
            let empty: HTML = required && !value.isEmpty ? "" : "<option value=\"\">– välj –</option>"
            return "<select \(common)>\(empty)\(options(choices, selected: value))</select>"
        case .municipality(let first, let onlyFirst):
            // A text input with suggestions, not a select of 290: on a tablet nobody can type
            // to search a select. The browser filters the list as one types.
            let members = first.sorted { Municipality.swedishOrder($0.name, $1.name) }
            let memberCodes = Set(members.map(\.code))
            let others = onlyFirst ? [] : Municipality.all.filter { !memberCodes.contains($0.code) }.sorted { Municipality.swedishOrder($0.name, $1.name) }
            let options = members.map { m -> HTML in "<option value=\"\(m.name)\" label=\"medlemskommun\">" }
                + others.map { m -> HTML in "<option value=\"\(m.name)\">" }
            // A saved event holds the code; people know the name.
            let shown = Municipality.byCode(value)?.name ?? value
            return """
                <input \(common) type="text" maxlength="60" list="\(list)" autocomplete="off" spellcheck="false" placeholder="Skriv namn eller kod" value="\(shown)">
                <datalist id="\(list)">\(options.joined())</datalist>
                """
        }
    }

    private func options(_ choices: [(value: String, label: String)], selected: String) -> HTML {
        choices.map { choice -> HTML in
            "<option value=\"\(choice.value)\"\(choice.value == selected ? " selected" : "")>\(choice.label)</option>"
        }.joined()
    }

    /// A value the decoder accepts for this field in any event (`EventForm.problems` puts it
    /// in place of a wrong one to find the next problem).
    var harmlessValue: String {
        switch kind {
        case .count, .amount, .days: "1"
        case .text, .suggest, .search: "x"
        case .date(let max): max.description
        case .choice(let choices): choices.first?.value ?? ""
        case .municipality(let first, _): (first.first ?? Municipality.all[0]).code
        }
    }

    /// The JSON value the decoder expects for `text` typed into this field.
    func jsonValue(_ text: String) -> JSONValue {
        switch kind {
        case .count, .amount: FieldText.value(field: name, text: text)
        // Swedes write half a day as 0,5.
        case .days: .string(text.replacingOccurrences(of: ",", with: "."))
        default: .string(text)
        }
    }
}

extension String {
    fileprivate func replacingDot() -> String { replacingOccurrences(of: ".", with: ",") }
}
