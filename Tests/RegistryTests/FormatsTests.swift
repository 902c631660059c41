import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

/// Trends (`--by`), XLSX, JSON-stat and CSV for Swedish Excel (SPEC §4).
@Suite("Report formats")
struct FormatsTests {
    static func event(_ json: String) throws -> Event { try Event.decode(json: json, today: .today()) }

    /// A small history: visits in three quarters of 2013 and one in 2012, a lecture by an
    /// organisation whose name starts like a formula.
    static func store(in dir: TemporaryDirectory) throws -> Store {
        let store = try Store(path: dir.path)
        _ = try store.append([
            event(#"{"type":"navet.visit","occurred":"2013-02-10","municipality":"Borås","pupils":20,"teachers":2}"#),
            event(#"{"type":"navet.visit","occurred":"2013-05-10","municipality":"Mark","pupils":30,"teachers":1}"#),
            event(#"{"type":"navet.visit","occurred":"2013-05-11","municipality":"Borås","pupils":4,"teachers":1}"#),
            event(#"{"type":"navet.lecture","occurred":"2013-11-20","organisation":"=1+2","attendees":7}"#),
            event(#"{"type":"navet.visit","occurred":"2012-09-10","municipality":"Borås","pupils":8,"teachers":1}"#),
        ])
        return store
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func query(_ name: ReportName, _ period: String, compare: String? = nil, by: Granularity? = nil) throws -> ReportQuery {
        var query = ReportQuery(name: name, period: try Period.parse(period), compare: try compare.map(Period.parse))
        query.by = by
        return query
    }

    // MARK: Periods and series

    @Test func aRangeOfPeriodsParses() throws {
        let years = try Period.parse("2012..2013")
        #expect(years.first.description == "2012-01-01" && years.last.description == "2013-12-31")
        #expect(years.label == "2012..2013")
        let quarters = try Period.parse("2012-Q3..2013-Q2")
        #expect(quarters.first.description == "2012-07-01" && quarters.last.description == "2013-06-30")
        #expect(throws: InputError.self) { try Period.parse("2013..2012") }
        #expect(throws: InputError.self) { try Period.parse("2013..2013-05-01") }
        #expect(throws: InputError.self) { try Period.parse("2013..nonsense") }
    }

    @Test func subPeriodsAreClippedToThePeriod() throws {
        #expect(try Period.parse("2012..2013").split(by: .quarter).map(\.label)
            == ["2012-Q1", "2012-Q2", "2012-Q3", "2012-Q4", "2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"])
        let schoolYear = try Period.parse("2013/14").split(by: .year)
        #expect(schoolYear.map { "\($0.first)..\($0.last)" } == ["2013-07-01..2013-12-31", "2014-01-01..2014-06-30"])
        #expect(schoolYear.map(\.label) == ["2013-07-01..2013-12-31", "2014-01-01..2014-06-30"])
        #expect(try Period.parse("2013-02-10..2013-04-02").split(by: .month).map(\.label) == ["2013-02-10..2013-02-28", "2013-03", "2013-04-01..2013-04-02"])
        #expect(try Period.parse("2013").split(by: .half).map(\.label) == ["2013-H1", "2013-H2"])
        // A month per tally over centuries is refused, not computed.
        #expect(throws: InputError.self) { try Store.subPeriods(of: Period.parse("1600..2013"), by: .month) }
    }

    @Test(arguments: [ReportName.navet, .mc, .grants, .events])
    func theSeriesCellsSumToTheWholePeriod(_ name: ReportName) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        _ = try ReportTests.load(ReportTests.randomEvents(seed: 11, count: 400), into: store)
        let report = try store.report(Self.query(name, "2013", by: .quarter))
        let json = try Self.object(report.json())
        let series = try #require(json["series"] as? [[String: Any]])
        #expect(series.count == 4)
        #expect(series.map { ($0["period"] as? [String: String])?["from"] } == ["2013-01-01", "2013-04-01", "2013-07-01", "2013-10-01"])
        #expect(series.map { ($0["period"] as? [String: String])?["to"] } == ["2013-03-31", "2013-06-30", "2013-09-30", "2013-12-31"])
        let top = try #require(json["rows"] as? [[String: Any]])
        var sums: [String: Int] = [:]
        for part in series {
            let rows = try #require(part["rows"] as? [[String: Any]])
            #expect(rows.map { $0["key"] as? String } == top.map { $0["key"] as? String })
            for row in rows {
                let cells = try #require(row["cells"] as? [String: Int])
                #expect(Set(cells.keys) == Set(report.columns.map(\.key)))
                for (column, value) in cells { sums["\(row["key"] ?? "")/\(column)", default: 0] += value }
            }
        }
        // Memberships count in every period they overlap (§3), so the events report's parts do not add up for them.
        for row in report.rows where !(name == .events && (row.key == "membership" || row.key == "total")) {
            for (column, value) in zip(report.columns, row.cells) {
                #expect(sums["\(row.key)/\(column.key)"] == value, "\(name) \(row.key)/\(column.key)")
            }
        }
        // Without --by the JSON is as before: no series.
        #expect(try Self.object(store.report(Self.query(name, "2013")).json())["series"] == nil)
    }

    @Test func aTwoYearPeriodByQuarterGivesEightColumnGroups() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(in: dir)
        let report = try store.report(Self.query(.navet, "2012..2013", by: .quarter))
        #expect(report.series.map(\.period.label).first == "2012-Q1")
        #expect(report.series.count == 8)
        #expect(report.series[2].value(row: "1490", column: "pupils") == 8)
        #expect(report.series[4].value(row: "1490", column: "pupils") == 20)
        #expect(report.series[5].value(row: "1490", column: "pupils") == 4)
        let csv = report.csv().split(separator: "\n")
        #expect(csv[0].hasPrefix("Kommun,Elever 2012-Q1,Lärare 2012-Q1,"))
        #expect(csv[0].split(separator: ",").count == 1 + 8 * report.columns.count)
        let table = report.table()
        #expect(table.contains("Elever 2013-Q4"))
        #expect(report.markdown().contains("| Elever 2012-Q1 |"))
    }

    // MARK: CSV for Swedish Excel

    @Test func excelCSVHasABOMSemicolonsUniqueHeadingsAndDecimalCommas() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(in: dir)
        let report = try store.report(Self.query(.navet, "2013", compare: "2012"))
        let bytes = try report.data(.csv, excel: true)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        let header = lines[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        #expect(Set(header).count == header.count, "\(header)")
        #expect(Array(header.prefix(5)) == ["Kommun", "Elever 2013", "Elever 2012", "Elever förändring", "Elever förändring %"])
        let boras = try #require(lines.first { $0.hasPrefix("Borås;") }).split(separator: ";", omittingEmptySubsequences: false)
        // 24 pupils against 8: +16, +200,0 %.
        #expect(Array(boras.prefix(5)) == ["Borås", "24", "8", "16", "200,0"])
        // A change from zero has no percentage: an empty cell, not text.
        let mark = try #require(lines.first { $0.hasPrefix("Mark;") }).split(separator: ";", omittingEmptySubsequences: false)
        #expect(Array(mark.prefix(5)) == ["Mark", "30", "0", "30", ""])
        // A text cell that starts like a formula is neutralised.
        #expect(lines.contains { $0.hasPrefix("'=1+2;") })
        // Plain CSV stays as it was.
        #expect(try report.data(.csv) == Array(report.csv().utf8))
    }

    // MARK: XLSX

    static let readWorkbook = """
        import sys, json, zipfile, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        ws = wb.active
        print(json.dumps({
            "freeze": ws.freeze_panes,
            "rows": [[c.value for c in row] for row in ws.iter_rows()],
            "types": [[type(c.value).__name__ for c in row] for row in ws.iter_rows()],
            "formats": [[c.number_format for c in row] for row in ws.iter_rows()],
            "title": wb.properties.title, "subject": wb.properties.subject,
            "keywords": wb.properties.keywords, "description": wb.properties.description,
            "custom": zipfile.ZipFile(sys.argv[1]).read("docProps/custom.xml").decode("utf-8"),
        }, default=str))
        """

    /// The workbook read back by openpyxl.
    static func readBack(_ bytes: [UInt8], in dir: TemporaryDirectory) throws -> [String: Any] {
        let file = dir.sub("report.xlsx")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let (status, output) = try Python.run(script: readWorkbook, needing: "openpyxl", arguments: [file])
        #expect(status == 0, "\(output)")
        return try object(output)
    }

    @Test(.enabled(if: Python.enabled("openpyxl"), "python3 with openpyxl (Debian: python3-openpyxl) is not installed"))
    func theWorkbookReadsBackWithNumbersAFrozenSwedishHeadingAndTheHeadHash() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(in: dir)
        let report = try store.report(Self.query(.navet, "2013"))
        let hash = try store.head().hashHex
        #expect(report.headHash == hash)
        let bytes = try report.xlsx()
        #expect(Array(bytes.prefix(2)) == Array("PK".utf8))
        let book = try Self.readBack(bytes, in: dir)
        #expect(book["freeze"] as? String == "B2")
        let rows = try #require(book["rows"] as? [[Any?]])
        let types = try #require(book["types"] as? [[String]])
        let header = rows[0].map { $0 as? String }
        #expect(header == ["Kommun", "Elever", "Lärare", "Föreläsningar", "Summa"])
        let boras = try #require(rows.firstIndex { $0.first as? String == "Borås" })
        #expect(rows[boras][1] as? Int == 24)
        #expect(types[boras][1] == "int" || types[boras][1] == "float")
        let total = try #require(rows.firstIndex { $0.first as? String == "Summa" })
        #expect(rows[total][4] as? Int == 65)
        #expect(rows.contains { $0.first as? String == "'=1+2" })
        // The period, as-of position and head hash: in the properties and in a note row.
        #expect(book["title"] as? String == "Navet – besökare per kommun, 2013")
        #expect((book["description"] as? String)?.contains(hash) == true)
        #expect((book["description"] as? String)?.contains("t.o.m. händelse \(report.asOfSeq)") == true)
        #expect((book["keywords"] as? String)?.contains(hash) == true)
        #expect((book["custom"] as? String)?.contains(hash) == true)
        #expect(rows.contains { ($0.first as? String)?.contains("Loggens hash vid händelse \(report.asOfSeq): \(hash)") == true })

        // A control character, which XML cannot hold as it is, still gives a workbook that opens.
        _ = try store.append([Self.event(#"{"type":"navet.lecture","occurred":"2013-05-05","organisation":"Bell\u0007Co","attendees":3}"#)])
        let bell = try Self.readBack(store.report(Self.query(.navet, "2013")).xlsx(), in: dir)
        let labels = try #require(bell["rows"] as? [[Any?]]).compactMap { $0.first as? String }
        #expect(labels.contains { $0.hasPrefix("Bell") && $0.hasSuffix("Co") })
    }

    @Test(.enabled(if: Python.enabled("openpyxl"), "python3 with openpyxl (Debian: python3-openpyxl) is not installed"))
    func comparedPeriodsAndSubPeriodsAreColumnGroupsInTheWorkbook() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(in: dir)
        let compared = try Self.readBack(store.report(Self.query(.navet, "2013", compare: "2012")).xlsx(), in: dir)
        let rows = try #require(compared["rows"] as? [[Any?]])
        let formats = try #require(compared["formats"] as? [[String]])
        #expect(rows[0].prefix(5).map { $0 as? String } == ["Kommun", "Elever 2013", "Elever 2012", "Elever förändring", "Elever förändring %"])
        let boras = try #require(rows.firstIndex { $0.first as? String == "Borås" })
        #expect(rows[boras][3] as? Int == 16)
        // A percentage is a number the sheet shows as per cent.
        #expect(rows[boras][4] as? Double == 2.0)
        #expect(formats[boras][4].contains("%"))
        let trend = try Self.readBack(store.report(Self.query(.navet, "2013", by: .half)).xlsx(), in: dir)
        let header = try #require(trend["rows"] as? [[Any?]])[0].compactMap { $0 as? String }
        #expect(header == ["Kommun", "Elever 2013-H1", "Lärare 2013-H1", "Föreläsningar 2013-H1", "Summa 2013-H1",
                           "Elever 2013-H2", "Lärare 2013-H2", "Föreläsningar 2013-H2", "Summa 2013-H2"])
    }

    // MARK: JSON-stat

    static let validate = """
        import sys, json
        from jsonstat_validator import validate_jsonstat
        validate_jsonstat(json.load(open(sys.argv[1], encoding="utf-8")))
        print("valid")
        """

    @Test(.enabled(if: Python.enabled("jsonstat_validator"), "jsonstat-validator (python3 -m pip install jsonstat-validator) is not installed"))
    func everyReportIsAValidJSONStatDataset() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        _ = try ReportTests.load(ReportTests.randomEvents(seed: 5, count: 300), into: store)
        let queries = try [ReportName.navet, .mc, .grants, .events].flatMap { name in
            [try Self.query(name, "2013"), try Self.query(name, "2013", compare: "2012"), try Self.query(name, "2013", by: .quarter)]
        }
        for query in queries {
            let text = try store.report(query).jsonStat()
            let file = dir.sub("report.json")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let (status, output) = try Python.run(script: Self.validate, needing: "jsonstat_validator", arguments: [file])
            #expect(status == 0 && output.contains("valid"), "\(query.name) \(query.period) \(output)")
        }
    }

    @Test func theJSONStatDatasetHasRowsMetricsAndTimeInRowMajorOrder() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(in: dir)
        let report = try store.report(Self.query(.navet, "2013", by: .quarter))
        let data = try Self.object(report.jsonStat())
        #expect(data["version"] as? String == "2.0")
        #expect(data["class"] as? String == "dataset")
        #expect(data["id"] as? [String] == ["Region", "ContentsCode", "Tid"])
        let size = try #require(data["size"] as? [Int])
        #expect(size == [report.rows.count, report.columns.count, 4])
        let role = try #require(data["role"] as? [String: [String]])
        #expect(role["geo"] == ["Region"] && role["metric"] == ["ContentsCode"] && role["time"] == ["Tid"])
        let dimension = try #require(data["dimension"] as? [String: [String: Any]])
        let region = try #require((dimension["Region"]?["category"] as? [String: Any])?["index"] as? [String: Int])
        #expect(region["1490"] != nil && region["other"] != nil && region["org:=1+2"] != nil && region["total"] == report.rows.count - 1)
        let metric = try #require(dimension["ContentsCode"]?["category"] as? [String: Any])
        let unit = try #require(metric["unit"] as? [String: [String: Any]])
        #expect(unit["pupils"]?["label"] as? String == "personer" && unit["pupils"]?["decimals"] as? Int == 0)
        let time = try #require((dimension["Tid"]?["category"] as? [String: Any])?["index"] as? [String: Int])
        #expect(time == ["2013-Q1": 0, "2013-Q2": 1, "2013-Q3": 2, "2013-Q4": 3])
        let values = try #require(data["value"] as? [Int])
        #expect(values.count == size.reduce(1, *))
        let columns = try #require(metric["index"] as? [String: Int])
        for (r, row) in report.rows.enumerated() {
            for column in report.columns {
                for t in 0..<4 {
                    let c = try #require(columns[column.key])
                    #expect(values[(r * size[1] + c) * size[2] + t] == report.series[t].value(row: row.key, column: column.key))
                }
            }
        }
        let ext = try #require(data["extension"] as? [String: Any])
        #expect(ext["head_hash"] as? String == report.headHash)
        // Rows that are not municipalities have no geo role.
        let mc = try Self.object(store.report(Self.query(.mc, "2013")).jsonStat())
        #expect((mc["role"] as? [String: [String]])?["geo"] == nil)
    }
}

/// The `targets` report's text and code cells (status, pace, comment) in the file formats:
/// words in the sheets, left out of the numeric dataset.
@Suite("Formats of the targets report")
struct TargetsFormatsTests {
    static func report() throws -> Report {
        try GoldenTests.store.report(ReportQuery(name: .targets, period: Period.parse("2013"), today: Day(iso: "2014-03-01")))
    }

    @Test func excelCSVWritesStatusesAsWords() throws {
        let lines = try Self.report().excelCSV().split(separator: "\r\n")
        #expect(lines[0].hasSuffix("Status;Takt;Kommentar"))
        #expect(lines.contains { $0.hasPrefix("Minst 20 000 elever på teman;20000;13396;67;ej uppnått;") })
        #expect(lines.contains { $0.contains(";delvis uppnått;;Marknadsförts, ingen permanent växling") })
    }

    @Test func theJSONStatDatasetHoldsTheNumberColumnsOnly() throws {
        let dataset = try FormatsTests.object(Self.report().jsonStat())
        #expect(dataset["size"] as? [Int] == [20, 3, 1])
        let values = try #require(dataset["value"] as? [Any])
        #expect(values.count == 60)
        // A manual target has no minimum: null, not 0.
        #expect(values.contains { $0 is NSNull })
    }

    @Test(.enabled(if: Python.enabled("openpyxl"), "python3 with openpyxl (Debian: python3-openpyxl) is not installed"))
    func theWorkbookHoldsStatusesAsText() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let book = try FormatsTests.readBack(Self.report().xlsx(), in: dir)
        let rows = try #require(book["rows"] as? [[Any?]])
        #expect(rows[0].compactMap { $0 as? String } == ["Mål", "Lägsta nivå", "Utfall", "Andel", "Status", "Takt", "Kommentar"])
        let first = try #require(rows.first { $0.first as? String == "Minst 20 000 elever på teman" })
        #expect(first[2] as? Int == 13396)
        #expect(first[4] as? String == "ej uppnått")
    }

    @Test(.enabled(if: Python.enabled("jsonstat_validator"), "jsonstat-validator (python3 -m pip install jsonstat-validator) is not installed"))
    func theDatasetIsValidJSONStat() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        var byQuarter = ReportQuery(name: .targets, period: try Period.parse("2013"), today: Day(iso: "2014-03-01"))
        byQuarter.by = .quarter
        for report in [try Self.report(), try GoldenTests.store.report(byQuarter)] {
            let file = dir.sub("targets.json")
            try Data(report.jsonStat().utf8).write(to: URL(fileURLWithPath: file))
            let (status, output) = try Python.run(script: FormatsTests.validate, needing: "jsonstat_validator", arguments: [file])
            #expect(status == 0 && output.contains("valid"), "\(output)")
        }
    }

    @Test func subPeriodsGiveEachTargetsOutcomeWithinThem() throws {
        var query = ReportQuery(name: .targets, period: try Period.parse("2013"), today: Day(iso: "2014-03-01"))
        query.by = .quarter
        let report = try GoldenTests.store.report(query)
        #expect(report.series.map(\.period.label) == ["2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"])
        // The number columns only; a measured target's quarters add up to its year.
        #expect(report.series[0].columns.map(\.key) == ["minimum", "outcome", "share"])
        for (r, row) in report.rows.enumerated() where !row.absent.contains("outcome") && !row.absent.contains("minimum") {
            let quarters = report.series.compactMap { part in part.rows[r].absent.contains("outcome") ? nil : part.rows[r].cells[1] }
            // Teacher training days are whole days rounded down, in each part: up to one less a part.
            let sum = quarters.reduce(0, +), whole = row.cells[1]
            if quarters.count == 4 { #expect(sum <= whole && whole - sum < 4, "\(row.key): \(quarters) against \(whole)") }
        }
        // A manual target has no outcome per quarter: null in JSON, blank in the table.
        let json = try FormatsTests.object(report.json())
        let series = try #require(json["series"] as? [[String: Any]])
        let rows = try #require(series[0]["rows"] as? [[String: Any]])
        let manual = try #require(rows.first { ($0["key"] as? String) == "mc-adcore" })
        #expect((manual["cells"] as? [String: Any])?["outcome"] is NSNull)
        #expect(report.table().contains("Utfall 2013-Q4"))
    }
}
