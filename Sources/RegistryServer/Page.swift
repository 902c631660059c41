import Hummingbird

/// A server-rendered HTML page.
struct Page: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    let html: HTML

    init(status: HTTPResponse.Status = .ok, _ html: HTML) {
        self.status = status
        self.html = html
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html.text)))
    }
}
