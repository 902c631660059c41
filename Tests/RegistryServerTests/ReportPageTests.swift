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
                         "header,form,nav,.links,details,td.actions,th.actions,.no-print,svg{display:none!important}"] {
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
}
