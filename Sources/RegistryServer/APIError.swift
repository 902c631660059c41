import Hummingbird
import Registry

/// A failed API request. It knows its status and renders an RFC 9457 problem (SPEC §8):
/// `application/problem+json` with `type`, `title`, `status`, `detail`, `field`, `index`, and
/// `error` (the same text as `detail`, for clients written against the older body).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var field: String?
    var index: Int?
    /// The problem's slug: its `type` is `Problem.base` followed by it.
    var problem: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, index: Int? = nil, problem: String? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.index = index
        self.problem = problem ?? Problem.slug(for: status)
    }

    /// Rejected input: 400 naming the field and, for arrays, the index.
    init(_ error: InputError) {
        self.init(.badRequest, error.message, field: error.field, index: error.index, problem: Problem.slug(for: error))
    }

    static func unauthorized(_ message: String = "sign in with a bearer token (Authorization: Bearer NAME.SECRET)") -> APIError {
        var error = APIError(.unauthorized, message)
        error.headers[.wwwAuthenticate] = "Bearer realm=\"registry\""
        return error
    }

    static func forbidden(_ message: String, index: Int? = nil) -> APIError {
        APIError(.forbidden, message, index: index)
    }

    /// An address the API does not have.
    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, "the API has no address \(path)")
    }

    /// A method the address does not take: 405 with the methods it does take in `Allow`.
    static func methodNotAllowed(_ method: HTTPRequest.Method, on path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue)
        var error = APIError(.methodNotAllowed, "\(path) does not take \(method.rawValue); it takes \(names.joined(separator: " or "))")
        error.headers[.allow] = names.joined(separator: ", ")
        return error
    }

    /// A request body over `limit` bytes.
    static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, "the request body is larger than \(limit) bytes; send fewer events per request")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = "{\"type\":\(JSONText.string(Problem.base + problem)),\"title\":\(JSONText.string(Problem.title(of: problem, status: status))),"
            + "\"status\":\(status.code),\"detail\":\(JSONText.string(message)),\"error\":\(JSONText.string(message)),"
            + "\"field\":\(JSONText.string(field)),\"index\":\(index.map(String.init) ?? "null")}\n"
        var headers = headers
        headers[.contentType] = Problem.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The problem types of the API (RFC 9457 `type`): `https://registry.invalid/problems/SLUG`,
/// a stable name that is not meant to be fetched. The README's API part lists them.
enum Problem {
    static let base = "https://registry.invalid/problems/"
    static let contentType = "application/problem+json"

    /// The slug of an error that only has a status.
    static func slug(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid-request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 413: "too-large"
        case 415: "unsupported-media-type"
        case 503: "unavailable"
        default: status.code >= 500 ? "server-error" : "invalid-request"
        }
    }

    /// The slug of rejected input, read from its message until errors carry their kind.
    /// The first phrase found decides, so more specific phrases come first.
    static func slug(for error: InputError) -> String {
        if error.unknownMunicipality != nil { return "unknown-municipality" }
        let message = error.message
        for (phrase, slug) in phrases where message.contains(phrase) { return slug }
        // A message without a field came from the JSON parser.
        return error.field == nil ? "invalid-json" : "invalid-value"
    }

    private static let phrases: [(String, String)] = [
        ("characters long", "too-long"), ("are allowed", "too-long"),
        ("unknown field", "unknown-field"),
        ("unknown event type", "unknown-type"),
        ("unknown value", "unknown-value"),
        ("is required", "missing-field"),
        ("in the future", "in-the-future"),
        ("is assigned by the log", "assigned-by-log"),
        ("must be a date", "invalid-date"), ("before 1583", "invalid-date"),
        ("is not a member", "not-a-member"),
        ("no event with id", "unknown-target"), ("already retracted", "already-retracted"),
        ("target the original", "invalid-target"),
        ("no mc.case", "unknown-case"),
        ("must not be negative", "out-of-range"), ("must be at least", "out-of-range"),
        ("must be at most", "out-of-range"), ("must be more than 0", "out-of-range"),
        ("must be a string", "wrong-type"), ("must be a whole number", "wrong-type"),
        ("must be an event object", "wrong-type"), ("must be a JSON object", "wrong-type"),
        ("must be a decimal number", "wrong-type"),
        ("not both", "conflicting-fields"),
    ]

    /// A short summary that is the same for every occurrence of the problem (RFC 9457 §3.1.3).
    static func title(of slug: String, status: HTTPResponse.Status) -> String {
        titles[slug] ?? status.reasonPhrase
    }

    private static let titles: [String: String] = [
        "too-long": "A text field is too long",
        "unknown-field": "Unknown field",
        "unknown-type": "Unknown event type",
        "unknown-value": "Unknown value",
        "unknown-municipality": "Unknown municipality",
        "missing-field": "A required field is missing",
        "in-the-future": "A date or instant in the future",
        "assigned-by-log": "A field only the log assigns",
        "invalid-date": "Not a valid date",
        "not-a-member": "Not a member on that date",
        "unknown-target": "No such event",
        "already-retracted": "The event is already retracted",
        "invalid-target": "Not an original event",
        "unknown-case": "No such case",
        "out-of-range": "A number out of range",
        "wrong-type": "A value of the wrong type",
        "conflicting-fields": "Fields that cannot be given together",
        "invalid-json": "Not valid JSON",
        "invalid-value": "Invalid value",
        "invalid-request": "Invalid request",
        "unsupported-format": "Unsupported format",
        "conflicting-parameters": "Parameters that cannot be given together",
        "unauthorized": "Not signed in",
        "forbidden": "Not allowed for this role",
        "not-found": "No such address",
        "method-not-allowed": "Method not allowed",
        "id-taken": "The id belongs to another event",
        "conflict": "Conflict",
        "too-large": "Request body too large",
        "unavailable": "The store cannot take writes",
        "server-error": "Internal error",
    ]
}
