import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

@Suite("Reports")
struct ReportTests {
    /// A random but reproducible mix of Navet, MC and grant events in 2013, with some fixes.
    static func randomEvents(seed: UInt64, count: Int) -> [Event] {
        var random = SeededRandom(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let origins: [Origin] = ["1490", "1443", "1463", "1491", "1480", "1383", "1466"].map { .municipality(Municipality.byCode($0)!) }
            + [.unknown, .organisation("HB"), .organisation("Åbo Akademi")]
        let mcMembers = ["1443", "1490", "1463", "1465", "1452"].map { Municipality.byCode($0)! }
        var events: [Event] = []
        var caseCount = 0
        for _ in 0..<count {
            let day = Day(year: 2013, month: 1, day: 1)!.adding(days: int(0...364))
            let fact: Fact
            switch int(0...7) {
            case 0: fact = .visit(NavetVisit(origin: pick(origins), pupils: int(0...30), teachers: int(1...3)))
            case 1: fact = .training(TeacherTraining(origin: pick(origins), participants: int(1...40), days: TrainingDays(quarters: int(1...8))))
            case 2: fact = .publicVisit(PublicVisit(origin: pick(origins), children: int(1...90), adults: int(0...60)))
            case 3: fact = .conference(Conference(origin: pick(origins), participants: int(1...300)))
            case 4: fact = .lecture(Lecture(origin: pick(origins), attendees: int(1...80)))
            case 5:
                caseCount += 1
                fact = .mcCase(CoachingCase(caseID: "R-\(caseCount)", municipality: pick(mcMembers), service: .core, gender: .female))
            case 6 where caseCount > 0:
                fact = .outcome(CaseOutcome(caseID: "R-\(int(1...caseCount))", municipality: pick(mcMembers), outcome: pick(Outcome.allCases)))
            default:
                fact = .grant(GrantDecision(grant: "G", project: "P", area: pick(Area.allCases), amountSEK: int(0...500_000), decision: pick(Decision.allCases)))
            }
            var random2 = random
            events.append(Event(id: .random(using: &random2), occurred: day, fact: fact))
            _ = random.next()
            // Now and then fix an earlier event: retract it or move it to another date.
            if int(0...9) == 0, let target = events.filter({ $0.type != .retraction && $0.type != .correction }).randomElement(using: &random) {
                let fix: Fact
                if int(0...1) == 0 {
                    fix = .retraction(Retraction(target: target.id!, reason: "fel"))
                } else {
                    var replacement = target
                    replacement.id = nil
                    replacement.occurred = Day(year: 2013, month: 1, day: 1)!.adding(days: int(0...364))
                    fix = .correction(Correction(target: target.id!, reason: "datum", replacement: replacement))
                }
                events.append(Event(id: .random(using: &random), occurred: Day(year: 2014, month: 1, day: 15)!, fact: fix))
            }
        }
        return events
    }

    /// Appends events one at a time, skipping those the store rejects (e.g. a second fix of a retracted event).
    static func load(_ events: [Event], into store: Store) throws -> [Event] {
        var kept: [Event] = []
        for event in events {
            do { _ = try store.append([event]); kept.append(event) } catch is InputError { continue }
        }
        return kept
    }

    static func cells(_ report: Report) -> [String: Int] {
        var cells: [String: Int] = [:]
        for row in report.rows { for (column, value) in zip(report.columns, row.cells) { cells[row.key + "/" + column.key] = value } }
        return cells
    }

    @Test(arguments: [ReportName.navet, .mc, .grants, .events])
    func thePartsOfAPeriodAddUpToTheWhole(_ name: ReportName) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        _ = try Self.load(Self.randomEvents(seed: 42, count: 1500), into: store)
        let whole = Self.cells(try store.report(ReportQuery(name: name, period: Period.parse("2013"))))
        #expect(whole.values.contains { $0 > 0 })
        for parts in [["2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"], (1...12).map { String(format: "2013-%02d", $0) },
                      ["2013-01-01..2013-02-13", "2013-02-14..2013-12-31"]] {
            var sum: [String: Int] = [:]
            for part in parts {
                for (key, value) in Self.cells(try store.report(ReportQuery(name: name, period: Period.parse(part)))) {
                    sum[key, default: 0] += value
                }
            }
            // A membership counts in every period its interval overlaps (§3): not a sum of parts,
            // so the events report's total adds up without it.
            let memberships = "membership/events"
            for (key, value) in whole where key != memberships {
                let withoutMemberships = key == "total/events"
                let added = sum[key, default: 0] - (withoutMemberships ? sum[memberships, default: 0] : 0)
                #expect(added == value - (withoutMemberships ? whole[memberships, default: 0] : 0), "\(name) \(key) over \(parts)")
            }
        }
    }

    @Test func aReportAsOfPositionNEqualsAStoreHoldingTheFirstNEvents() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let full = try Store(path: dir.sub("full"))
        let events = try Self.load(Self.randomEvents(seed: 7, count: 600), into: full)
        let base = UInt64(Federation.membershipEvents().count)
        for n in [0, 1, 37, 200, 450, events.count] {
            let partial = try Store(path: dir.sub("partial-\(n)"))
            _ = try partial.append(Array(events.prefix(n)))
            for name in ReportName.allCases {
                let asOf = try full.report(ReportQuery(name: name, period: Period.parse("2013"), asOf: .seq(base + UInt64(n))))
                let direct = try partial.report(ReportQuery(name: name, period: Period.parse("2013")))
                #expect(asOf.json().replacing(/"as_of":\{[^}]*\}/, with: "") == direct.json().replacing(/"as_of":\{[^}]*\}/, with: ""), "\(name) at \(n)")
                #expect(asOf.asOfSeq == base + UInt64(n))
            }
        }
    }

    @Test func asOfADateMeansTheEndOfThatDayInStockholm() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        _ = try store.append([Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":24,"teachers":2}"#, today: .today())])
        let then = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), asOf: AsOf.parse("2014-02-15")))
        #expect(then.json().contains(#""as_of":{"seq":0,"recorded":"2014-02-15T22:59:59.999Z"}"#))
        #expect(then.value(row: "total", column: "total") == 0)
        let summer = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), asOf: AsOf.parse("2014-07-01")))
        #expect(summer.json().contains(#""recorded":"2014-07-01T21:59:59.999Z""#))
        let now = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), asOf: AsOf.parse(Day.today().description)))
        #expect(now.value(row: "total", column: "total") == 26)
        #expect(now.asOfSeq == (try store.head().position))
        #expect(throws: InputError.self) { try AsOf.parse("last tuesday") }
    }

    /// RFC 3339 instants: "T" and "Z" in either case, an offset, fractions of a second.
    @Test func asOfAnInstantTakesEveryRFC3339Form() throws {
        let noon = Date(timeIntervalSince1970: 1_392_465_600) // 2014-02-15T12:00:00Z
        for text in ["2014-02-15T12:00:00Z", "2014-02-15t12:00:00z", "2014-02-15T13:00:00+01:00", "2014-02-15T12:00:00.000Z"] {
            #expect(try AsOf.parse(text) == .instant(noon), "\(text)")
        }
        #expect(try AsOf.parse("2014-02-15T12:00:00.250Z") == .instant(noon.addingTimeInterval(0.25)))
    }

    @Test func aCorrectionMovesCountsAndARetractionRemovesThem() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        func pupils(_ period: String, asOf: AsOf = .latest) throws -> Int {
            try store.report(ReportQuery(name: .navet, period: Period.parse(period), asOf: asOf)).value(row: "1490", column: "pupils")
        }
        let visit = try store.append([Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":24,"teachers":2}"#, today: .today())])[0].event
        let id = visit.event.id!
        #expect(try pupils("2013-09") == 24)
        let moved = try Event.decode(json: #"{"type":"correction","occurred":"2013-11-02","target":"\#(id)","reason":"fel datum","replacement":{"type":"navet.visit","occurred":"2013-10-03","municipality":"Borås","pupils":26,"teachers":2}}"#, today: .today())
        let correction = try store.append([moved])[0].event
        #expect(try pupils("2013-09") == 0)
        #expect(try pupils("2013-10") == 26)
        #expect(try pupils("2013-09", asOf: .seq(visit.seq)) == 24)
        let again = try Event.decode(json: #"{"type":"correction","occurred":"2013-11-03","target":"\#(id)","reason":"fel igen","replacement":{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":23,"teachers":2}}"#, today: .today())
        _ = try store.append([again])
        #expect(try pupils("2013-10") == 0)
        #expect(try pupils("2013-09") == 23)
        #expect(try pupils("2013-10", asOf: .seq(correction.seq)) == 26)
        _ = try store.append([Event.decode(json: #"{"type":"retraction","occurred":"2013-11-04","target":"\#(id)","reason":"dubbel"}"#, today: .today())])
        #expect(try pupils("2013") == 0)
        #expect(try pupils("2013", asOf: .seq(correction.seq)) == 26)
    }

    /// §3: a membership counts in a period when its interval overlaps it, not by its decision date.
    @Test func theEventsReportCountsMembershipsByTheirInterval() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path) // the federation's memberships, decided 2012-01-01
        let seeded = Federation.membershipEvents().count
        func memberships(_ period: String) throws -> Int {
            try store.report(ReportQuery(name: .events, period: Period.parse(period))).value(row: "membership", column: "events")
        }
        #expect(try memberships("2011") == 0)
        #expect(try memberships("2012-01") == seeded)
        #expect(try memberships("2013") == seeded)
        // Falkenberg's memberships end on 2014-06-30.
        let ending = Federation.membershipEvents().filter { if case .membership(let m) = $0.fact { m.to != nil } else { false } }.count
        #expect(ending > 0)
        #expect(try memberships("2015") == seeded - ending)
        #expect(try store.report(ReportQuery(name: .events, period: Period.parse("2013"))).value(row: "total", column: "events") == seeded)
    }

    /// An outcome whose municipality is no mc member in the period (its membership was corrected
    /// later) has no column, so it counts in no total either: totals add up.
    @Test func mcTotalsAreTheSumOfTheMemberColumns() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        func event(_ json: String) throws -> Event { try Event.decode(json: json, today: .today()) }
        let membership = try store.append([event(#"{"type":"membership","occurred":"2013-05-01","unit":"mc","municipality":"Ulricehamn","role":"member","from":"2013-07-01","to":"2013-12-31"}"#)])[0].event
        _ = try store.append([
            event(#"{"type":"mc.case","occurred":"2013-08-01","case":"U-1","municipality":"Ulricehamn","service":"core"}"#),
            event(#"{"type":"mc.outcome","occurred":"2013-08-02","case":"U-1","municipality":"Ulricehamn","outcome":"studies"}"#),
            event(#"{"type":"mc.case","occurred":"2013-08-01","case":"B-1","municipality":"Borås","service":"core"}"#),
            event(#"{"type":"mc.outcome","occurred":"2013-08-03","case":"B-1","municipality":"Borås","outcome":"studies"}"#),
        ])
        func report() throws -> Report { try store.report(ReportQuery(name: .mc, period: Period.parse("2013-08"))) }
        #expect(try report().value(row: "studies", column: "1491") == 1)
        #expect(try report().value(row: "total", column: "total") == 2)
        _ = try store.append([event(#"{"type":"correction","occurred":"2013-09-01","target":"\#(membership.event.id!)","reason":"slutade i juli","replacement":{"type":"membership","occurred":"2013-05-01","unit":"mc","municipality":"Ulricehamn","role":"member","from":"2013-07-01","to":"2013-07-31"}}"#)])
        let after = try report()
        #expect(!after.columns.contains { $0.key == "1491" })
        #expect(after.value(row: "studies", column: "total") == 1)
        for row in after.rows {
            let members = zip(after.columns, row.cells).filter { $0.0.key != "total" }.map(\.1).reduce(0, +)
            #expect(after.value(row: row.key, column: "total") == members, "row \(row.key)")
        }
    }

    @Test func rowsFollowSwedishOrderAndOrganisationsGetTheirOwnRow() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let membership = { (code: String) in
            try Event.decode(json: #"{"type":"membership","occurred":"2013-01-01","unit":"navet","municipality":"\#(code)","role":"member","from":"2013-01-01"}"#, today: .today())
        }
        // Åre, Älmhult and Örebro join Navet for the test.
        _ = try store.append([membership("2321"), membership("0765"), membership("1880")])
        _ = try store.append([
            Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-05-05","organisation":"Örnsköldsviks folkhögskola","attendees":5}"#, today: .today()),
            Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-05-05","organisation":"HB","attendees":7}"#, today: .today()),
            Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-05-05","organisation":"Ängsgården","attendees":2}"#, today: .today()),
            Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-05-05","municipality":"Göteborg","attendees":11}"#, today: .today()),
        ])
        let report = try store.report(ReportQuery(name: .navet, period: Period.parse("2013")))
        #expect(report.rows.map(\.label) == ["Bollebygd", "Borås", "Mark", "Svenljunga", "Tranemo", "Ulricehamn", "Åre", "Älmhult", "Örebro", "Övriga", "HB", "Ängsgården", "Örnsköldsviks folkhögskola", "Summa"])
        #expect(report.columns.map(\.key) == ["lecture", "total"])
        #expect(report.value(row: "other", column: "lecture") == 11)
        #expect(report.value(row: "org:HB", column: "total") == 7)
        #expect(report.value(row: "total", column: "total") == 25)
    }

    @Test func compareLinesUpTheUnionOfRowsAndColumns() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        _ = try store.append([
            Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-05-05","municipality":"Borås","attendees":5}"#, today: .today()),
            Event.decode(json: #"{"type":"navet.visit","occurred":"2012-05-05","organisation":"HB","pupils":20,"teachers":1}"#, today: .today()),
        ])
        let report = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), compare: Period.parse("2012")))
        let previous = try #require(report.compare)
        #expect(report.columns.map(\.key) == ["pupils", "teachers", "lecture", "total"])
        #expect(previous.columns == report.columns)
        #expect(previous.rows.map(\.key) == report.rows.map(\.key))
        #expect(report.rows.map(\.key).contains("org:HB"))
        #expect(previous.value(row: "org:HB", column: "pupils") == 20)
        #expect(report.value(row: "1490", column: "lecture") == 5)
        let json = report.json()
        #expect(json.contains(#""compare":{"report":"navet","period":{"from":"2012-01-01","to":"2012-12-31"}"#))
        #expect(json.hasSuffix(#""compare":null}}"#))
    }
}
