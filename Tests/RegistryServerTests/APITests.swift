import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

@Suite struct APITests {
    @Test func requestsWithoutValidCredentialsAreRefused() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let anonymous = try await client.postEvents(Sample.visit(), as: nil, fixture)
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(try anonymous.object()["error"]?.string != nil)

                let forged = try await client.execute(
                    uri: "/api/events", method: .post,
                    headers: [.authorization: "Bearer reception.0123456789abcdef", .contentType: "application/json"],
                    body: ByteBuffer(string: Sample.visit()))
                #expect(forged.status == .unauthorized)

                #expect(try await client.get("/api/events", as: nil, fixture).status == .unauthorized)
                #expect(try await client.get("/api/reports/navet?period=2013", as: nil, fixture).status == .unauthorized)
            }
        }
    }

    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                // RFC 9110 §11.1: the scheme is matched without regard to case.
                // RFC 9110 §11.4: one or more spaces between scheme and token.
                for scheme in ["Bearer", "bearer", "BEARER", "bEaReR", "Bearer  "] {
                    let response = try await client.execute(
                        uri: "/api/events", method: .get, headers: [.authorization: "\(scheme) \(fixture.tokens[.analyst]!)"])
                    #expect(response.status == .ok, "\(scheme)")
                }
                // Only the scheme: a token with a changed case is another token, and the space is required.
                let token = fixture.tokens[.analyst]!
                for header in ["Bearer \(token.uppercased())", "Bearer\t\(token)", "Bearerx\(token)", "Basic \(token)"] {
                    let response = try await client.execute(uri: "/api/events", method: .get, headers: [.authorization: header])
                    #expect(response.status == .unauthorized, "\(header)")
                }
            }
        }
    }

    @Test func eachRoleAppendsOnlyItsOwnUnit() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                #expect(try await client.postEvents(Sample.visit(), as: .coach, fixture).status == .forbidden)
                #expect(try await client.postEvents(Sample.visit(), as: .analyst, fixture).status == .forbidden)
                #expect(try await client.postEvents(Sample.visit(), as: .reception, fixture).status == .created)
                #expect(try await client.postEvents(Sample.mcCase("MC-1"), as: .reception, fixture).status == .forbidden)
                let opened = try await client.postEvents(Sample.mcCase("MC-1"), as: .coach, fixture)
                #expect(opened.status == .created)
                #expect(try await client.postEvents(Sample.mcCase("MC-2"), as: .admin, fixture).status == .created)

                let membership = #"{"type":"membership","occurred":"2013-01-01","unit":"navet","municipality":"Vårgårda","role":"member","from":"2013-01-01"}"#
                #expect(try await client.postEvents(membership, as: .reception, fixture).status == .forbidden)
                #expect(try await client.postEvents(membership, as: .admin, fixture).status == .created)

                // Undoing someone else's kind of event is judged by the target's type.
                let caseID = try #require(try opened.object()["id"]?.string)
                let retraction = #"{"type":"retraction","occurred":"2013-03-02","target":"\#(caseID)","reason":"test"}"#
                let denied = try await client.postEvents(retraction, as: .reception, fixture)
                #expect(denied.status == .forbidden)
                #expect(try denied.object()["index"]?.isNull == true)
                #expect(try await client.postEvents(retraction, as: .coach, fixture).status == .created)

                // The role comes before the content: what a role may not append is refused as
                // such (403), whatever else is wrong with it, also in an array and for a
                // retraction of nothing by a role that appends nothing.
                let badVisit = Sample.visit(pupils: -1)
                #expect(try await client.postEvents(badVisit, as: .coach, fixture).status == .forbidden)
                #expect(try await client.postEvents(badVisit, as: .analyst, fixture).status == .forbidden)
                #expect(try await client.postEvents(badVisit, as: .reception, fixture).status == .badRequest)
                let mixed = try await client.postEvents("[\(Sample.mcCase("MC-3")),\(badVisit)]", as: .coach, fixture)
                #expect(mixed.status == .forbidden)
                #expect(try mixed.object()["index"]?.int == 1)
                let nothing = #"{"type":"retraction","occurred":"2013-03-02","target":"\#(EventID.random())","reason":"x"}"#
                #expect(try await client.postEvents(nothing, as: .analyst, fixture).status == .forbidden)
                #expect(try await client.postEvents(nothing, as: .coach, fixture).status == .badRequest)
                // A retraction of a visit, or a correction into one, is the reception's: a coach
                // hears so even when the retraction lacks its reason or the replacement is bad.
                let visit = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                let visitID = try #require(try visit.object()["id"]?.string)
                let reasonless = #"{"type":"retraction","occurred":"2013-03-02","target":"\#(visitID)"}"#
                #expect(try await client.postEvents(reasonless, as: .coach, fixture).status == .forbidden)
                #expect(try await client.postEvents(reasonless, as: .reception, fixture).status == .badRequest)
                let into = #"{"type":"correction","occurred":"2013-03-02","target":"\#(caseID)","reason":"x","replacement":\#(badVisit)}"#
                #expect(try await client.postEvents(into, as: .coach, fixture).status == .forbidden)

                // Reading the log and reports is for analysts and admins.
                #expect(try await client.get("/api/events", as: .reception, fixture).status == .forbidden)
                #expect(try await client.get("/api/reports/navet?period=2013", as: .coach, fixture).status == .forbidden)
                #expect(try await client.get("/api/events", as: .analyst, fixture).status == .ok)
                #expect(try await client.get("/api/events", as: .admin, fixture).status == .ok)
            }
        }
    }

    @Test func theResponseIsTheExportFormWithTheAuthenticatedUserAsBy() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let one = try await client.postEvents(Sample.visit(extra: #","by":"mallory""#), as: .reception, fixture)
                #expect(one.status == .created)
                #expect(one.headers[.contentType]?.hasPrefix("application/json") == true)
                let event = try one.object()
                #expect(event["by"]?.string == "reception")
                #expect(event["municipality"]?.string == "1490")
                #expect(event["seq"]?.int == Int(try fixture.store.head().position))
                #expect(event["hash"]?.string == (try fixture.store.head().hashHex))
                #expect(event["recorded"]?.string?.hasSuffix("Z") == true)
                #expect(event["id"]?.string.flatMap(EventID.init) != nil)

                let two = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(municipality: "Mark"))]", as: .reception, fixture)
                #expect(two.status == .created)
                let items = try two.array()
                #expect(items.count == 2)
                #expect(items.map { $0["seq"]?.int } == [event["seq"]!.int! + 1, event["seq"]!.int! + 2])
            }
        }
    }

    @Test func invalidInputNamesTheFieldAndIndex() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let before = try fixture.store.head()

                let array = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(pupils: -3))]", as: .reception, fixture)
                #expect(array.status == .badRequest)
                let error = try array.object()
                #expect(error["field"]?.string == "pupils")
                #expect(error["index"]?.int == 1)
                #expect(error["error"]?.string?.contains("negative") == true)

                let single = try await client.postEvents(#"{"type":"navet.visit","occurred":"2013-02-30","pupils":1,"teachers":0}"#, as: .reception, fixture)
                #expect(single.status == .badRequest)
                #expect(try single.object()["field"]?.string == "occurred")
                #expect(try single.object()["index"]?.isNull == true)

                let unknownField = try await client.postEvents(Sample.visit(extra: #","colour":"blue""#), as: .reception, fixture)
                #expect(try unknownField.object()["field"]?.string == "colour")

                let broken = try await client.postEvents(#"{"type": "navet.visit","#, as: .reception, fixture)
                #expect(broken.status == .badRequest)
                #expect(try broken.object()["field"]?.isNull == true)
                #expect(try broken.object()["index"]?.isNull == true)

                #expect(try fixture.store.head() == before)
            }
        }
    }

    @Test func aRejectedSecondEventAppendsNothing() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let before = try fixture.store.head()
                // Valid on its own, rejected by the log: an outcome for a case never opened.
                let outcome = #"{"type":"mc.outcome","occurred":"2013-05-01","case":"MC-404","municipality":"1490","outcome":"studies"}"#
                let response = try await client.postEvents("[\(Sample.mcCase("MC-7")),\(outcome)]", as: .coach, fixture)
                #expect(response.status == .badRequest)
                #expect(try response.object()["index"]?.int == 1)
                #expect(try response.object()["field"]?.string == "case")
                #expect(try fixture.store.head() == before)
            }
        }
    }

    @Test func repeatingAnEventIdIsIdempotent() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let id = "6f1c1f4e-8a2b-4c55-9d3e-2b7a1c0d9e11"
                let first = try await client.postEvents(Sample.visit(id: id), as: .reception, fixture)
                #expect(first.status == .created)
                let head = try fixture.store.head()
                let again = try await client.postEvents(Sample.visit(id: id), as: .reception, fixture)
                #expect(again.status == .ok)
                #expect(again.text == first.text)
                #expect(try fixture.store.head() == head)

                // A mix of old and new is a creation.
                let mixed = try await client.postEvents("[\(Sample.visit(id: id)),\(Sample.visit())]", as: .reception, fixture)
                #expect(mixed.status == .created)
                #expect(try mixed.array().map { $0["id"]?.string }.first == id)
            }
        }
    }

    @Test func reportsComeAsJSONOrCSV() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(municipality: "Varberg", pupils: 10, teachers: 1))]", as: .reception, fixture)

                let json = try await client.get("/api/reports/navet?period=2013", as: .analyst, fixture)
                #expect(json.status == .ok)
                let report = try JSONParser.parse(json.text)
                #expect(report["report"]?.string == "navet")
                #expect(report["period"]?["from"]?.string == "2013-01-01")
                guard case .array(let rows)? = report["rows"] else { Issue.record("no rows"); return }
                let boras = rows.first { $0["key"]?.string == "1490" }
                #expect(boras?["label"]?.string == "Borås")
                #expect(boras?["cells"]?["pupils"]?.int == 24)
                #expect(rows.first { $0["key"]?.string == "other" }?["cells"]?["pupils"]?.int == 10)
                #expect(report["compare"]?.isNull == true)
                // Exactly the library's JSON.
                let expected = try fixture.store.report(ReportQuery(name: .navet, period: try Period.parse("2013"))).json()
                #expect(json.text == expected + "\n")

                let csv = try await client.get("/api/reports/navet?period=2013", as: .analyst, fixture, headers: [.accept: "text/csv"])
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(csv.text.contains("\nBorås,24,2,26\n"))

                let head = try fixture.store.head().position
                let compared = try await client.get("/api/reports/navet?period=2013&compare=2012&as_of_seq=\(head)", as: .admin, fixture)
                #expect(try JSONParser.parse(compared.text)["compare"]?["period"]?["from"]?.string == "2012-01-01")
                // A position the log has not reached is the future (SPEC §4).
                let future = try await client.get("/api/reports/navet?period=2013&as_of_seq=\(head + 1)", as: .admin, fixture)
                #expect(future.status == .badRequest)
                #expect(try future.object()["field"]?.string == "as_of_seq")

                let badPeriod = try await client.get("/api/reports/navet?period=2013-H3", as: .analyst, fixture)
                #expect(badPeriod.status == .badRequest)
                #expect(try badPeriod.object()["field"]?.string == "period")
                #expect(try await client.get("/api/reports/navet", as: .analyst, fixture).status == .badRequest)
                #expect(try await client.get("/api/reports/visitors?period=2013", as: .analyst, fixture).status == .notFound)
            }
        }
    }

    @Test func reportsAreCSVOnlyWhenAcceptPrefersIt() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                // Ties and no header give JSON, so clients that never asked for CSV keep JSON.
                let cases: [(accept: String?, csv: Bool)] = [
                    (nil, false), ("text/csv", true), ("TEXT/CSV; charset=utf-8", true), ("text/*", true),
                    ("application/json, text/csv", false), ("text/csv, application/json", false),
                    ("text/csv;q=0.1, application/json", false), ("text/csv, application/json;q=0.9", true),
                    ("*/*", false), ("text/csv;q=0", false), ("text/csv;q=0, */*", false), ("application/json;q=0, */*", true),
                    ("text/html", false), ("text/csv, */*", true), ("text/csv;q=0.5, */*;q=0.5", true),
                ]
                for (accept, csv) in cases {
                    let headers: HTTPFields = accept.map { [.accept: $0] } ?? [:]
                    let response = try await client.get("/api/reports/navet?period=2013", as: .analyst, fixture, headers: headers)
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix(csv ? "text/csv" : "application/json") == true, "\(accept ?? "no Accept")")
                }
                // The query wins over the header.
                let json = try await client.get("/api/reports/navet?period=2013&format=json", as: .analyst, fixture, headers: [.accept: "text/csv"])
                #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
                let csv = try await client.get("/api/reports/navet?period=2013&format=csv", as: .analyst, fixture, headers: [.accept: "application/json"])
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                // A download starts with a byte order mark, for spreadsheets; the CSV asked for by
                // `Accept` does not.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                #expect(Array(csv.body.readableBytesView.prefix(3)) == bom)
                #expect(Array(csv.body.readableBytesView.dropFirst(3)) == Array(try fixture.store.report(ReportQuery(name: .navet, period: Period.parse("2013"))).csv().utf8))
                let asked = try await client.get("/api/reports/navet?period=2013", as: .analyst, fixture, headers: [.accept: "text/csv"])
                #expect(Array(asked.body.readableBytesView.prefix(3)) != bom)
            }
        }
    }

    @Test func unknownAddressesAndMethodsUnderAPIAnswerWithAProblem() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                for path in ["/api/nope", "/api", "/api/events/7"] {
                    let response = try await client.get(path, as: .analyst, fixture)
                    #expect(response.status == .notFound, "\(path)")
                    // SPEC §8: errors are RFC 9457 problems.
                    #expect(response.headers[.contentType] == "application/problem+json", "\(path)")
                    #expect(try response.object()["error"]?.string?.contains(path) == true, "\(path)")
                }
                let wrongMethods: [(HTTPRequest.Method, String, allow: String)] = [
                    (.post, "/api/reports/navet", "GET"), (.delete, "/api/events", "GET, POST"), (.put, "/api/events", "GET, POST"),
                ]
                for (method, path, allow) in wrongMethods {
                    let response = try await client.execute(uri: path, method: method, headers: fixture.bearer(.admin))
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(path)")
                    #expect(try response.object()["error"]?.string?.contains(method.rawValue) == true, "\(method) \(path)")
                }
                // HEAD is answered wherever GET is, without a body.
                let head = try await client.execute(uri: "/api/reports/navet?period=2013", method: .head, headers: fixture.bearer(.analyst))
                #expect(head.status == .ok)
                #expect(head.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(head.body.readableBytes == 0)
                // Pages keep their HTML page.
                let page = try await client.execute(uri: "/nope", method: .get)
                #expect(page.status == .notFound)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    @Test func catchUpReadersPageThroughTheLog() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let start = try fixture.store.head().position
                _ = try await client.postEvents("[\(Sample.visit()),\(Sample.visit()),\(Sample.visit())]", as: .reception, fixture)

                let all = try await client.get("/api/events?after=\(start)", as: .analyst, fixture)
                #expect(all.status == .ok)
                #expect(all.headers[.contentType] == "application/x-ndjson")
                let lines = all.text.split(separator: "\n").map { try? JSONParser.parse(String($0)) }
                #expect(lines.map { $0?["seq"]?.int } == [Int(start) + 1, Int(start) + 2, Int(start) + 3])

                let limited = try await client.get("/api/events?after=\(start + 1)&limit=1", as: .analyst, fixture)
                #expect(limited.text.split(separator: "\n").count == 1)
                #expect(try JSONParser.parse(String(limited.text.dropLast()))["seq"]?.int == Int(start) + 2)

                // Each line is exactly what `registry export` writes.
                var exported: [UInt8] = []
                try fixture.store.export(after: start) { exported += $0 }
                #expect(all.text == String(decoding: exported, as: UTF8.self))

                let bad = try await client.get("/api/events?after=-1", as: .analyst, fixture)
                #expect(bad.status == .badRequest)
                #expect(try bad.object()["field"]?.string == "after")
                #expect(try await client.get("/api/events?limit=0", as: .analyst, fixture).status == .badRequest)

                // Without `after` or `limit`: the whole log, sent a page at a time, in order.
                let many = try (1...Int(APIController.eventsPage) + 50).map { i in
                    try Event.decode(json: Sample.visit(pupils: i % 90 + 1), today: .today())
                }
                _ = try fixture.store.append(many)
                let head = try fixture.store.head().position
                let whole = try await client.get("/api/events", as: .analyst, fixture)
                var everything: [UInt8] = []
                try fixture.store.export(after: 0) { everything += $0 }
                #expect(whole.text.split(separator: "\n").count == Int(head))
                #expect(whole.text == String(decoding: everything, as: UTF8.self))
                let rest = try await client.get("/api/events?after=\(head - 5)&limit=1000000", as: .analyst, fixture)
                #expect(rest.text.split(separator: "\n").count == 5)
                let past = try await client.get("/api/events?after=\(head + 10)", as: .analyst, fixture)
                #expect(past.status == .ok && past.text.isEmpty)
            }
        }
    }

    @Test func healthIsOpenAndReportsTheHead() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok)
                let body = try health.object()
                #expect(body["status"]?.string == "ok")
                #expect(body["seq"]?.int == Int(try fixture.store.head().position))
            }
        }
    }

    /// The same API over a real socket.
    @Test func theAPIServesOverALiveConnection() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.live) { client in
                #expect(client.port != nil)
                let posted = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                #expect(posted.status == .created)
                let seq = try #require(try posted.object()["seq"]?.int)
                let read = try await client.get("/api/events?after=\(seq - 1)", as: .analyst, fixture)
                #expect(read.text == posted.text)
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
        }
    }
}
