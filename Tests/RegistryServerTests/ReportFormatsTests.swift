import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// `format=xlsx|json-stat|csv&excel=1` and `by=` on the report API, and the report page's
/// trend chart and downloads.
@Suite struct ReportFormatsTests {
    @Test func formatWinsOverAcceptForEveryFormat() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(municipality: "Mark", pupils: 12))]", as: .reception, fixture)
                let report = try fixture.store.report(ReportQuery(name: .navet, period: Period.parse("2013")))
                let cases: [(format: String, type: String, file: String)] = [
                    ("csv", "text/csv; charset=utf-8", "navet-2013.csv"),
                    ("json", "application/json; charset=utf-8", "navet-2013.json"),
                    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "navet-2013.xlsx"),
                    ("json-stat", "application/json; charset=utf-8", "navet-2013.stat.json"),
                ]
                for (format, type, file) in cases {
                    for accept in ["text/csv", "application/json", "*/*"] {
                        let response = try await client.get("/api/reports/navet?period=2013&format=\(format)", as: .analyst, fixture, headers: [.accept: accept])
                        #expect(response.status == .ok, "\(format) \(accept)")
                        #expect(response.headers[.contentType] == type, "\(format) \(accept)")
                        #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(file)\"", "\(format) \(accept)")
                    }
                }
                let xlsx = try await client.get("/api/reports/navet?period=2013&format=xlsx", as: .analyst, fixture, headers: [.accept: "text/csv"])
                #expect(Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))
                let stat = try await client.get("/api/reports/navet?period=2013&format=json-stat", as: .analyst, fixture, headers: [.accept: "text/csv"])
                #expect(String(buffer: stat.body) == report.jsonStat() + "\n")
                let excel = try await client.get("/api/reports/navet?period=2013&format=csv&excel=1", as: .analyst, fixture)
                #expect(String(buffer: excel.body) == report.excelCSV())
                #expect(String(buffer: excel.body).hasPrefix("\u{FEFF}Kommun;Elever;"))
                // excel with another format is refused.
                let wrong = try await client.get("/api/reports/navet?period=2013&format=json&excel=1", as: .analyst, fixture)
                #expect(wrong.status == .badRequest)
                #expect(try wrong.object()["field"]?.string == "excel")
            }
        }
    }

    @Test func byGivesASeriesAndIsCheckedLikeEveryParameter() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents("[\(Sample.visit())]", as: .reception, fixture)
                let response = try await client.get("/api/reports/navet?period=2012..2013&by=quarter", as: .analyst, fixture)
                #expect(response.status == .ok)
                guard case .array(let series)? = try response.object()["series"] else {
                    Issue.record("no series array")
                    return
                }
                #expect(series.count == 8)
                for query in ["by=week", "by=quarter&compare=2012"] {
                    let bad = try await client.get("/api/reports/navet?period=2013&\(query)", as: .analyst, fixture)
                    #expect(bad.status == .badRequest, "\(query)")
                    #expect(try bad.object()["field"]?.string == "by", "\(query)")
                }
            }
        }
    }

    @Test func theReportPageDrawsATrendAndOffersEveryDownload() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(municipality: "Mark", pupils: 1200))]", as: .reception, fixture)
                let browser = Browser(client)
                try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                let plain = try await browser.get("/reports?name=navet&period=2013")
                #expect(plain.status == .ok)
                #expect(!plain.text.contains("id=\"trend\""))
                #expect(plain.text.contains("/api/reports/navet?period=2013&amp;format=xlsx"))
                #expect(plain.text.contains("/api/reports/navet?period=2013&amp;format=csv&amp;excel=1"))
                #expect(plain.text.contains("/api/reports/navet?period=2013&amp;format=json-stat"))
                let trend = try await browser.get("/reports?name=navet&period=2012..2013&by=quarter")
                #expect(trend.status == .ok)
                #expect(trend.text.contains("<figure id=\"trend\">"))
                #expect(trend.text.contains("<polyline"))
                #expect(trend.text.contains(">2013-Q1</text>"))
                #expect(trend.text.contains("<option value=\"quarter\" selected>per kvartal</option>"))
                #expect(trend.text.contains("by=quarter&amp;format=xlsx"))
                let xlsx = try await browser.get("/api/reports/navet?period=2012..2013&by=quarter&format=xlsx")
                #expect(xlsx.status == .ok)
                #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
        }
    }
}
