import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// The report page on paper and on a laptop's screen, and its figures opened (issue 18).
@Suite struct ReportPageTests {
    @Test func aReportPrintsOnA4LandscapeWithItsProvenanceInTheFooter() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            _ = try fixture.store.append([Sample.visit(), Sample.visit(municipality: "Mark", pupils: 1200)].map { try Event.decode(json: $0, today: .today()) })
            let page = try await browser.get("/reports?name=navet&period=2013&compare_year=on").text
            for rule in ["@media print{", "@page{size:A4 landscape", "thead{display:table-header-group}", ".scroll{overflow:visible}",
                         "header,form,nav,.links,details,td.actions,th.actions,.no-print{display:none!important}", "#chart{break-inside:avoid}"] {
                #expect(page.contains(rule), "\(rule)")
            }
            let head = try fixture.store.head()
            let footer = try #require(page.range(of: #"<p class="print-only" id="print-footer">[^<]*</p>"#, options: .regularExpression).map { String(page[$0]) })
            #expect(footer.contains("period 2013-01-01–2013-12-31 jämfört med 2012-01-01–2012-12-31"))
            #expect(footer.contains("t.o.m. händelse \(head.position)"))
            #expect(footer.contains(head.hashHex))
        }
    }

    @Test func theCompactComparisonShowsOneMeasureAtATime() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            _ = try fixture.store.append([Sample.visit(), Sample.visit(municipality: "Mark", pupils: 1200)].map { try Event.decode(json: $0, today: .today()) })
            let full = try await browser.get("/reports?name=navet&period=2013&compare_year=on").text
            #expect(full.components(separatedBy: "<th colspan=\"3\"").count - 1 > 2)
            #expect(full.contains("<a href=\"/reports?name=navet&amp;period=2013&amp;compare_year=on&amp;view=compact\">Kompakt jämförelse (ett mått i taget)</a>"))

            // The total by default, then any measure; the rows are all there.
            let compact = try await browser.get("/reports?name=navet&period=2013&compare_year=on&view=compact").text
            #expect(compact.components(separatedBy: "<th colspan=\"3\"").count - 1 == 1)
            #expect(compact.contains("<th colspan=\"3\" class=\"n\">Summa</th>"))
            #expect(compact.contains("<strong aria-current=\"true\">Summa</strong>"))
            let pupils = try await browser.get("/reports?name=navet&period=2013&compare_year=on&view=compact&measure=pupils").text
            #expect(pupils.contains("<th colspan=\"3\" class=\"n\">Elever</th>"))
            #expect(pupils.components(separatedBy: "<th colspan=\"3\"").count - 1 == 1)
            #expect(pupils.contains("data-column=\"pupils\">24</td>") || pupils.contains(">24</a></td>"))
            #expect(pupils.contains("<th scope=\"row\">Mark</th>"))
            // Without a comparison the view is the plain table.
            let plain = try await browser.get("/reports?name=navet&period=2013&view=compact").text
            #expect(plain.contains("data-column=\"teachers\""))
        }
    }

    /// The figures of `page` that link to their events: (address, figure).
    static func figures(_ page: String) throws -> [(String, Int)] {
        let regex = try NSRegularExpression(pattern: #"<a href="([^"]*)" class="figure">([^<]*)</a>"#)
        return regex.matches(in: page, range: NSRange(page.startIndex..., in: page)).map { match in
            let address = String(page[Range(match.range(at: 1), in: page)!]).replacingOccurrences(of: "&amp;", with: "&")
            let text = String(page[Range(match.range(at: 2), in: page)!])
            let value = Int(text.filter(\.isNumber))! * (text.hasPrefix("−") ? -1 : 1)
            return (address, value)
        }
    }

    @Test func aFigureOpensTheEventsBehindItAndTheyAddUpToIt() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            let events = try fixture.store.append([
                Sample.visit(), Sample.visit(pupils: 10), Sample.visit(pupils: 5), Sample.visit(municipality: "Mark", pupils: 1200),
                #"{"type":"navet.training","occurred":"2013-10-01","municipality":"1490","participants":30,"days":"1.5"}"#,
                #"{"type":"navet.visit","occurred":"2012-10-01","municipality":"1490","pupils":7,"teachers":1}"#,
            ].map { try Event.decode(json: $0, today: .today()) })
            let (corrected, undone) = (events[1].event, events[2].event)
            let amendments = try fixture.store.append([
                try Event.decode(json: #"{"type":"correction","occurred":"2013-09-13","target":"\#(corrected.event.id!)","reason":"fel","replacement":\#(Sample.visit(pupils: 12))}"#, today: .today()),
                try Event.decode(json: #"{"type":"retraction","occurred":"2013-09-13","target":"\#(undone.event.id!)","reason":"dubblett"}"#, today: .today()),
            ])
            let page = try await browser.get("/reports?name=navet&period=2013&compare_year=on").text
            let figures = try Self.figures(page)
            #expect(figures.count >= 8)
            for (address, value) in figures {
                let behind = try await browser.get(address)
                #expect(behind.status == .ok, "\(address)")
                let values = try NSRegularExpression(pattern: #"data-value="(-?[0-9]+)""#)
                    .matches(in: behind.text, range: NSRange(behind.text.startIndex..., in: behind.text))
                    .map { Int(behind.text[Range($0.range(at: 1), in: behind.text)!])! }
                #expect(values.reduce(0, +) == value, "\(address)")
                #expect(behind.text.contains("<strong id=\"figure\">"))
            }
            // Borås's pupils in 2013: 24, and 12 by the correction (its original 10 does not count, nor the undone 5).
            let boras = try #require(figures.first { $0.0.contains("row=1490") && $0.0.contains("column=pupils") && $0.0.contains("period=2013&") })
            #expect(boras.1 == 36)
            let list = try await browser.get(boras.0).text
            let c = amendments[0].event.seq
            #expect(list.contains("<a href=\"/log?before=\(events[0].event.seq + 1)#e-\(events[0].event.seq)\">\(events[0].event.seq)</a>"))
            #expect(list.contains("<a href=\"/log?before=\(c + 1)#e-\(c)\">\(c)</a>"))
            #expect(list.contains("rättar <a href=\"/log?before=\(corrected.seq + 1)#e-\(corrected.seq)\">händelse \(corrected.seq)</a>"))
            #expect(!list.contains("data-seq=\"\(undone.seq)\""))
            #expect(list.contains("id=\"events-sum\">36</td>"))
            // As of the position before the correction, the original counts.
            let before = try await browser.get("/reports/navet/events?period=2013&row=1490&column=pupils&as_of_seq=\(c - 1)").text
            #expect(before.contains("id=\"events-sum\">39</td>"))
            // The comparison's figures open the year before.
            #expect(figures.contains { $0.0.contains("period=2012&") && $0.1 == 7 })
            // A name no report has is not found; a period that cannot be read is refused.
            #expect(try await browser.get("/reports/nope/events?period=2013&row=1490&column=pupils").status == .notFound)
            #expect(try await browser.get("/reports/navet/events?period=2013-H7&row=1490&column=pupils").status == .badRequest)
        }
    }

    @Test func everyReportsFiguresAddUpToTheirEvents() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            _ = try fixture.store.append([
                Sample.mcCase("MC-1"), Sample.mcCase("MC-2"),
                #"{"type":"mc.outcome","occurred":"2013-04-01","case":"MC-1","municipality":"1490","outcome":"studies"}"#,
                #"{"type":"grant.decision","occurred":"2013-05-01","grant":"TM-1","project":"P","area":"tillvaxt","amount_sek":250000,"decision":"approved"}"#,
                #"{"type":"grant.decision","occurred":"2013-06-01","grant":"TM-2","project":"Q","area":"tillvaxt","amount_sek":1000,"decision":"rejected"}"#,
                Sample.visit(),
            ].map { try Event.decode(json: $0, today: .today()) })
            for name in ["mc", "grants", "events"] {
                let page = try await browser.get("/reports?name=\(name)&period=2013").text
                let figures = try Self.figures(page)
                #expect(!figures.isEmpty, "\(name)")
                for (address, value) in figures {
                    let behind = try await browser.get(address).text
                    let values = try NSRegularExpression(pattern: #"data-value="(-?[0-9]+)""#)
                        .matches(in: behind, range: NSRange(behind.startIndex..., in: behind))
                        .map { Int(behind[Range($0.range(at: 1), in: behind)!])! }
                    #expect(values.reduce(0, +) == value, "\(address)")
                }
            }
        }
    }
}
