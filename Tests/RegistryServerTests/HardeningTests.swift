import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import TestSupport
import Testing

@testable import RegistryServer

/// The attacks of issue 14 on the server: each test tries one and shows it fails.
@Suite struct HardeningTests {
    // MARK: Sessions name the user record

    @Test func aRemovedUsersSessionDoesNotComeBackWithANewUserOfTheSameName() async throws {
        try await Fixture.with { fixture in
            let first = try Users.add(store: fixture.store, name: "x", role: .reception, cost: 4)
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("x", first.password)
                #expect(try await browser.get("/reception").status == .ok)
                try Users.remove(store: fixture.store, name: "x")
                _ = try Users.add(store: fixture.store, name: "x", role: .admin, cost: 4)
                // The old cookie names a record that is gone: it signs nobody in.
                let admin = try await browser.get("/admin/users")
                #expect(admin.status == .seeOther)
                #expect(admin.headers[.location]?.hasPrefix("/login") == true)
                #expect(!admin.text.contains("Användare"))
                #expect(try await browser.get("/reception").status == .seeOther)
            }
        }
    }

    // MARK: Throttling locks out no one else

    @Test func wrongTokensFromOneClientDoNotLockTheUsersTokenOutElsewhere() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let cy = try Users.add(store: store, name: "cy", role: .grants, cost: 4)
        let users = UserDirectory(store: store, decoyCost: 4)
        let wrong = "cy.\(String(repeating: "f", count: 64))"
        for _ in 0...LoginThrottle.allowedFailures {
            #expect(try await users.user(token: wrong, address: { "10.0.0.66" }) == nil)
        }
        #expect(try await users.user(token: cy.token, address: { "10.0.0.7" })?.name == "cy")
        // Different wrong tokens from one address: the address waits once it sent too many.
        for i in 0..<LoginThrottle.allowedFailuresPerAddress {
            #expect(try await users.user(token: "cy.\(String(format: "%064x", i))", address: { "10.0.0.66" }) == nil)
        }
        // The attacker's address is slowed down; the user elsewhere is not.
        let dag = try Users.add(store: store, name: "dag", role: .grants, cost: 4)
        #expect(try await users.user(token: dag.token, address: { "10.0.0.66" }) == nil)
        #expect(try await users.user(token: dag.token, address: { "10.0.0.8" })?.name == "dag")
    }

    @Test func wrongTokensInAUsersNameDoNotLockTheirTokenOutOverHTTP() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.live) { client in
                let wrong = "grants.\(String(repeating: "0", count: 64))"
                for _ in 0...LoginThrottle.allowedFailures {
                    let response = try await client.execute(
                        uri: "/api/events", method: .post,
                        headers: [.authorization: "Bearer \(wrong)", .contentType: "application/json", .xForwardedFor: "192.0.2.66"],
                        body: ByteBuffer(string: "{}"))
                    #expect(response.status == .unauthorized)
                }
                let decision = #"{"type":"grant.decision","occurred":"2013-05-01","grant":"TM-1","project":"P","area":"miljo","amount_sek":1000,"decision":"approved"}"#
                var headers = fixture.bearer(.grants)
                headers[.xForwardedFor] = "192.0.2.7"
                let valid = try await client.execute(uri: "/api/events", method: .post, headers: headers, body: ByteBuffer(string: decision))
                #expect(valid.status == .created)
            }
        }
    }

    @Test func wrongPasswordsFromOneAddressDoNotLockTheUserOutFromAnother() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.live) { client in
                let attacker = Browser(client)
                attacker.headers[.xForwardedFor] = "192.0.2.66"
                for _ in 0..<LoginThrottle.allowedFailures {
                    #expect(try await attacker.signIn("analyst", "not-the-password").status == .unauthorized)
                }
                #expect(try await attacker.signIn("analyst", fixture.passwords[.analyst]!).status == .tooManyRequests)
                let user = Browser(client)
                user.headers[.xForwardedFor] = "192.0.2.7"
                let signIn = try await user.signIn("analyst", fixture.passwords[.analyst]!)
                #expect(signIn.status == .seeOther)
                #expect(try await user.get("/log").status == .ok)
            }
        }
    }

    /// A wrong token costs one slow hash whether or not its user exists, so the time taken
    /// does not tell which names exist (counted, not timed).
    @Test func aTokenForAnUnknownUserCostsTheSameSlowCheck() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        _ = try Users.add(store: store, name: "dag", role: .grants, cost: 4)
        let checks = Locked<[String]>([])
        let users = UserDirectory(store: store, decoyCost: 4) { secret, hash in
            checks.withLock { $0.append(hash) }
            return UserDirectory.bcrypt(secret, hash)
        }
        let secret = String(repeating: "e", count: 64)
        #expect(try await users.user(token: "dag.\(secret)") == nil)
        #expect(checks.withLock { $0.count } == 1)
        #expect(try await users.user(token: "nobody.\(secret)") == nil)
        #expect(checks.withLock { $0.count } == 2)
        // Against a hash of the same cost as the users' own.
        let hashes = checks.withLock { $0 }
        try #require(hashes.count == 2)
        #expect(hashes[0].prefix(7) == hashes[1].prefix(7))
        #expect(try await users.user(name: "nobody", password: "x") == nil)
        #expect(checks.withLock { $0.count } == 3)
    }

    // MARK: Bounded bodies and pages

    @Test func anOverLimitBodyGets413AsAProblemAndAppendsNothing() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let before = try fixture.store.head()
                let limit = ServerConfiguration().maxRequestBody
                let visit = Sample.visit()
                let count = limit / (visit.utf8.count + 1) + 1
                let body = "[" + Array(repeating: visit, count: count).joined(separator: ",") + "]"
                #expect(body.utf8.count > limit)
                let response = try await client.postEvents(body, as: .reception, fixture)
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.contentSecurityPolicy] != nil)
                let problem = try response.object()
                #expect(problem["status"]?.int == 413)
                #expect(problem["type"]?.string?.hasSuffix("/problems/too-large") == true)
                #expect(try fixture.store.head() == before)
            }
        }
    }

    @Test func anOverLimitFormGets413AndSavesNothing() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let before = try fixture.store.head()
            let response = try await browser.post("/reception", [
                ("type", "navet.visit"), ("occurred", Day.today().description), ("municipality", "1490"), ("pupils", "3"), ("teachers", "1"),
                ("note", String(repeating: "a", count: FormData.maxBody)),
            ])
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("för stort"))
            #expect(try fixture.store.head() == before)
        }
    }

    /// Text fields hold up to 200 scalars of up to 4 bytes each; a list shows each event in
    /// a bounded line, and a bounded number of them.
    @Test func listPagesStaySmallWhateverTheEventsHold() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            let long = String(repeating: "𝄞", count: 199) + "!"
            let today = Day.today().description
            let visits = try (1...150).map { i in
                try Event.decode(json: """
                    {"type":"navet.visit","occurred":"\(today)","municipality":"1490","school":"\(long)","theme":"\(long)",\
                    "pupils":\(i),"teachers":1,"note":"\(long)"}
                    """, today: .today())
            }
            let decisions = try (1...150).map { i in
                try Event.decode(json: """
                    {"type":"grant.decision","occurred":"\(today)","grant":"G-\(i)","project":"\(long)","applicant":"\(String(repeating: "𝄞", count: 190))\(i)",\
                    "area":"miljo","amount_sek":1,"decision":"approved","note":"\(long)"}
                    """, today: .today())
            }
            _ = try fixture.store.append(visits + decisions)
            // A row is at most about 2 kB, and a page lists at most 100 (the log 50).
            for (path, bound) in [("/reception", 256_000), ("/log", 100_000), ("/grants", 128_000)] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.readableBytes < bound, "\(path): \(page.body.readableBytes) bytes")
            }
            let log = try await browser.get("/log").text
            #expect(log.contains("𝄞…"))
            #expect(!log.contains(long))
        }
    }

    // MARK: API errors are problems, with the pages' security headers

    @Test func apiErrorsAreProblemDetailsWithSecurityHeaders() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                func check(_ response: TestResponse, _ status: HTTPResponse.Status, _ slug: String, field: String? = nil, index: Int? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
                    #expect(response.status == status, sourceLocation: sourceLocation)
                    #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, sourceLocation: sourceLocation)
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
                    #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
                    let problem = try response.object()
                    #expect(problem["type"]?.string == "https://registry.invalid/problems/\(slug)", sourceLocation: sourceLocation)
                    #expect(problem["title"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
                    #expect(problem["status"]?.int == Int(status.code), sourceLocation: sourceLocation)
                    let detail = try #require(problem["detail"]?.string, sourceLocation: sourceLocation)
                    #expect(problem["error"]?.string == detail, sourceLocation: sourceLocation)
                    #expect(problem["field"]?.string == field, sourceLocation: sourceLocation)
                    #expect(problem["index"]?.int == index, sourceLocation: sourceLocation)
                }
                try check(try await client.postEvents("[\(Sample.visit()),\(Sample.visit(pupils: -3))]", as: .reception, fixture),
                          .badRequest, "out-of-range", field: "pupils", index: 1)
                let long = String(repeating: "x", count: 300)
                try check(try await client.postEvents(Sample.visit(extra: #","note":"\#(long)""#), as: .reception, fixture),
                          .badRequest, "too-long", field: "note")
                try check(try await client.postEvents(Sample.visit(extra: #","colour":"blue""#), as: .reception, fixture),
                          .badRequest, "unknown-field", field: "colour")
                try check(try await client.postEvents(#"{"type": "navet.visit","#, as: .reception, fixture), .badRequest, "invalid-json")
                try check(try await client.postEvents(Sample.visit(), as: nil, fixture), .unauthorized, "unauthorized")
                let forged = try await client.execute(
                    uri: "/api/events", method: .post, headers: [.authorization: "Bearer reception.00", .contentType: "application/json"],
                    body: ByteBuffer(string: Sample.visit()))
                try check(forged, .unauthorized, "unauthorized")
                try check(try await client.postEvents(Sample.visit(), as: .coach, fixture), .forbidden, "forbidden")
                try check(try await client.get("/api/nope", as: .analyst, fixture), .notFound, "not-found")
                try check(try await client.get("/api/reports/visitors?period=2013", as: .analyst, fixture), .notFound, "not-found")
                try check(try await client.execute(uri: "/api/events", method: .delete, headers: fixture.bearer(.admin)), .methodNotAllowed, "method-not-allowed")
            }
        }
    }

    // MARK: An id does not read another's event

    @Test func postingTheIdOfAnEventTheRoleMayNotReadRevealsNothing() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let opened = try fixture.store.append([try Event.decode(json: Sample.mcCase("MC-SECRET-1"), today: .today())])
            let caseID = try #require(opened.first?.event.event.id?.description)
            let head = try fixture.store.head()
            try await fixture.app().test(.router) { client in
                let single = try await client.postEvents(Sample.visit(id: caseID), as: .reception, fixture)
                #expect(single.status == .conflict)
                #expect(single.headers[.contentType] == "application/problem+json")
                #expect(try single.object()["type"]?.string?.hasSuffix("/problems/id-taken") == true)
                for secret in ["MC-SECRET-1", "mc.case", "1490", "Borås", "core"] {
                    #expect(!single.text.contains(secret), "\(secret)")
                }
                // In an array, nothing of it is appended either.
                let array = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(id: caseID))]", as: .reception, fixture)
                #expect(array.status == .conflict)
                #expect(try array.object()["index"]?.int == 1)
                #expect(!array.text.contains("MC-SECRET-1"))
                #expect(try fixture.store.head() == head)
                // The coach's own retry is still idempotent.
                let retry = try await client.postEvents(Sample.mcCase("MC-SECRET-1").replacingOccurrences(of: "{", with: "{\"id\":\"\(caseID)\","), as: .coach, fixture)
                #expect(retry.status == .ok)
                #expect(retry.text.contains("MC-SECRET-1"))
            }
            // Nor does the reception page's confirmation show it.
            let page = try await browser.get("/reception?saved=\(caseID)")
            #expect(page.status == .ok)
            #expect(!page.text.contains("MC-SECRET-1"))
        }
    }

    // MARK: Secure cookies

    @Test func theSessionCookieIsSecureOnlyWhenConfigured() async throws {
        try await Fixture.with { fixture in
            for secure in [false, true] {
                try await fixture.app(ServerConfiguration(port: 0, secureCookies: secure)).test(.router) { client in
                    let signIn = try await Browser(client).signIn("analyst", fixture.passwords[.analyst]!)
                    let cookie = try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("registry_session=") })
                    #expect(cookie.contains("Secure") == secure, "\(cookie)")
                    #expect(cookie.contains("HttpOnly"))
                }
            }
        }
    }

    // MARK: Report queries

    @Test func reportQueriesRefuseBothAsOfsAFutureAsOfAndUnsupportedFormats() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            try await fixture.app().test(.router) { client in
                let both = try await client.get("/api/reports/navet?period=2013&as_of=2013-12-31&as_of_seq=5", as: .analyst, fixture)
                #expect(both.status == .badRequest)
                #expect(both.headers[.contentType] == "application/problem+json")
                let detail = try #require(try both.object()["detail"]?.string)
                #expect(detail.contains("as_of") && detail.contains("as_of_seq"))
                for future in ["2999-01-01", "2999-01-01T00:00:00Z", Day.today().adding(days: 1).description] {
                    let response = try await client.get("/api/reports/navet?period=2013&as_of=\(future)", as: .analyst, fixture)
                    #expect(response.status == .badRequest, "\(future)")
                    #expect(try response.object()["field"]?.string == "as_of", "\(future)")
                    #expect(try response.object()["type"]?.string?.hasSuffix("/problems/in-the-future") == true, "\(future)")
                }
                for past in [Day.today().description, "2013-12-31", "2014-02-15T22:59:59Z"] {
                    #expect(try await client.get("/api/reports/navet?period=2013&as_of=\(past)", as: .analyst, fixture).status == .ok, "\(past)")
                }
                for format in ["pdf", "table", "markdown"] {
                    let response = try await client.get("/api/reports/navet?period=2013&format=\(format)", as: .analyst, fixture, headers: [.accept: "text/csv"])
                    #expect(response.status == .badRequest, "\(format)")
                    let problem = try response.object()
                    #expect(problem["field"]?.string == "format")
                    #expect(problem["type"]?.string?.hasSuffix("/problems/unsupported-format") == true)
                    #expect(problem["detail"]?.string?.contains(format) == true)
                }
            }
            let page = try await browser.get("/reports?name=navet&period=2013&as_of=2999-01-01")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("ligger i framtiden"))
            let both = try await browser.get("/reports?name=navet&period=2013&as_of=2013-12-31&as_of_seq=3")
            #expect(both.status == .badRequest)
        }
    }
}

extension HTTPFields.Element.Name {
    static let xForwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
}
