import Registry

/// The retraction or correction a page's undo or fix form asks for, as the object the decoder
/// checks (every rule stays there): today's date, the form's event id (`FormIdentity`), the
/// target, and the reason the form gave, if any.
enum Amendment {
    static func retraction(of target: String, form: FormData) -> JSONObject {
        object("retraction", target: target, form: form, reason: form.text("reason"))
    }

    /// `reason`: the form's own when nil.
    static func correction(of target: String, replacement: JSONObject, form: FormData, reason: String? = nil) -> JSONObject {
        object("correction", target: target, form: form, replacement: replacement, reason: reason ?? form.text("reason"))
    }

    private static func object(_ type: String, target: String, form: FormData, replacement: JSONObject? = nil, reason: String?) -> JSONObject {
        var object: JSONObject = FormIdentity.member(form) + [
            ("type", .string(type)), ("occurred", .string(Day.today().description)), ("target", .string(target)),
        ]
        if let replacement { object.append(("replacement", .object(replacement))) }
        if let reason { object.append(("reason", .string(reason))) }
        return object
    }
}
