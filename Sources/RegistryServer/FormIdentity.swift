import EventLog
import Foundation
import Registry

/// The id of the event a rendered form will create, carried in a hidden field: posting the
/// same form twice (a double click, a reload, a retry after a timeout) repeats the id, and the
/// log answers the repeat with the event already stored instead of appending a second one.
enum FormIdentity {
    static let field = "id"

    /// The hidden field: the id the form was rendered with (a form shown again after a
    /// refusal keeps it, nothing having been saved), or a fresh one.
    static func hidden(_ values: [String: String]) -> HTML {
        let id = values[field].flatMap(EventID.init) ?? fresh()
        return "<input type=\"hidden\" name=\"\(field)\" value=\"\(id.description)\">"
    }

    /// A new id, ordered by time as the log's own ids are.
    static func fresh() -> EventID {
        var generator = SystemRandomNumberGenerator()
        return EventID.timeOrdered(milliseconds: Int64(Date().timeIntervalSince1970 * 1000), using: &generator)
    }

    /// The event's `id` member from the posted form; none when absent or not an id (the log
    /// then gives the event a fresh one).
    static func member(_ form: FormData) -> JSONObject {
        guard let id = form.text(field).flatMap(EventID.init) else { return [] }
        return [(field, .string(id.description))]
    }

    /// The query parameters that lead to the confirmation of `appended`: `again` when the
    /// post was a repeat of a form already saved.
    static func confirmation(_ appended: Appended) -> [(String, String?)] {
        [("saved", appended.event.event.id?.description), ("again", appended.isNew ? nil : "1")]
    }

    /// The confirmation's heading: "Sparat", or for a repeated post that saved nothing new,
    /// "Redan sparad".
    static func heading(_ query: FormData) -> HTML {
        query["again"] == nil ? "<strong>Sparat:</strong>"
            : "<strong>Redan sparad:</strong> formuläret skickades en gång till, men inget nytt sparades ·"
    }
}
