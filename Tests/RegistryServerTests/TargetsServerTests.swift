import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// The targets report over the API and the page "Mål och utfall" (issue 17).
@Suite("Targets over HTTP")
struct TargetsServerTests {
    static let target = #"{"type":"plan.target","occurred":"2012-12-14","unit":"navet","key":"elever","period":"2013","text":"Minst 20 000 elever på teman","minimum":20000,"measure":{"type":"navet.visit","sum":"pupils"}}"#

    @Test func theAPIServesTheTargetsReportAndOnlyAdminSetsTargets() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                #expect(try await client.postEvents(Self.target, as: .reception, fixture).status == .forbidden)
                #expect(try await client.postEvents(Self.target, as: .admin, fixture).status == .created)
                _ = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                let json = try await client.get("/api/reports/targets?period=2013&unit=navet", as: .analyst, fixture)
                #expect(json.status == .ok)
                let report = try JSONParser.parse(json.text)
                #expect(report["report"]?.string == "targets")
                guard case .array(let rows)? = report["rows"] else { Issue.record("no rows"); return }
                #expect(rows.first?["key"]?.string == "elever")
                #expect(rows.first?["cells"]?["outcome"]?.int == 24)
                #expect(rows.first?["cells"]?["minimum"]?.int == 20000)
                #expect(rows.first?["cells"]?["status"]?.string == "not-achieved")
                #expect(rows.first?["cells"]?["comment"]?.isNull == true)
                let none = try await client.get("/api/reports/targets?period=2013&unit=mc", as: .analyst, fixture)
                guard case .array(let mcRows)? = try JSONParser.parse(none.text)["rows"] else { Issue.record("no rows"); return }
                #expect(mcRows.isEmpty)
                let bad = try await client.get("/api/reports/targets?period=2013&unit=skola", as: .analyst, fixture)
                #expect(bad.status == .badRequest)
                #expect(bad.text.contains("unit"))
                let csv = try await client.get("/api/reports/targets?period=2013&format=csv", as: .analyst, fixture)
                #expect(csv.text.contains("Mål,Lägsta nivå,Utfall,Andel,Status,Takt,Kommentar"))
            }
        }
    }

    @Test func thePageShowsTheTargetsWithSwedishLabelsAndABarEach() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            _ = try fixture.store.append([Event.decode(json: Self.target, today: .today())])
            let page = try await browser.get("/reports/targets?period=2013").text
            #expect(page.contains("Mål och utfall, 2013"))
            for label in ["Lägsta nivå", "Utfall", "Andel", "Status", "Takt", "Kommentar", "Minst 20 000 elever på teman", "ej uppnått"] {
                #expect(page.contains(label), "\(label)")
            }
            #expect(page.contains("<svg"))
            let menu = try await browser.get("/reports").text
            #expect(menu.contains("href=\"/reports/targets\""))
        }
    }

    @Test func aCoachLogsAnActivityOnTheCoachPages() async throws {
        try await Fixture.signedIn(as: .coach) { browser, fixture in
            #expect(try await browser.get("/coach").text.contains("href=\"/coach/activity\""))
            let form = try await browser.get("/coach/activity").text
            #expect(form.contains("Registrera aktivitet") && form.contains("Dialogträff"))
            let saved = try await browser.post("/coach/activity", [
                ("kind", "training"), ("programme", "PEUP"), ("participants", "24"), ("municipality", "Borås"), ("occurred", "2013-03-14"),
            ])
            #expect(saved.status == .seeOther || saved.status == .found, "\(saved.text)")
            let last = try #require(try fixture.store.events(after: 0).last?.event)
            #expect(last.fact == .activity(MCActivity(kind: .training, programme: "PEUP", municipality: Municipality.byCode("1490"), participants: 24, title: nil)))
            let bad = try await browser.post("/coach/activity", [("kind", "training"), ("participants", "-3"), ("occurred", "2013-03-14")])
            #expect(bad.status == .badRequest)
        }
    }
}
