import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

/// Attacks on the file formats: what a report writes, what an import reads.
@Suite("Hardening: formats and files")
struct HardeningTests {
    static let today = Day(year: 2014, month: 6, day: 1)!

    /// A store holding one Navet visit from each organisation in `names` in 2013.
    static func store(organisations names: [String], in dir: TemporaryDirectory) throws -> Store {
        let store = try Store(path: dir.path)
        let day = Day(year: 2013, month: 9, day: 12)!
        _ = try store.append(names.enumerated().map { i, name in
            Event(occurred: day, fact: .visit(NavetVisit(origin: .organisation(name), pupils: i + 1, teachers: 1)))
        })
        return store
    }

    @Test func aCSVReportNeutralisesTextCellsThatAFormulaCouldStartButKeepsNumbers() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let hostile = [#"=HYPERLINK("http://evil.example","klicka")"#, "+1", "-x", "@x", "\tx", "\rx"]
        let store = try Self.store(organisations: hostile, in: dir)
        let report = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), compare: Period.parse("2014")))
        let lines = report.csv().split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(#""'=HYPERLINK(""http://evil.example"",""klicka"")","#) }, "\(lines)")
        for name in ["+1", "-x", "@x"] { #expect(lines.contains { $0.hasPrefix("'\(name),") }, "\(name): \(lines)") }
        // No line starts a formula; a change of -3 against 2014 is a number.
        #expect(!lines.contains { ["=", "+", "-", "@", "\t", "\r"].contains($0.unicodeScalars.first.map(String.init) ?? "") })
        let reversed = try store.report(ReportQuery(name: .navet, period: Period.parse("2014"), compare: Period.parse("2013")))
        #expect(reversed.csv().contains(",-3,"), "\(reversed.csv())")
        #expect(lines.contains { $0.hasPrefix("'\tx,") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("\"'\rx\",") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("Övriga,") })
    }

    @Test func markdownAndTableOutputEscapePipesAndControlCharacters() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(organisations: ["A|B", "Bell\u{7}\u{1B}[31m", "x\ny"], in: dir)
        let report = try store.report(ReportQuery(name: .navet, period: Period.parse("2013")))
        let markdown = report.markdown()
        #expect(markdown.contains(#"A\|B"#))
        #expect(markdown.contains(#"Bell\u0007\u001b[31m"#))
        #expect(markdown.contains(#"x\u000ay"#))
        // Every row of the table has as many cell separators as the header.
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("|") }
        let separators = rows.map { row in row.indices.filter { row[$0] == "|" && (row[..<$0].last != "\\") }.count }
        #expect(Set(separators).count == 1, "\(rows)")
        let table = report.table()
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(table.contains(#"Bell\u0007"#))
    }

    @Test func aCSVImportRefusesTextThatIsNotUTF8AndNamesTheLine() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let head = try store.head()
        let latin1 = Array("type,occurred,municipality,school,pupils,teachers\nnavet.visit,2013-09-12,Borås,Sj".utf8) + [0xF6]
            + Array("holmsskolan,24,2\n".utf8)
        #expect { try store.importEvents(latin1, today: Self.today) } throws: { error in
            let error = error as? InputError
            return error?.line == 2 && error?.field == "school" && error?.message.contains("UTF-8") == true
        }
        #expect(try store.head() == head)
    }

    @Test func aCSVFromSwedishExcelIsRead() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let excel = [UInt8]([0xEF, 0xBB, 0xBF]) + Array("""
            type;occurred;municipality;school;pupils;teachers;note\r
            navet.visit;2013-09-12;Borås;Sjöholmsskolan;24;2;"klass 7; ""A"" och B"\r
            navet.visit;2013-09-13;Mark;;12;1;\r

            """.utf8)
        #expect(try store.importEvents(excel, today: Self.today) == ImportResult(appended: 2, existing: 0))
        let last = try store.events(after: store.head().position - 2)
        #expect(last[0].event.note == #"klass 7; "A" och B"#)
        guard case .visit(let visit) = last[0].event.fact else { Issue.record("not a visit"); return }
        #expect(visit.school == "Sjöholmsskolan" && visit.pupils == 24)
        // A comma header still reads commas, with a semicolon inside a cell.
        let comma = "type,occurred,municipality,children,adults,note\nnavet.public,2013-09-14,Borås,3,1,a;b\n"
        #expect(try store.importEvents(Array(comma.utf8), today: Self.today) == ImportResult(appended: 1, existing: 0))
        #expect(try store.event(at: store.head().position)?.event.note == "a;b")
    }

    @Test func countCellsWithSpacesOrLeadingZerosSayWhatIsWrong() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        func problem(_ pupils: String) -> InputError? {
            let csv = "type,occurred,municipality,pupils,teachers\nnavet.visit,2013-09-12,Borås,\"\(pupils)\",2\n"
            do { _ = try store.importEvents(Array(csv.utf8), today: Self.today); return nil } catch { return error as? InputError }
        }
        let spaces = problem(" 24 ")
        #expect(spaces?.field == "pupils" && spaces?.line == 2)
        #expect(spaces?.message.contains("spaces around the number") == true, "\(String(describing: spaces))")
        let zero = problem("0024")
        #expect(zero?.field == "pupils")
        #expect(zero?.message.contains("leading zero") == true, "\(String(describing: zero))")
        #expect(zero?.message.contains("write 24") == true)
        #expect(problem("24") == nil)
        #expect(problem("0")?.message.contains("leading zero") != true)
    }

    @Test func aDuplicateKeyIsNamedAsSuch() throws {
        let line = #"{"type":"navet.visit","occurred":"2013-09-12","pupils":3,"pupils":4,"teachers":1}"#
        #expect { try Event.decode(json: line, today: Self.today) } throws: { error in
            let text = "\(error)"
            return text.contains(#"duplicate key "pupils""#) && !text.contains("invalid JSON")
        }
    }

    @Test func onlyARealArrayIsCalledAJSONArray() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        func message(_ text: String) -> String {
            do { _ = try store.importEvents(Array(text.utf8), today: Self.today); return "" } catch { return "\(error)" }
        }
        for broken in ["[", "[1,", "[\n{\"type\":\"navet.visit\"}"] {
            let text = message(broken)
            #expect(!text.contains("JSON array") && text.contains("line 1"), "\(broken): \(text)")
        }
        let event = #"{"type":"navet.public","occurred":"2013-09-14","children":3,"adults":1}"#
        for array in ["[\(event)]", "[\n  \(event),\n  \(event)\n]", "\n\n[\(event)]\n[\(event)]"] {
            #expect(message(array).contains("JSON array"), "\(array)")
        }
        #expect(message("\n\n[\(event)]").contains("line 3"))
    }

    @Test func datesBefore1583AndOffsetsBeyond18HoursAreRefused() throws {
        func refused(_ line: String) -> Bool { (try? Event.decode(json: line, today: Self.today)) == nil }
        #expect(refused(#"{"type":"navet.public","occurred":"1582-12-31","children":3,"adults":1}"#))
        #expect(!refused(#"{"type":"navet.public","occurred":"1583-01-01","children":3,"adults":1}"#))
        #expect(refused(#"{"type":"membership","occurred":"2013-01-01","unit":"navet","municipality":"1490","role":"member","from":"1500-01-01"}"#))
        #expect(refused(#"{"type":"membership","occurred":"1400-01-01","unit":"navet","municipality":"1490","role":"member","from":"2013-01-01"}"#))
        for period in ["1582", "1582-H1", "1000-05", "1582-12-31..2013-01-01", "0001/02", "9999/00", "1582-01-01"] {
            #expect(throws: InputError.self, "\(period)") { try Period.parse(period) }
        }
        #expect(try Period.parse("1583").first == Day(year: 1583, month: 1, day: 1))
        for asOf in ["2013-09-12T12:00:00+18:01", "2013-09-12T12:00:00-19:00", "2013-09-12T12:00:00+99:00", "1582-12-31", "1500-01-01T00:00:00Z"] {
            #expect(throws: InputError.self, "\(asOf)") { try AsOf.parse(asOf) }
        }
        for asOf in ["2013-09-12T12:00:00+18:00", "2013-09-12T12:00:00-18:00", "2013-09-12T12:00:00.123Z", "2013-09-12"] {
            #expect(throws: Never.self, "\(asOf)") { try AsOf.parse(asOf) }
        }
    }
}
