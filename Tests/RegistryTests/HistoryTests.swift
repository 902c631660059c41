import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

@Suite("2012–2013 history")
struct HistoryTests {
    static let history = History.events()

    // MARK: - Helpers

    /// The effective events of SPEC §3 at the end of the list: retracted originals left out,
    /// corrected ones replaced by their newest correction's replacement.
    static func effective(_ events: [Event]) -> [Event] {
        var retracted = Set<EventID>()
        var replacements: [EventID: Event] = [:]
        for event in events {
            switch event.fact {
            case .retraction(let r): retracted.insert(r.target)
            case .correction(let c): replacements[c.target] = c.replacement
            default: break
            }
        }
        return events.compactMap { event in
            switch event.fact {
            case .retraction, .correction: return nil
            default:
                guard let id = event.id, !retracted.contains(id) else { return nil }
                return replacements[id] ?? event
            }
        }
    }

    /// A published table: header and rows of labelled cells (quoted fields allowed).
    struct Table {
        let header: [String]
        let rows: [(label: String, cells: [Int])]

        init(golden name: String) throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Table.fields(String($0)) }
            header = Array(lines[0].dropFirst())
            rows = lines.dropFirst().map { ($0[0], $0.dropFirst().map { Int($0) ?? 0 }) }
        }

        static func fields(_ line: String) -> [String] {
            var fields: [String] = [], current = "", quoted = false
            for c in line where c != "\r" {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { fields.append(current); current = "" } else { current.append(c) }
            }
            return fields + [current]
        }

        func value(_ row: String, _ column: String) -> Int? {
            guard let r = rows.first(where: { $0.label == row }), let c = header.firstIndex(of: column) else { return nil }
            return r.cells[c]
        }
    }

    static let navetMembers = ["1443", "1490", "1463", "1465", "1452", "1491"]
    static let columnLabels = ["Elever", "Lärare", "Kompetensutveckling lärare", "Allmänhet barn", "Allmänhet vuxna", "Konferenser", "Föreläsningar"]

    /// The Navet table of a year, by row label ("Borås", "Övriga", organisation, "Summa") and column label.
    static func navetTotals(_ year: Int) -> (cells: [String: [Int]], quarterDays: Int) {
        var cells: [String: [Int]] = [:]
        var quarterDays = 0
        func add(_ origin: Origin, _ column: Int, _ value: Int) {
            let row: String
            switch origin {
            case .municipality(let m) where navetMembers.contains(m.code): row = m.name
            case .municipality, .unknown: row = "Övriga"
            case .organisation(let name): row = name
            }
            for key in [row, "Summa"] {
                cells[key, default: [Int](repeating: 0, count: 7)][column] += value
            }
        }
        for event in effective(history) where event.occurred.year == year {
            switch event.fact {
            case .visit(let v): add(v.origin, 0, v.pupils); add(v.origin, 1, v.teachers)
            case .training(let t): add(t.origin, 2, t.participants); quarterDays += t.trainingQuarterDays
            case .publicVisit(let p): add(p.origin, 3, p.children); add(p.origin, 4, p.adults)
            case .conference(let c): add(c.origin, 5, c.participants)
            case .lecture(let l): add(l.origin, 6, l.attendees)
            default: break
            }
        }
        return (cells, quarterDays)
    }

    static func isHoliday(_ day: Day) -> Bool {
        // Swedish red days, midsummer, Christmas and New Year's Eve, 2012–2013.
        [
            "2012-01-01", "2012-01-06", "2012-04-06", "2012-04-08", "2012-04-09", "2012-05-01", "2012-05-17", "2012-05-27",
            "2012-06-06", "2012-06-22", "2012-06-23", "2012-11-03", "2012-12-24", "2012-12-25", "2012-12-26", "2012-12-31",
            "2013-01-01", "2013-01-06", "2013-03-29", "2013-03-31", "2013-04-01", "2013-05-01", "2013-05-09", "2013-05-19",
            "2013-06-06", "2013-06-21", "2013-06-22", "2013-11-02", "2013-12-24", "2013-12-25", "2013-12-26", "2013-12-31",
        ].contains(day.description)
    }

    // MARK: - Published tables

    @Test(arguments: [2012, 2013])
    func navetTableIsReproducedCellForCell(year: Int) throws {
        let table = try Table(golden: "navet-\(year).csv")
        let (cells, _) = Self.navetTotals(year)
        for row in table.rows {
            let counts = cells[row.label] ?? [Int](repeating: 0, count: 7)
            for (index, column) in table.header.enumerated() {
                let expected = row.cells[index]
                let actual = column == "Summa" ? counts.reduce(0, +) : counts[Self.columnLabels.firstIndex(of: column)!]
                #expect(actual == expected, "\(year) \(row.label) / \(column)")
            }
        }
        // No row or column with counts that the table does not show.
        for (label, counts) in cells where counts.contains(where: { $0 != 0 }) {
            #expect(table.rows.contains { $0.label == label }, "unexpected row \(label)")
        }
        for (index, label) in Self.columnLabels.enumerated() where cells["Summa"]![index] != 0 {
            #expect(table.header.contains(label), "unexpected column \(label)")
        }
    }

    @Test func teacherTrainingDaysMatchTheFootnotes() {
        #expect(Self.navetTotals(2012).quarterDays == 4 * 5439)
        #expect(Self.navetTotals(2013).quarterDays == 4 * 4794)
    }

    @Test func mcOutcomes2013AreReproducedCellForCell() throws {
        let table = try Table(golden: "mc-outcomes-2013.csv")
        var matrix: [String: [String: Int]] = [:]
        for event in Self.effective(Self.history) where event.occurred.year == 2013 {
            guard case .outcome(let o) = event.fact else { continue }
            for row in [o.outcome.label, "Totalt, kommun"] {
                for column in [o.municipality.name, "Totalt"] { matrix[row, default: [:]][column, default: 0] += 1 }
            }
        }
        #expect(table.rows.count == 10)
        for row in table.rows {
            for (index, column) in table.header.enumerated() {
                #expect(matrix[row.label]?[column] ?? 0 == row.cells[index], "\(row.label) / \(column)")
            }
        }
        #expect(table.value("Totalt, kommun", "Totalt") == 107)
    }

    // MARK: - Shape of the history

    @Test func isDeterministicWithUniqueIDs() {
        let again = History.events()
        #expect(again == Self.history)
        let ids = Self.history.compactMap(\.id)
        #expect(ids.count == Self.history.count)
        #expect(Set(ids).count == ids.count)
        #expect((4_000...20_000).contains(Self.history.count))
    }

    @Test func datesAreOrderedAndFixesFollowTheirTargets() {
        let first = Day(year: 2012, month: 1, day: 1)!, last = Day(year: 2014, month: 2, day: 10)!
        var seen: [EventID: Event] = [:]
        var fixes = 0
        for (index, event) in Self.history.enumerated() {
            #expect(first <= event.occurred && event.occurred <= last)
            if index > 0 { #expect(Self.history[index - 1].occurred <= event.occurred) }
            switch event.fact {
            case .retraction(let r):
                fixes += 1
                #expect(seen[r.target] != nil && !r.reason.isEmpty)
            case .correction(let c):
                fixes += 1
                #expect(c.replacement.id == nil && c.replacement.type == seen[c.target]?.type)
                #expect(c.replacement.fact != seen[c.target]?.fact)
            case .membership:
                Issue.record("the store holds membership from its creation")
            default: break
            }
            seen[event.id!] = event
        }
        #expect((2...4).contains(fixes))
    }

    @Test func valuesAreWithinTheEventRules() {
        func check(_ event: Event) {
            var texts = [event.by, event.note]
            var counts: [Int] = []
            switch event.fact {
            case .visit(let v):
                texts += [v.school, v.theme]; counts += [v.pupils, v.teachers]
                #expect(v.pupils + v.teachers > 0)
            case .training(let t):
                texts.append(t.programme); counts.append(t.participants)
                #expect(t.participants > 0 && t.days.quarters > 0)
            case .publicVisit(let p):
                counts += [p.children, p.adults]
                #expect(p.children + p.adults > 0)
            case .conference(let c): texts.append(c.name); counts.append(c.participants); #expect(c.participants > 0)
            case .lecture(let l): texts.append(l.title); counts.append(l.attendees); #expect(l.attendees > 0)
            case .mcCase(let c): texts.append(c.caseID)
            case .grant(let g): texts += [g.grant, g.project, g.applicant]; #expect(g.amountSEK > 0)
            case .retraction(let r): texts.append(r.reason)
            case .correction(let c): texts.append(c.reason); check(c.replacement)
            default: break
            }
            #expect(texts.allSatisfy { ($0?.count ?? 0) <= 200 })
            #expect(counts.allSatisfy { (0...100_000).contains($0) })
        }
        Self.history.forEach(check)
    }

    @Test func noSchoolVisitsWhileNavetWasRebuilt() {
        let july = Day(year: 2013, month: 7, day: 1)!
        for event in Self.history + Self.effective(Self.history) where event.type == .navetVisit && event.occurred.year == 2013 {
            #expect(event.occurred >= july)
        }
        // School visits only on weekdays.
        #expect(Self.effective(Self.history).filter { $0.type == .navetVisit }.allSatisfy { $0.occurred.weekday < 5 && !Self.isHoliday($0.occurred) })
    }

    @Test func publicVisitsOnlyOnWeekendsAndHolidays() {
        let visits = (Self.history + Self.effective(Self.history)).filter { $0.type == .navetPublic }
        #expect(visits.count > 150)
        for event in visits {
            #expect(event.occurred.weekday >= 5 || Self.isHoliday(event.occurred), "\(event.occurred)")
        }
    }

    @Test func everyOutcomeFollowsItsCase() {
        var cases: [String: CoachingCase] = [:], caseDays: [String: Day] = [:], closed = Set<String>()
        for event in Self.history {
            switch event.fact {
            case .mcCase(let c):
                #expect(cases[c.caseID] == nil, "case \(c.caseID) opened twice")
                #expect(c.caseID.hasPrefix("MC-\(event.occurred.year)-") && c.caseID.count == 12)
                cases[c.caseID] = c
                caseDays[c.caseID] = event.occurred
            case .outcome(let o):
                let opened = cases[o.caseID]
                #expect(opened?.municipality == o.municipality, "\(o.caseID)")
                #expect(caseDays[o.caseID].map { $0 <= event.occurred } == true)
                #expect(!closed.contains(o.caseID))
                closed.insert(o.caseID)
            default: break
            }
        }
        let outcomes2012 = Self.history.filter { $0.type == .mcOutcome && $0.occurred.year == 2012 }.count
        #expect(outcomes2012 > 0)
    }

    @Test(arguments: [2012, 2013])
    func mcCasesLookLikeTheAnnualReport(year: Int) {
        let cases = Self.effective(Self.history).compactMap { event -> CoachingCase? in
            guard event.occurred.year == year, case .mcCase(let c) = event.fact else { return nil }
            return c
        }
        #expect((450...550).contains(cases.count))
        let female = Double(cases.filter { $0.gender == .female }.count) / Double(cases.count)
        let core = Double(cases.filter { $0.service == .core }.count) / Double(cases.count)
        #expect((0.68...0.74).contains(female))
        #expect((0.81...0.87).contains(core))
        let members = Set(["1443", "1490", "1463", "1465", "1452"])
        #expect(cases.allSatisfy { members.contains($0.municipality.code) })
        let boras = cases.filter { $0.municipality.code == "1490" }.count
        #expect(boras > cases.count / 2)
    }

    @Test func grantsStayWithinTheBudget() {
        let grants = Self.effective(Self.history).compactMap { event -> (Day, GrantDecision)? in
            guard case .grant(let g) = event.fact else { return nil }
            return (event.occurred, g)
        }
        let of2013 = grants.filter { $0.0.year == 2013 }.map(\.1)
        #expect((25...40).contains(of2013.count))
        #expect(of2013.filter { $0.decision == .approved }.reduce(0) { $0 + $1.amountSEK } <= 8_000_000)
        #expect(of2013.contains { $0.decision == .rejected })
        #expect(Set(of2013.map(\.area)).count == Area.allCases.count)
        #expect(grants.contains { $0.0.year == 2012 })
        #expect(Set(grants.map(\.1.grant)).count == grants.count)
        #expect(grants.contains { $0.0.description == "2013-02-08" && $0.1.project.hasPrefix("VO-college") })
    }
}
