import Hummingbird

/// Renders the pages' errors inside the identity middleware, so that a 403 or 404 page has
/// the signed-in user's navigation and sign-out button: the router would render them with
/// the context it began with, which knows no user, and answers an unknown address with an
/// empty 404. Addresses under /api keep their JSON errors, and an unknown one gets one too.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let notFound: any HTTPResponseError = Self.isAPI(path) ? APIError.notFound(path) : PageError.notFound
            return try notFound.response(from: request, context: context)
        }
    }

    static func isAPI(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }
}
