import Foundation
import TestSupport
import Testing
@testable import Registry

/// Issue 17: MC's activities, plan targets and assessments, and the targets report.
@Suite("Plan targets")
struct TargetsTests {
    static func event(_ json: String) throws -> Event { try Event.decode(json: json, today: .today()) }

    static func target(_ key: String, minimum: Int? = 100, measure: String? = #"{"type":"navet.visit","sum":"pupils"}"#, period: String = "2013", unit: String = "navet") -> String {
        let minimum = minimum.map { #","minimum":\#($0)"# } ?? ""
        let measure = measure.map { #","measure":\#($0)"# } ?? ""
        return #"{"type":"plan.target","occurred":"2012-12-14","unit":"\#(unit)","key":"\#(key)","period":"\#(period)","text":"Mål \#(key)"\#(minimum)\#(measure)}"#
    }

    static func visit(_ day: String, pupils: Int, theme: String? = nil) -> String {
        let theme = theme.map { #","theme":"\#($0)""# } ?? ""
        return #"{"type":"navet.visit","occurred":"\#(day)","municipality":"Borås","pupils":\#(pupils),"teachers":1\#(theme)}"#
    }

    /// A store holding `events` (JSON texts), appended one by one.
    static func store(_ dir: TemporaryDirectory, _ events: [String]) throws -> Store {
        let store = try Store(path: dir.path)
        for json in events { _ = try store.append([event(json)]) }
        return store
    }

    static func report(_ store: Store, _ period: String = "2013", asOf: AsOf = .latest, unit: Registry.Unit? = nil, today: String = "2014-03-01") throws -> Report {
        try store.report(ReportQuery(name: .targets, period: Period.parse(period), asOf: asOf, unit: unit, today: Day(iso: today)))
    }

    static func cell(_ report: Report, _ row: String, _ column: String) -> String? {
        guard let r = report.rows.first(where: { $0.key == row }), let c = report.columns.firstIndex(where: { $0.key == column }) else { return nil }
        let json = report.cellJSON(r, c)
        return json == "null" ? nil : json.replacingOccurrences(of: "\"", with: "")
    }

    // MARK: - Decoding

    @Test func theNewEventsDecodeAndHaveCanonicalJSONWithSortedMeasureKeys() throws {
        let activity = try Self.event(#"{"type":"mc.activity","occurred":"2013-03-14","kind":"training","programme":"PEUP","municipality":"Borås","participants":24,"title":"PEUP för chefer"}"#)
        #expect(activity.fact == .activity(MCActivity(kind: .training, programme: "PEUP", municipality: Municipality.byCode("1490"), participants: 24, title: "PEUP för chefer")))
        let target = try Self.event(#"{"type":"plan.target","occurred":"2012-12-14","unit":"navet","key":"navet-mp","period":"2013","text":"Minst 4 000 elever","minimum":4000,"measure":{"type":"navet.visit","sum":"pupils","match":{"field":"theme","contains":"Matematikpalatset"}}}"#)
        #expect(target.json == #"{"key":"navet-mp","measure":{"match":{"contains":"Matematikpalatset","field":"theme"},"sum":"pupils","type":"navet.visit"},"minimum":4000,"occurred":"2012-12-14","period":"2013","text":"Minst 4 000 elever","type":"plan.target","unit":"navet"}"#)
        // The canonical form reads back as the same event.
        #expect(try Self.event(target.json) == target)
        let manual = try Self.event(#"{"type":"plan.target","occurred":"2012-12-14","unit":"mc","key":"mc-adcore","period":"2013","text":"Aktivt lansera jobbväxlingsfunktionen i AdCore"}"#)
        guard case .target(let t) = manual.fact else { Issue.record("not a target"); return }
        #expect(t.minimum == nil && t.measure == nil)
        let assessment = try Self.event(#"{"type":"plan.assessment","occurred":"2014-02-14","target":"mc-adcore","status":"partly","comment":"Marknadsförts"}"#)
        #expect(assessment.fact == .assessment(PlanAssessment(target: "mc-adcore", status: .partly, value: nil, comment: "Marknadsförts")))
        #expect(assessment.json == #"{"comment":"Marknadsförts","occurred":"2014-02-14","status":"partly","target":"mc-adcore","type":"plan.assessment"}"#)
    }

    static let bad: [(String, String, String)] = [
        (#"{"type":"mc.activity","occurred":"2013-03-14","kind":"lunch","participants":3}"#, "kind", "unknown value"),
        (#"{"type":"mc.activity","occurred":"2013-03-14","kind":"training","participants":-1}"#, "participants", "negative"),
        (#"{"type":"mc.activity","occurred":"2013-03-14","kind":"training"}"#, "participants", "is required"),
        (#"{"type":"mc.activity","occurred":"2013-03-14","kind":"training","participants":1,"municipality":"Atlantis"}"#, "municipality", ""),
        (#"{"type":"mc.activity","occurred":"2013-03-14","kind":"training","participants":1,"pupils":3}"#, "pupils", "unknown field"),
        (target("Bad_Key"), "key", "a–z"),
        (target(String(repeating: "k", count: 41)), "key", "at most 40"),
        (target("k", period: "2013-13"), "period", "does not exist"),
        (target("k", unit: "skola"), "unit", "unknown value"),
        (target("k", minimum: -5), "minimum", "negative"),
        (target("k", minimum: nil), "minimum", "is required with a measure"),
        (target("k", measure: #"{"type":"navet.nothing","sum":"events"}"#), "measure.type", "not a type a target can measure"),
        (target("k", measure: #"{"type":"membership","sum":"events"}"#), "measure.type", "not a type a target can measure"),
        (target("k", measure: #"{"type":"navet.visit","sum":"children"}"#), "measure.sum", "not a count of navet.visit"),
        (target("k", measure: #"{"type":"navet.visit","sum":"teacher_training_days"}"#), "measure.sum", "not a count"),
        (target("k", measure: #"{"type":"navet.visit","sum":"pupils","kind":"training"}"#), "measure.kind", "only mc.activity"),
        (target("k", measure: #"{"type":"mc.activity","sum":"events","kind":"lunch"}"#), "measure.kind", "unknown value"),
        (target("k", measure: #"{"type":"navet.public","sum":"adults","match":{"field":"theme","contains":"x"}}"#), "measure.match.field", "cannot be matched"),
        (target("k", measure: #"{"type":"navet.visit","sum":"pupils","match":{"field":"theme"}}"#), "measure.match.contains", "required"),
        (target("k", measure: #"{"type":"navet.visit","sum":"pupils","extra":1}"#), "measure.extra", "unknown field"),
        (target("k", measure: #""pupils""#), "measure", "must be an object"),
        (#"{"type":"plan.target","occurred":"2012-12-14","unit":"mc","key":"k","period":"2013","text":"\#(String(repeating: "å", count: 501))"}"#, "text", "at most 500"),
        (#"{"type":"plan.assessment","occurred":"2014-02-14","target":"k","status":"done"}"#, "status", "unknown value"),
        (#"{"type":"plan.assessment","occurred":"2014-02-14","target":"K K","status":"achieved"}"#, "target", "a–z"),
        (#"{"type":"plan.assessment","occurred":"2014-02-14","target":"k","status":"achieved","value":-1}"#, "value", "negative"),
        (#"{"type":"plan.assessment","occurred":"2014-02-14","target":"k","status":"achieved","comment":"\#(String(repeating: "x", count: 501))"}"#, "comment", "at most 500"),
    ]

    @Test(arguments: bad)
    func aBadFieldIsRejectedByName(_ json: String, _ field: String, _ fragment: String) {
        do {
            _ = try Self.event(json)
            Issue.record("accepted: \(json)")
        } catch let error as InputError {
            #expect(error.field == field, "\(error)")
            #expect(fragment.isEmpty || error.description.contains(fragment), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aTextOf500CharactersIsAccepted() throws {
        let text = String(repeating: "å", count: 500)
        _ = try Self.event(#"{"type":"plan.target","occurred":"2012-12-14","unit":"mc","key":"k","period":"2013","text":"\#(text)"}"#)
    }

    // MARK: - Rules that need the log

    @Test func aTargetKeyIsUniqueAmongLiveTargetsAndAnAssessmentNeedsALiveTarget() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [Self.target("elever")])
        #expect { try store.append([Self.event(Self.target("elever"))]) } throws: { ($0 as? InputError)?.field == "key" }
        #expect { try store.append([Self.event(#"{"type":"plan.assessment","occurred":"2014-02-14","target":"saknas","status":"achieved"}"#)]) } throws: {
            ($0 as? InputError)?.field == "target"
        }
        // Retracted, the key is free again.
        let original = try #require(try store.events(after: 0).last { $0.event.type == .planTarget }?.event.id)
        _ = try store.append([Self.event(#"{"type":"retraction","occurred":"2013-01-10","target":"\#(original)","reason":"Fel"}"#)])
        _ = try store.append([Self.event(Self.target("elever", minimum: 50))])
        #expect(try store.verify().position == store.head().position)
    }

    // MARK: - Each measure kind on a small history

    @Test func eachKindOfMeasureSumsTheEffectiveEvents() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [
            Self.target("pupils", minimum: 50),
            Self.target("mp", minimum: 40, measure: #"{"type":"navet.visit","sum":"pupils","match":{"field":"theme","contains":"matematikpalatset"}}"#),
            Self.target("visitors", minimum: 30, measure: #"{"type":"navet.public","sum":"children+adults"}"#),
            Self.target("days", minimum: 10, measure: #"{"type":"navet.training","sum":"teacher_training_days","match":{"field":"programme","contains":"Matematik"}}"#),
            Self.target("peup", minimum: 50, measure: #"{"type":"mc.activity","kind":"training","sum":"participants","match":{"field":"programme","contains":"PEUP"}}"#, unit: "mc"),
            Self.target("presentations", minimum: 2, measure: #"{"type":"mc.activity","kind":"presentation","sum":"events"}"#, unit: "mc"),
            Self.visit("2013-09-10", pupils: 20, theme: "Matematikpalatset"),
            Self.visit("2013-09-11", pupils: 25, theme: "Draken Berta"),
            Self.visit("2012-09-11", pupils: 99, theme: "Matematikpalatset"), // another year
            #"{"type":"navet.public","occurred":"2013-10-05","children":12,"adults":9}"#,
            #"{"type":"navet.training","occurred":"2013-10-07","programme":"Matematiklyftet","participants":10,"days":"1.5"}"#,
            #"{"type":"navet.training","occurred":"2013-10-08","programme":"Kunskap och känsla","participants":40,"days":2}"#,
            #"{"type":"mc.activity","occurred":"2013-03-14","kind":"training","programme":"PEUP","participants":24}"#,
            #"{"type":"mc.activity","occurred":"2013-04-14","kind":"training","programme":"Ledarskap","participants":9}"#,
            #"{"type":"mc.activity","occurred":"2013-04-15","kind":"presentation","participants":12}"#,
            #"{"type":"mc.activity","occurred":"2013-05-15","kind":"presentation","participants":0}"#,
        ])
        let report = try Self.report(store)
        #expect(report.rows.map(\.key) == ["pupils", "mp", "visitors", "days", "peup", "presentations"])
        #expect(report.columns.map(\.key) == ["minimum", "outcome", "share", "status", "pace", "comment"])
        #expect(report.columns.map(\.label) == ["Lägsta nivå", "Utfall", "Andel", "Status", "Takt", "Kommentar"])
        #expect(Self.cell(report, "pupils", "outcome") == "45")
        #expect(Self.cell(report, "pupils", "share") == "90")
        #expect(Self.cell(report, "pupils", "status") == "not-achieved")
        #expect(Self.cell(report, "mp", "outcome") == "20") // case-insensitive substring of the theme
        #expect(Self.cell(report, "visitors", "outcome") == "21")
        #expect(Self.cell(report, "days", "outcome") == "15") // 10 × 1.5
        #expect(Self.cell(report, "days", "status") == "achieved")
        #expect(Self.cell(report, "peup", "outcome") == "24")
        #expect(Self.cell(report, "presentations", "outcome") == "2")
        #expect(Self.cell(report, "presentations", "status") == "achieved")
        // After the period there is no pace.
        #expect(Self.cell(report, "pupils", "pace") == nil)
        // One unit only.
        #expect(try Self.report(store, unit: .mc).rows.map(\.key) == ["peup", "presentations"])
        // A period that does not overlap the targets' has none.
        #expect(try Self.report(store, "2012").rows.isEmpty)
        #expect(try Self.report(store, "2013-Q2").rows.count == 6)
    }

    // MARK: - Corrections, retractions, as-of

    @Test func theOutcomeFollowsCorrectionsRetractionsAndAsOf() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [Self.target("pupils", minimum: 50), Self.visit("2013-09-10", pupils: 20), Self.visit("2013-09-11", pupils: 25)])
        let events = try store.events(after: 0)
        let visits = events.filter { $0.event.type == .navetVisit }.map { $0.event.id! }
        let beforeFixes = try store.head().position
        _ = try store.append([Self.event(#"{"type":"correction","occurred":"2013-09-12","target":"\#(visits[0])","reason":"Fel","replacement":\#(Self.visit("2013-09-10", pupils: 30, theme: "Rymden"))}"#)])
        #expect(Self.cell(try Self.report(store), "pupils", "outcome") == "55")
        #expect(Self.cell(try Self.report(store), "pupils", "status") == "achieved")
        _ = try store.append([Self.event(#"{"type":"retraction","occurred":"2013-09-12","target":"\#(visits[1])","reason":"Dubbel"}"#)])
        #expect(Self.cell(try Self.report(store), "pupils", "outcome") == "30")
        #expect(Self.cell(try Self.report(store, asOf: .seq(beforeFixes)), "pupils", "outcome") == "45")
        // A corrected target: the new minimum, in the original's place.
        let target = events.first { $0.event.type == .planTarget }!.event.id!
        _ = try store.append([Self.event(Self.target("second", minimum: 1))])
        _ = try store.append([Self.event(#"{"type":"correction","occurred":"2013-01-05","target":"\#(target)","reason":"Ny nivå","replacement":\#(Self.target("pupils", minimum: 25))}"#)])
        let corrected = try Self.report(store)
        #expect(corrected.rows.map(\.key) == ["pupils", "second"])
        #expect(Self.cell(corrected, "pupils", "minimum") == "25")
        #expect(Self.cell(corrected, "pupils", "share") == "120")
        // A retracted target has no row.
        _ = try store.append([Self.event(#"{"type":"retraction","occurred":"2013-01-06","target":"\#(target)","reason":"Struket"}"#)])
        #expect(try Self.report(store).rows.map(\.key) == ["second"])
        #expect(try Self.report(store, asOf: .seq(beforeFixes)).rows.map(\.key) == ["pupils"])
    }

    // MARK: - Manual targets and assessments

    @Test func aManualTargetTakesItsStatusValueAndCommentFromTheNewestAssessment() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [
            Self.target("teman", minimum: nil, measure: nil),
            Self.target("pupils", minimum: 10),
            Self.visit("2013-09-10", pupils: 20),
        ])
        var report = try Self.report(store)
        #expect(Self.cell(report, "teman", "minimum") == nil)
        #expect(Self.cell(report, "teman", "status") == nil)
        #expect(report.json().contains(#""cells":{"minimum":null,"outcome":null,"share":null,"status":null,"pace":null,"comment":null}"#))
        _ = try store.append([Self.event(#"{"type":"plan.assessment","occurred":"2014-01-10","target":"teman","status":"partly","value":5,"comment":"Fem av åtta"}"#)])
        _ = try store.append([Self.event(#"{"type":"plan.assessment","occurred":"2014-02-10","target":"teman","status":"achieved","value":9,"comment":"Nio nya teman"}"#)])
        _ = try store.append([Self.event(#"{"type":"plan.assessment","occurred":"2014-02-11","target":"pupils","status":"partly","comment":"Stängt första halvåret"}"#)])
        report = try Self.report(store)
        #expect(Self.cell(report, "teman", "status") == "achieved")
        #expect(Self.cell(report, "teman", "outcome") == "9")
        #expect(Self.cell(report, "teman", "comment") == "Nio nya teman")
        // An assessment overrides the measured status; the outcome stays the events'.
        #expect(Self.cell(report, "pupils", "status") == "partly")
        #expect(Self.cell(report, "pupils", "outcome") == "20")
        #expect(report.table().contains("delvis uppnått"))
        // The newest one retracted: the one before counts again.
        let newest = try store.events(after: 0).filter { $0.event.type == .planAssessment }[1].event.id!
        _ = try store.append([Self.event(#"{"type":"retraction","occurred":"2014-02-12","target":"\#(newest)","reason":"Fel mål"}"#)])
        #expect(Self.cell(try Self.report(store), "teman", "status") == "partly")
    }

    // MARK: - Pace

    @Test func paceMidPeriodIsAStraightLineWithoutAPreviousYear() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [Self.target("pupils", minimum: 365), Self.visit("2013-01-20", pupils: 100), Self.visit("2013-04-20", pupils: 100)])
        // 1 March: day 60 of 365, the line is at 60; 100 so far.
        let march = try Self.report(store, today: "2013-03-01")
        #expect(Self.cell(march, "pupils", "pace") == "on-track")
        #expect(Self.cell(march, "pupils", "outcome") == "100")
        #expect(Self.cell(march, "pupils", "status") == "ongoing")
        #expect(march.table().contains("i fas"))
        // 1 December: day 335, the line is at 335; 200 so far.
        let december = try Self.report(store, today: "2013-12-01")
        #expect(Self.cell(december, "pupils", "pace") == "behind")
        #expect(december.table().contains("efter"))
        #expect(december.json().contains(#""pace":"behind""#))
    }

    @Test func paceMidPeriodComparesWithTheSameDaysOfThePreviousYear() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Self.store(dir, [
            Self.target("pupils", minimum: 1000),
            Self.visit("2012-02-10", pupils: 80), Self.visit("2012-05-10", pupils: 900),
            Self.visit("2013-02-10", pupils: 90),
        ])
        // By 1 March 2012 the previous year had 80; 90 now is on track though far below the line.
        #expect(Self.cell(try Self.report(store, today: "2013-03-01"), "pupils", "pace") == "on-track")
        // By 1 June 2012 it had 980.
        #expect(Self.cell(try Self.report(store, today: "2013-06-01"), "pupils", "pace") == "behind")
    }

    // MARK: - The 2013 plan on the demo history

    @Test func theDemoTargetsReportFor2013MatchesTheGoldenTable() throws {
        let report = try GoldenTests.store.report(ReportQuery(name: .targets, period: Period.parse("2013"), today: Day(iso: "2014-03-01")))
        #expect(report.table() == (try GoldenTests.golden("targets-2013.txt")))
        #expect(Self.cell(report, "navet-elever", "outcome") == "13396")
        #expect(Self.cell(report, "navet-besokare", "outcome") == "16787")
        #expect(Self.cell(report, "mc-peup", "outcome") == "62")
        #expect(Self.cell(report, "mc-presentationer", "outcome") == "22")
        #expect(Self.cell(report, "mc-dialogtraff", "status") == "achieved")
        #expect(report.notes.contains { $0.key == "navet-elever" && $0.value.contains("14 263") })
    }
}
