import Testing

@testable import RegistryServer

@Suite struct AcceptHeaderTests {
    typealias Range = AcceptHeader.MediaRange

    @Test func parsesMediaRangesWithTheirQualities() {
        #expect(AcceptHeader("text/csv;q=0.5, Application/JSON , */*;Q=0").ranges == [
            Range(type: "text", subtype: "csv", quality: 500), Range(type: "application", subtype: "json", quality: 1000),
            Range(type: "*", subtype: "*", quality: 0),
        ])
        // Other parameters are skipped, also when quoted text holds a comma or a semicolon.
        #expect(AcceptHeader(#"text/csv; header="a,b;c"; q=0.25, text/*"#).ranges == [
            Range(type: "text", subtype: "csv", quality: 250), Range(type: "text", subtype: "*", quality: 1000),
        ])
        // Empty list elements are allowed (RFC 9110 §5.6.1); malformed ranges and weights are left out.
        #expect(AcceptHeader(", text/csv,, ,").ranges == [Range(type: "text", subtype: "csv", quality: 1000)])
        for malformed in ["text", "/csv", "text/", "*/csv", "text/csv/x", "te xt/csv", "text/csv;q=2", "text/csv;q=0.5.1", "text/csv;q=.5", "text/csv;q=", "text/csv;q=0.1234", "text/csv;q=1.001"] {
            #expect(AcceptHeader(malformed).ranges.isEmpty, "\(malformed)")
        }
    }

    @Test func qualityValuesAreReadExactly() {
        let values: [(Substring, Int?)] = [
            ("0", 0), ("0.", 0), ("0.5", 500), ("0.05", 50), ("0.001", 1), ("0.999", 999), ("1", 1000), ("1.0", 1000), ("1.000", 1000),
            ("1.5", nil), ("2", nil), ("-0", nil), ("0.1234", nil), ("", nil), ("0,5", nil), ("0.5e0", nil),
        ]
        for (text, thousandths) in values {
            #expect(AcceptHeader.qualityValue(text) == thousandths, "\(text)")
        }
    }

    @Test func theMostSpecificRangeDecides() {
        let header = AcceptHeader("*/*;q=0.1, text/*;q=0.5, text/csv;q=0.8, text/html;q=0")
        #expect(header.quality(of: "text/csv") == 800)
        #expect(header.quality(of: "text/plain") == 500)
        #expect(header.quality(of: "text/html") == 0)
        #expect(header.quality(of: "application/json") == 100)
        #expect(AcceptHeader("text/csv").quality(of: "application/json") == 0)
        // Without the header everything is acceptable; an empty one accepts nothing.
        #expect(AcceptHeader(nil).quality(of: "application/json") == 1000)
        #expect(AcceptHeader("").quality(of: "application/json") == 0)
    }

    @Test func onlyAStrictlyHigherQualityIsAPreference() {
        let csv = "text/csv", json = "application/json"
        #expect(AcceptHeader("text/csv").prefers(csv, over: json))
        #expect(AcceptHeader("text/csv, application/json;q=0.9").prefers(csv, over: json))
        #expect(AcceptHeader("application/json;q=0, */*").prefers(csv, over: json))
        #expect(!AcceptHeader("application/json, text/csv").prefers(csv, over: json))
        #expect(!AcceptHeader("text/csv;q=0.1, application/json").prefers(csv, over: json))
        #expect(!AcceptHeader("*/*").prefers(csv, over: json))
        #expect(!AcceptHeader(nil).prefers(csv, over: json))
        #expect(!AcceptHeader("text/csv;q=0").prefers(csv, over: json))
        // Named beats matched by a wildcard at the same quality.
        #expect(AcceptHeader("text/csv, */*").prefers(csv, over: json))
        #expect(!AcceptHeader("application/json, */*").prefers(csv, over: json))
    }
}
