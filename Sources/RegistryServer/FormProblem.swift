import Registry

/// Where a rejected form went wrong: messages beside the fields they concern, and a
/// message for the top of the page when the field is not on the form.
struct FormProblem {
    var fieldErrors: [String: String] = [:]
    var message: String?
    /// What to do instead, after the message (a link to fix the event a refusal names).
    var offer: HTML?

    init() {}

    /// The problem `error` found in a form of `fields`.
    init(_ error: InputError, fields: [FormField]) {
        self.init([error], fields: fields)
    }

    /// The problems found in a form of `fields`: each beside its field, and the first that
    /// concerns no field on the form at the top.
    init(_ errors: [InputError], fields: [FormField]) {
        for error in errors {
            let text = SwedishMessage.text(error)
            // A correction's replacement reports "replacement.pupils"; the form shows "pupils".
            let field = error.field.map { $0.hasPrefix("replacement.") ? String($0.dropFirst("replacement.".count)) : $0 }
            if let field, fields.contains(where: { $0.name == field }) {
                fieldErrors[field] = text
            } else if message == nil {
                // Never the raw field name ("target: …"): its Swedish name, or none.
                message = field.flatMap { Self.fieldNames[$0] }.map { "\($0): \(text)" } ?? text
            }
        }
        if message == nil, !fieldErrors.isEmpty { message = "Kontrollera de markerade fälten." }
    }

    /// Swedish names of fields a form may not show but the decoder can still name.
    private static let fieldNames = [
        "municipality": "Kommun", "organisation": "Organisation", "case": "Ärende", "occurred": "Datum", "reason": "Orsak",
    ]

    init(message: String) { self.message = message }

    /// A message beside the input of `field`.
    init(field: String, _ text: String) {
        fieldErrors[field] = text
        message = "Kontrollera de markerade fälten."
    }

    var html: HTML {
        guard let message else { return "" }
        return "<div class=\"notice problem\" role=\"alert\" id=\"error-summary\"><p>\(message)</p>\(offer ?? "")</div>"
    }

    /// The error summary at the top of a form of `fields`: the message and a link to each
    /// wrong field (in the form's order), focused when the page opens, so that a keyboard
    /// or screen reader user hears every problem at once and can jump to each field.
    func summary(_ fields: [FormField], scope: String? = nil) -> HTML {
        guard let message else { return "" }
        let items = fields.compactMap { field -> HTML? in
            guard let error = fieldErrors[field.name] else { return nil }
            return "<li><a href=\"#\(field.inputID(scope: scope))\">\(field.label): \(error)</a></li>"
        }
        let list: HTML = items.isEmpty ? "" : "<ul>\(items)</ul>"
        let id = scope.map { "error-summary-\($0)" } ?? "error-summary"
        return "<div class=\"notice problem\" role=\"alert\" id=\"\(id)\" tabindex=\"-1\" autofocus><p>\(message)</p>\(list)\(offer ?? "")</div>"
    }

    /// Whether there is anything to show (the summary then takes the focus, not a field).
    var isEmpty: Bool { message == nil && fieldErrors.isEmpty }

    /// The inputs of `fields`, filled with `values` and marked with their errors; `scope` as
    /// in `FormField.html`.
    /// `focus` (a field's name) gets the focus when the page opens, unless there is a problem.
    func inputs(_ fields: [FormField], values: [String: String], scope: String? = nil, focus: String? = nil) -> HTML {
        fields.map { field in
            field.html(value: values[field.name], error: fieldErrors[field.name], scope: scope, autofocus: isEmpty && field.name == focus)
        }.joined()
    }
}
