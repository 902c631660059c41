import Foundation
import Testing
@testable import Registry

@Suite("Periods")
struct PeriodTests {
    @Test(arguments: [
        ("2013", "2013-01-01", "2013-12-31"),
        ("2013-H1", "2013-01-01", "2013-06-30"),
        ("2013-H2", "2013-07-01", "2013-12-31"),
        ("2013-Q3", "2013-07-01", "2013-09-30"),
        ("2012-02", "2012-02-01", "2012-02-29"),
        ("2013-02", "2013-02-01", "2013-02-28"),
        ("2013/14", "2013-07-01", "2014-06-30"),
        ("2013-03-01..2013-06-30", "2013-03-01", "2013-06-30"),
        ("2013-05-14", "2013-05-14", "2013-05-14"),
    ])
    func parses(_ text: String, _ first: String, _ last: String) throws {
        let period = try Period.parse(text)
        #expect(period.first.description == first)
        #expect(period.last.description == last)
    }

    @Test(arguments: ["2013-13", "2013-Q5", "2013-H3", "2013-06-30..2013-03-01", "2013/15", "13", "2013-00", "yesterday", "2013-02-30"])
    func rejectsNonsense(_ text: String) {
        #expect(throws: InputError.self) { try Period.parse(text) }
    }

    @Test func theYearBeforeKeepsTheShape() throws {
        #expect(try Period.parse("2013-Q3").yearBefore == Period.parse("2012-Q3"))
        #expect(try Period.parse("2013/14").yearBefore.first.description == "2012-07-01")
        let leap = try Period.parse("2012-02-29..2012-03-31").yearBefore
        #expect(leap.first.description == "2011-02-28")
    }

    @Test func daysRoundTrip() {
        for ordinal in stride(from: Int32(-719_000), through: 2_900_000, by: 997) {
            let day = Day(ordinal: ordinal)
            #expect(Day(iso: day.description) == day)
        }
        #expect(Day(year: 2013, month: 9, day: 12)!.weekday == 3)
    }
}

@Suite("Today")
struct TodayTests {
    @Test func todayFollowsStockholmMidnightAlsoWhenAskedAgain() {
        // 2026-03-28 is the last day before summer time; 23:00Z is midnight in Stockholm.
        let instants: [(Double, String)] = [
            (1_774_738_799, "2026-03-28"), (1_774_738_800, "2026-03-29"), (1_774_738_799, "2026-03-28"),
            (1_774_738_800, "2026-03-29"), (1_774_821_599, "2026-03-29"), (1_774_821_600, "2026-03-30"),
            (1_774_738_800, "2026-03-29"),
        ]
        for (seconds, expected) in instants {
            #expect(Day.today(at: Date(timeIntervalSince1970: seconds)).description == expected, "\(seconds)")
        }
    }
}
