import Foundation
import TestSupport
import Testing
@testable import Registry

/// The published 2012 and 2013 tables, rebuilt cell for cell from the demo history.
@Suite("Published tables", .serialized)
struct GoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(name), encoding: .utf8)
    }

    /// One store with the history, shared by the tests of this suite.
    static let store: Store = {
        let dir = TemporaryDirectory()
        let store = try! Store(path: dir.path)
        _ = try! store.append(History.events())
        return store
    }()

    @Test(arguments: [("navet", "2012", "navet-2012.csv"), ("navet", "2013", "navet-2013.csv"), ("mc", "2013", "mc-outcomes-2013.csv")])
    func reproducesThePublishedTable(_ report: String, _ period: String, _ file: String) throws {
        let rebuilt = try Self.store.report(ReportQuery(name: ReportName(rawValue: report)!, period: Period.parse(period)))
        #expect(rebuilt.csv() == (try Self.golden(file)))
    }

    @Test func teacherTrainingDaysMatchTheFootnotes() throws {
        for (year, days) in [("2012", "5439"), ("2013", "4794")] {
            let report = try Self.store.report(ReportQuery(name: .navet, period: Period.parse(year)))
            #expect(report.notes.first { $0.key == "teacher_training_days" }?.value == days)
        }
    }

    @Test func theHistoryVerifiesAndIsLoadedOnce() throws {
        let head = try Self.store.verify()
        #expect(try Self.store.append(History.events()).allSatisfy { !$0.isNew })
        #expect(try Self.store.head() == head)
    }

    @Test func halvesOfTheYearAddUpAndTheFirstHalfOf2013HasNoPupils() throws {
        let h1 = try Self.store.report(ReportQuery(name: .navet, period: Period.parse("2013-H1"), compare: Period.parse("2012-H1")))
        #expect(h1.value(row: "total", column: "pupils") == 0)
        #expect(h1.compare!.value(row: "total", column: "pupils") > 0)
        let h2 = try Self.store.report(ReportQuery(name: .navet, period: Period.parse("2013-H2")))
        #expect(h2.value(row: "total", column: "total") + h1.value(row: "total", column: "total") == 46188)
    }

    @Test func grantsStayWithinTheBudget() throws {
        let grants = try Self.store.report(ReportQuery(name: .grants, period: Period.parse("2013")))
        #expect(grants.value(row: "total", column: "approved_sek") <= 8_000_000)
        #expect(grants.value(row: "total", column: "applications") == grants.value(row: "total", column: "approved") + grants.value(row: "total", column: "rejected"))
    }
}
