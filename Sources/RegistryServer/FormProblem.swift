import Registry

/// Where a rejected form went wrong: messages beside the fields they concern, and a
/// message for the top of the page when the field is not on the form.
struct FormProblem {
    var fieldErrors: [String: String] = [:]
    var message: String?

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
        message.map { "<p class=\"notice problem\" role=\"alert\">\($0)</p>" } ?? ""
    }

    /// The inputs of `fields`, filled with `values` and marked with their errors; `scope` as
    /// in `FormField.html`.
    func inputs(_ fields: [FormField], values: [String: String], scope: String? = nil) -> HTML {
        fields.map { $0.html(value: values[$0.name], error: fieldErrors[$0.name], scope: scope) }.joined()
    }
}
