import Hummingbird
import Registry

/// A failed API request. It knows its status and renders the body of SPEC §8:
/// `{"error": "…", "field": "…" | null, "index": N | null}`.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var field: String?
    var index: Int?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, index: Int? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.index = index
    }

    /// Rejected input: 400 naming the field and, for arrays, the index.
    init(_ error: InputError) {
        self.init(.badRequest, error.message, field: error.field, index: error.index)
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

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = "{\"error\":\(JSONText.string(message)),\"field\":\(JSONText.string(field)),\"index\":\(index.map(String.init) ?? "null")}\n"
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
