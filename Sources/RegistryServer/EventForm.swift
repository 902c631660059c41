import EventLog
import Registry

/// Turns posted form fields into events through the same decoder as JSON input, and
/// events back into form values (to prefill a correction).
enum EventForm {
    /// The JSON object for an event of `type` from the non-empty `fields` of `form`, plus `extra` members.
    static func object(type: EventType, fields: [FormField], form: FormData, extra: JSONObject = []) -> JSONObject {
        var object: JSONObject = [("type", .string(type.rawValue))]
        for field in fields {
            if let text = form.text(field.name) { object.append((field.name, field.jsonValue(text))) }
        }
        return object + extra
    }

    /// Decodes and validates the event the form describes, with the id the form was rendered
    /// with (`FormIdentity`).
    static func event(type: EventType, fields: [FormField], form: FormData, extra: JSONObject = [], today: Day = .today()) throws(InputError) -> Event {
        try Event.decode(.object(FormIdentity.member(form) + object(type: type, fields: fields, form: form, extra: extra)), today: today)
    }

    /// Every problem the decoder finds in the form, not only the first: the decoder stops at
    /// one, so each field found wrong is given a harmless value (`FormField.harmlessValue`)
    /// and the form decoded again, until it decodes or names a field twice or one not on the
    /// form. When the form itself decodes, `error` (a rule of the log) is the problem.
    static func problems(
        type: EventType, fields: [FormField], form: FormData, extra: JSONObject = [], today: Day = .today(), orElse error: InputError
    ) -> [InputError] {
        var object = object(type: type, fields: fields, form: form, extra: extra)
        var problems: [InputError] = []
        while true {
            let found: InputError
            do {
                _ = try Event.decode(.object(object), today: today)
                break
            } catch {
                found = error
            }
            guard !problems.contains(where: { $0.field == found.field }) else { break }
            problems.append(found)
            guard let field = fields.first(where: { $0.name == found.field }) else { break }
            let value = field.jsonValue(field.harmlessValue)
            if let at = object.firstIndex(where: { $0.key == field.name }) { object[at].value = value } else { object.append((field.name, value)) }
        }
        return problems.isEmpty ? [error] : problems
    }

    /// The form values that describe `event` (its JSON members as text).
    static func values(of event: Event) -> [String: String] {
        guard case .object(let object)? = try? JSONParser.parse(event.json) else { return [:] }
        var values: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case .string(let text), .number(let text): values[key] = text
            default: break
            }
        }
        return values
    }
}
