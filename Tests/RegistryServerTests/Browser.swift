import Foundation
import Hummingbird
import HummingbirdTesting

/// A minimal browser over a test client: keeps cookies, signs in, posts forms with the
/// page's CSRF token.
final class Browser {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    private(set) var csrf: String?
    /// Sent with every request (e.g. `X-Forwarded-For`, to be another client behind a proxy).
    var headers: HTTPFields = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    @discardableResult
    func get(_ uri: String) async throws -> TestResponse {
        try await send(uri, method: .get, body: nil)
    }

    /// Posts a form; the page's CSRF token is added unless `csrf` is given (or "" for none).
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
        var fields = fields
        let token = csrf ?? self.csrf ?? ""
        if !token.isEmpty { fields.append(("csrf", token)) }
        let body = fields.map { "\($0.0.addingPercentEncodingForTest())=\($0.1.addingPercentEncodingForTest())" }.joined(separator: "&")
        return try await send(uri, method: .post, body: body)
    }

    /// Signs in through the login form and opens the start page (for its CSRF token);
    /// returns the response to the form's post.
    @discardableResult
    func signIn(_ name: String, _ password: String) async throws -> TestResponse {
        try await get("/login")
        let response = try await post("/login", [("name", name), ("password", password)])
        var location = response.status == .seeOther ? response.headers[.location] : nil
        while let next = location {
            let page = try await get(next)
            location = page.status == .seeOther ? page.headers[.location] : nil
        }
        return response
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if header.contains("Max-Age=0") || value.isEmpty || header.contains("Expires=Thu, 01 Jan 1970") {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression) {
            csrf = String(text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
        return response
    }
}

extension String {
    func addingPercentEncodingForTest() -> String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}
