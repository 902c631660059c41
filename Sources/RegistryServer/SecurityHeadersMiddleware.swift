import Hummingbird

/// Headers that keep pages from being framed, sniffed or mixed with other sites' content.
/// The pages use no script and load nothing from elsewhere, so the policy can be strict.
/// Errors get them too: an error that knows its response is rendered here, not by the router
/// after every middleware has returned.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Made once, with the middleware: a field checks its value when it is made.
    private let fields = [
        HTTPFields.Element(
            name: .contentSecurityPolicy,
            value: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        HTTPFields.Element(name: .xContentTypeOptions, value: "nosniff"),
    ]
    private let noStore = HTTPFields.Element(name: .cacheControl, value: "no-store")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers.append(contentsOf: fields)
        if response.headers[.cacheControl] == nil { response.headers.append(noStore) }
        return response
    }
}
