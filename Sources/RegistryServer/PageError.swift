import Hummingbird

/// A failure on the web pages. It knows its status and renders a short Swedish page in the
/// app's layout (with the user's navigation when `PageErrorMiddleware` renders it), or for a
/// missing sign-in a redirect to the sign-in page.
struct PageError: HTTPResponseError {
    let status: HTTPResponse.Status
    let title: String
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ title: String, _ message: String) {
        self.status = status
        self.title = title
        self.message = message
    }

    /// Sends the browser to sign in, and back to `path` afterwards; `unsaved` when it posted
    /// a form that was not saved (the sign-in page then says so), `kept` when `path` brings
    /// back what was typed.
    static func signIn(returningTo path: String, unsaved: Bool = false, kept: Bool = false) -> PageError {
        var error = PageError(.seeOther, "Logga in", "Logga in för att fortsätta.")
        error.headers[.location] = link("/login", [("unsaved", unsaved ? (kept ? "kept" : "1") : nil), ("next", path == "/" ? nil : path)])
        return error
    }

    static let forbidden = PageError(.forbidden, "Ingen behörighet", "Din roll får inte använda den här sidan eller göra den här ändringen.")
    static let expiredForm = PageError(.forbidden, "Formuläret har gått ut", "Formuläret saknar eller har en gammal säkerhetskod. Gå tillbaka, ladda om sidan och försök igen.")
    static let notFound = PageError(.notFound, "Sidan finns inte", "Kontrollera adressen eller gå till startsidan.")
    static let tooLarge = PageError(.contentTooLarge, "Formuläret är för stort", "Det du skickade var för stort och sparades inte. Korta texterna och försök igen.")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let content: HTML = "<section id=\"page-error\"><p>\(message)</p><p><a href=\"/\">Till startsidan</a></p></section>"
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        let app = context as? AppRequestContext
        let html = Layout.page(title, user: app?.identity, csrf: app?.csrf, content)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html.text)))
    }
}
