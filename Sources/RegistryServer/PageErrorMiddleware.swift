import Hummingbird

/// Renders the pages' errors inside the identity middleware, so that a 403 or 404 page has
/// the signed-in user's navigation and sign-out button: the router would render them with
/// the context it began with, which knows no user, and answers an unknown address with an
/// empty 404. Under /api the errors of Hummingbird and NIO (an unknown address, a body over
/// its limit) become problems like the API's own; on pages they become Swedish pages.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            return try error.response(from: request, context: context)
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError {
            let path = request.uri.path
            let translated: any HTTPResponseError = Self.isAPI(path) ? Self.apiError(error, path: path) : Self.pageError(error)
            return try translated.response(from: request, context: context)
        }
    }

    static func isAPI(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }

    private static func apiError(_ error: any HTTPResponseError, path: String) -> APIError {
        switch error.status {
        case .notFound: return APIError.notFound(path)
        case .contentTooLarge: return APIError(.contentTooLarge, "the request body is too large")
        default:
            var translated = APIError(error.status, (error as? HTTPError)?.body ?? error.status.reasonPhrase)
            translated.headers = (error as? HTTPError)?.headers ?? [:]
            return translated
        }
    }

    private static func pageError(_ error: any HTTPResponseError) -> PageError {
        switch error.status {
        case .notFound: return .notFound
        case .contentTooLarge: return .tooLarge
        default:
            var page = PageError(error.status, "Något gick fel", "Begäran kunde inte behandlas (\(error.status.code)).")
            page.headers = (error as? HTTPError)?.headers ?? [:]
            return page
        }
    }
}
