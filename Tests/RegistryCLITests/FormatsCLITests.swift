import Foundation
import TestSupport
import Testing

/// `registry report` in every format, `--by`, `--excel`, end to end on the demo history.
@Suite("registry report formats", .serialized)
struct FormatsCLITests {
    @Test func everyFormatAndTrendsWorkEndToEnd() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["demo", "--no-serve"]).status == 0)
        for name in ["navet", "mc", "grants", "events"] {
            for format in ["table", "csv", "json", "markdown", "xlsx", "json-stat"] {
                for by in [[], ["--by", "quarter"]] {
                    let result = try registry.run(["report", name, "--period", "2012..2013", "--format", format] + by)
                    #expect(result.status == 0, "\(name) \(format) \(by): \(result.stderr)")
                    #expect(!result.stdout.isEmpty, "\(name) \(format) \(by)")
                    if format == "xlsx" { #expect(result.stdout.hasPrefix("PK"), "\(name) \(by)") }
                    if format == "json-stat" { #expect(result.stdout.hasPrefix(#"{"version":"2.0","class":"dataset""#)) }
                }
            }
        }
        let json = try registry.run(["report", "navet", "--period", "2012..2013", "--by", "quarter", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let series = try #require(object["series"] as? [[String: Any]])
        #expect(series.count == 8)
        #expect((series.first?["period"] as? [String: String]) == ["from": "2012-01-01", "to": "2012-03-31"])

        let excel = try registry.run(["report", "navet", "--period", "2013", "--compare", "2012", "--format", "csv", "--excel"])
        #expect(excel.status == 0)
        #expect(excel.stdout.hasPrefix("\u{FEFF}Kommun;Elever 2013;Elever 2012;Elever förändring;Elever förändring %;"))
        // Plain CSV is unchanged: commas, no byte order mark.
        let plain = try registry.run(["report", "navet", "--period", "2013", "--format", "csv"])
        #expect(plain.stdout.hasPrefix("Kommun,Elever,"))

        // Usage errors: exit 2 naming the option.
        for arguments in [["--by", "week"], ["--by", "quarter", "--compare", "2012"], ["--excel"], ["--excel", "--format", "json"]] {
            let result = try registry.run(["report", "navet", "--period", "2013"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(!result.stderr.isEmpty, "\(arguments)")
        }
        #expect(try registry.run(["report", "navet", "--period", "2013", "--by", "week"]).stderr.contains("--by"))
    }
}
