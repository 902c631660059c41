import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// How the pages are put together, for people on a tablet or with a screen reader.
@Suite struct PageStructureTests {
    @Test func elementIDsAreUniqueAndEveryLabelFindsItsOwnFormsInput() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            let today = Day.today().description
            try await browser.post("/coach/case", [("case", "MC-I-1"), ("municipality", "1490"), ("service", "core"), ("occurred", today)])
            for path in ["/reception", "/coach", "/grants", "/reports", "/log", "/admin/users"] {
                let html = try await browser.get(path).text
                let ids = Self.matches(#"\sid="([^"]+)""#, in: html)
                #expect(Set(ids).count == ids.count, "\(path) repeats ids: \(ids.filter { id in ids.filter { $0 == id }.count > 1 })")
                for form in Self.matches(#"(<form[\s\S]*?</form>)"#, in: html) {
                    let formIDs = Set(Self.matches(#"\sid="([^"]+)""#, in: form))
                    for target in Self.matches(#"<label for="([^"]+)""#, in: form) {
                        #expect(formIDs.contains(target), "\(path): the label for \(target) points outside its form")
                    }
                }
            }
            // Both coach forms have a case, a date and a note, each with its own ids.
            let coach = try await browser.get("/coach").text
            for id in ["f-case-case", "f-case-occurred", "f-case-note", "f-outcome-case", "f-outcome-occurred", "f-outcome-note"] {
                #expect(coach.contains("id=\"\(id)\""), "\(id)")
            }
        }
    }

    @Test func missingAndForbiddenPagesHaveTheAppsLayoutInSwedish() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let anonymous = try await client.execute(uri: "/finns-inte", method: .get)
                #expect(anonymous.status == .notFound)
                #expect(anonymous.headers[.contentType] == "text/html; charset=utf-8")
                #expect(anonymous.text.contains("<h1>Sidan finns inte</h1>"))

                let browser = Browser(client)
                try await browser.signIn("reception", fixture.passwords[.reception]!)
                for (path, status, title) in [
                    ("/finns-inte", HTTPResponse.Status.notFound, "Sidan finns inte"),
                    ("/reception/undo", .notFound, "Sidan finns inte"),  // only posted to
                    ("/reception/fix?id=00000000-0000-4000-8000-000000000000", .notFound, "Sidan finns inte"),
                    ("/reports", .forbidden, "Ingen behörighet"),
                ] {
                    let page = try await browser.get(path)
                    #expect(page.status == status, "\(path)")
                    #expect(page.text.contains("<html lang=\"sv\">"), "\(path)")
                    #expect(page.text.contains("<h1>\(title)</h1>"), "\(path)")
                    // The navigation and the sign-out button, which needs the session's CSRF token.
                    #expect(page.text.contains("<a href=\"/reception\">Reception</a>"), "\(path)")
                    #expect(page.text.contains("Logga ut</button>"), "\(path)")
                    #expect(page.text.contains("name=\"csrf\" value=\"\(browser.csrf ?? "-")\""), "\(path)")
                }
                // The API answers as before: no page.
                let api = try await client.get("/api/finns-inte", as: .analyst, fixture)
                #expect(api.status == .notFound)
                #expect(api.headers[.contentType]?.hasPrefix("text/html") != true)
                let report = try await client.get("/api/reports/finns-inte?period=2013", as: .analyst, fixture)
                #expect(report.status == .notFound)
                #expect(try report.object()["error"]?.string?.hasPrefix("no report") == true)
            }
        }
    }

    @Test func todaysEntriesAndTheNavetReportAreLaidOutForATablet() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let today = Day.today().description
                let training = #"{"type":"navet.training","occurred":"\#(today)","municipality":"Mark","participants":3,"days":"1"}"#
                #expect(try await client.postEvents("[\(Sample.visit()),\(training)]", as: .reception, fixture).status == .created)
                let browser = Browser(client)
                try await browser.signIn("admin", fixture.passwords[.admin]!)
                // The reason for an undo opens on demand, and the list turns into cards upright
                // (Tests/browser/e2e.py measures both sizes in Chromium).
                let reception = try await browser.get("/reception").text
                #expect(reception.contains("<table class=\"entries\">"))
                #expect(reception.contains("<details class=\"undo\"><summary>Ångra …</summary>"))
                #expect(reception.contains("@media (max-width:52rem){\ntable.entries thead{display:none}"))
                // Report headings may wrap, also inside long compounds.
                let report = try await browser.get("/reports?name=navet&period=\(today.prefix(4))").text
                #expect(report.contains("table.report thead th{white-space:normal;"))
                #expect(report.contains(">Kompetens\u{AD}utveckling lärare</th>"))
                for external in ["<link", "<script", "src=\"http", "url(", "@import"] {
                    #expect(!reception.contains(external) && !report.contains(external), "no external resources: \(external)")
                }
            }
        }
    }

    /// The first capture group of every match of `pattern`.
    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
