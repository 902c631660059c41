import CLMDB
import Foundation
import TestSupport
import Testing
@testable import EventLog
@testable import Registry

/// Nothing accepted may block the log (issue 14.1), and the rules of SPEC §2 that need the log
/// (issue 18): one live outcome per case, not before the case, unique case and grant ids.
@Suite("Store integrity")
struct IntegrityTests {
    static func event(_ json: String) throws -> Event { try Event.decode(json: json, today: .today()) }

    static let longName = String(repeating: "€", count: 171) // 513 bytes: "n" + name > 511

    static func visit(_ i: Int, organisation: String? = nil) -> String {
        let origin = organisation.map { #""organisation":"\#($0)""# } ?? #""municipality":"Borås""#
        return #"{"type":"navet.visit","occurred":"2013-09-12",\#(origin),"pupils":\#(i % 90 + 1),"teachers":1}"#
    }

    /// Appends `count` visits, one transaction each (as `registry log` does).
    static func appendVisits(_ store: Store, _ count: Int) throws {
        for i in 0..<count { _ = try store.append([event(visit(i))]) }
    }

    static func organisationRow(_ store: Store) throws -> Report.Row? {
        try store.report(ReportQuery(name: .navet, period: Period.parse("2013"))).rows.first { $0.label == longName }
    }

    // MARK: - Issue 14.1: a long organisation name

    @Test func aLongOrganisationNameNeverBlocksTheLog() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        do {
            let store = try Store(path: dir.path)
            _ = try store.append([Self.event(Self.visit(7, organisation: Self.longName))])
            // Enough appends to write the tail into the B-trees more than once.
            try Self.appendVisits(store, 40)
            #expect(try store.verify().position == store.head().position)
            #expect(try Self.organisationRow(store)?.cells.first == 8)
        }
        // After a restart the tail is worked out anew from the log.
        let store = try Store(path: dir.path)
        try Self.appendVisits(store, 40)
        _ = try store.append([Self.event(Self.visit(3, organisation: Self.longName))])
        #expect(try store.verify().position == store.head().position)
        #expect(try Self.organisationRow(store)?.cells.first == 8 + 4)
    }

    /// A store the old program blocked: the event is in the log after the watermark, its
    /// entries nowhere (they failed every write of the tail). The new program works the tail
    /// out with the new key and writes it.
    @Test func aStoreBlockedByTheOldKeyIsWritableAgain() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let blocking = try Self.event(Self.visit(7, organisation: Self.longName))
        do {
            // Appended as the old program did: the event alone (its entries waited in the tail).
            let log = try EventLog(path: dir.path, options: LogOptions(indexes: Store.indexSpecs))
            log.setIndexer { _, _ in [] }
            for i in 0..<20 {
                var event = i == 0 ? blocking : try Self.event(Self.visit(i))
                event.id = EventID.random()
                let template = CanonicalTemplate(event)
                try log.write { txn in _ = try txn.append(id: event.id!) { seq, recorded in template.render(seq: seq, recorded: recorded) } }
            }
            #expect(try log.read { try $0.watermark() } == 0)
        }
        let store = try Store(path: dir.path)
        try Self.appendVisits(store, 40)
        #expect(try store.log.read { try $0.watermark() } > 20)
        #expect(try store.verify().position == 60)
        #expect(try Self.organisationRow(store)?.cells.first == 8)
    }

    @Test(arguments: [10, 3000])
    func anImportWithALongOrganisationIsAcceptedAndTheLogStaysWritable(_ count: Int) throws {
        // 3000 lines: bulk mode, where the entry went straight into the B-tree and failed.
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        var lines = (0..<count).map { Self.visit($0) }
        lines[count / 2] = Self.visit(7, organisation: Self.longName)
        lines.append(Self.visit(8, organisation: Self.longName + "x"))
        #expect(try store.importEvents(Array(lines.joined(separator: "\n").utf8)).appended == count + 1)
        try Self.appendVisits(store, 40)
        _ = try store.append([Self.event(Self.visit(1, organisation: Self.longName))])
        #expect(try store.verify().position == store.head().position)
        #expect(try Self.organisationRow(store)?.cells.first == 8 + 2)
    }

    // MARK: - Issue 18: one live outcome per case

    static let opened = #"{"type":"mc.case","occurred":"2013-03-10","case":"C-1","municipality":"Borås","service":"core"}"#
    static func outcome(_ occurred: String = "2013-05-02", _ outcome: String = "studies", municipality: String = "Borås", case id: String = "C-1") -> String {
        #"{"type":"mc.outcome","occurred":"\#(occurred)","case":"\#(id)","municipality":"\#(municipality)","outcome":"\#(outcome)"}"#
    }
    static func retraction(_ id: EventID) -> String {
        #"{"type":"retraction","occurred":"2013-06-01","target":"\#(id)","reason":"fel"}"#
    }
    static func correction(_ id: EventID, _ replacement: String) -> String {
        #"{"type":"correction","occurred":"2013-06-01","target":"\#(id)","reason":"fel","replacement":\#(replacement)}"#
    }

    static func refusal(_ store: Store, _ json: String) -> InputError? {
        do {
            _ = try store.append([event(json)])
            return nil
        } catch {
            return error as? InputError
        }
    }

    static func id(_ appended: [Appended], _ i: Int = 0) -> EventID { appended[i].event.event.id! }

    @Test func aCaseEndsWithOneLiveOutcome() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let first = Self.id(try store.append([Self.event(Self.opened), Self.event(Self.outcome())]), 1)
        let second = Self.refusal(store, Self.outcome("2013-05-03", "other"))
        #expect(second?.field == "case")
        #expect(second?.message.contains("already has an outcome") == true)
        #expect(second?.message.contains(first.description) == true)
        #expect(second?.message.contains("correct that outcome") == true)
        // Correcting the outcome is how it changes.
        _ = try store.append([Self.event(Self.correction(first, Self.outcome("2013-05-02", "other")))])
        #expect(Self.refusal(store, Self.outcome("2013-05-03"))?.field == "case")
        // A retracted outcome frees the case.
        _ = try store.append([Self.event(Self.retraction(first))])
        let again = Self.id(try store.append([Self.event(Self.outcome("2013-05-04", "other"))]))
        #expect(Self.refusal(store, Self.outcome("2013-05-05"))?.message.contains(again.description) == true)
        // The report counts one outcome for the case.
        let mc = try store.report(ReportQuery(name: .mc, period: Period.parse("2013")))
        #expect(mc.rows.last?.cells.last == 1)
        #expect(try store.verify().position == store.head().position)
    }

    @Test func aCorrectionCannotGiveACaseASecondOutcome() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let other = #"{"type":"mc.case","occurred":"2013-03-10","case":"C-2","municipality":"Borås","service":"core"}"#
        let appended = try store.append([Self.event(Self.opened), Self.event(other), Self.event(Self.outcome()), Self.event(Self.outcome(case: "C-2"))])
        let error = Self.refusal(store, Self.correction(Self.id(appended, 3), Self.outcome(case: "C-1")))
        #expect(error?.field == "replacement.case")
        #expect(error?.message.contains(Self.id(appended, 2).description) == true)
    }

    @Test func anOutcomeFollowsItsLiveCaseOnOrAfterItsDateInItsMunicipality() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let late = #"{"type":"mc.case","occurred":"2013-12-20","case":"C-1","municipality":"Borås","service":"core"}"#
        let caseID = Self.id(try store.append([Self.event(late)]))
        let early = Self.refusal(store, Self.outcome("2013-11-01"))
        #expect(early?.field == "occurred")
        #expect(early?.message.contains("on or after the case's occurred date (2013-12-20)") == true)
        let elsewhere = Self.refusal(store, Self.outcome("2013-12-21", municipality: "Mark"))
        #expect(elsewhere?.field == "municipality")
        #expect(elsewhere?.message.contains("Borås") == true)
        // The case as corrected counts.
        _ = try store.append([Self.event(Self.correction(caseID, #"{"type":"mc.case","occurred":"2013-10-01","case":"C-1","municipality":"Borås","service":"core"}"#))])
        let outcome = Self.id(try store.append([Self.event(Self.outcome("2013-11-01"))]))
        // A correction of the outcome obeys the date rule too.
        #expect(Self.refusal(store, Self.correction(outcome, Self.outcome("2013-09-30")))?.field == "replacement.occurred")
        // The case retracted: no outcome for it.
        _ = try store.append([Self.event(Self.retraction(outcome)), Self.event(Self.retraction(caseID))])
        let retracted = Self.refusal(store, Self.outcome("2013-11-02"))
        #expect(retracted?.field == "case")
        #expect(retracted?.message.contains("retracted") == true)
        #expect(Self.refusal(store, Self.outcome(case: "C-9"))?.message.contains("open the case first") == true)
        #expect(try store.verify().position == store.head().position)
    }

    @Test func aCaseIdIsUniqueAmongLiveCases() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let first = Self.id(try store.append([Self.event(Self.opened)]))
        let again = Self.refusal(store, #"{"type":"mc.case","occurred":"2013-04-10","case":"C-1","municipality":"Mark","service":"core"}"#)
        #expect(again?.field == "case")
        #expect(again?.message.contains(first.description) == true)
        // Correcting the case itself keeps its id.
        _ = try store.append([Self.event(Self.correction(first, #"{"type":"mc.case","occurred":"2013-03-11","case":"C-1","municipality":"Borås","service":"purchased"}"#))])
        // Logged anew once retracted.
        _ = try store.append([Self.event(Self.retraction(first))])
        _ = try store.append([Self.event(Self.opened), Self.event(Self.outcome())])
        #expect(try store.verify().position == store.head().position)
    }

    static func grant(_ id: String, occurred: String = "2013-02-08", amount: Int = 400_000) -> String {
        #"{"type":"grant.decision","occurred":"\#(occurred)","grant":"\#(id)","project":"P","area":"tillvaxt","amount_sek":\#(amount),"decision":"approved"}"#
    }

    @Test func aGrantIdIsUniqueAmongLiveDecisions() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let first = Self.id(try store.append([Self.event(Self.grant("TM-2013-01"))]))
        let repeated = Self.refusal(store, Self.grant("TM-2013-01", occurred: "2013-02-09"))
        #expect(repeated?.field == "grant")
        #expect(repeated?.message.contains(first.description) == true)
        #expect(repeated?.message.contains("correct that decision") == true)
        // Correcting the decision keeps its id; another decision cannot take it by correction.
        _ = try store.append([Self.event(Self.correction(first, Self.grant("TM-2013-01", amount: 500_000)))])
        let second = Self.id(try store.append([Self.event(Self.grant("TM-2013-02"))]))
        #expect(Self.refusal(store, Self.correction(second, Self.grant("TM-2013-01")))?.field == "replacement.grant")
        _ = try store.append([Self.event(Self.retraction(first))])
        _ = try store.append([Self.event(Self.grant("TM-2013-01", occurred: "2013-03-01"))])
        // The longest grant id (200 scalars of 4 bytes, 800 bytes) is indexed by its digest.
        let long = String(repeating: "😀", count: 200)
        _ = try store.append([Self.event(Self.grant(long))])
        #expect(Self.refusal(store, Self.grant(long, occurred: "2013-02-10"))?.field == "grant")
        try Self.appendVisits(store, 40)
        let grants = try store.report(ReportQuery(name: .grants, period: Period.parse("2013")))
        #expect(grants.rows.last?.cells.first == 3)
        #expect(try store.verify().position == store.head().position)
    }

    /// One batch: a case and its outcome pass, a second outcome names its line; in a small
    /// import (the tail) and a large one (bulk mode).
    @Test(arguments: [0, 2000])
    func anImportNamesTheLineOfASecondOutcome(_ padding: Int) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let before = try store.head()
        let lines = (0..<padding).map { Self.visit($0) } + [Self.opened, Self.outcome(), Self.grant("G-1"), Self.outcome("2013-05-03")]
        #expect { try store.importEvents(Array(lines.joined(separator: "\n").utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == padding + 4 && error?.field == "case"
        }
        #expect(try store.head() == before)
        let grants = (0..<padding).map { Self.visit($0) } + [Self.grant("G-1"), Self.grant("G-1")]
        #expect { try store.importEvents(Array(grants.joined(separator: "\n").utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == padding + 2 && error?.field == "grant"
        }
        #expect(try store.importEvents(Array(lines.dropLast().joined(separator: "\n").utf8)).appended == padding + 3)
        #expect(try store.verify().position == store.head().position)
        // In one `append` batch the error names the event's index.
        #expect { try store.append([Self.event(Self.grant("G-2")), Self.event(Self.grant("G-2"))]) } throws: { ($0 as? InputError)?.index == 1 }
    }

    /// A store made before the claims index existed gets it, built from its log, when opened.
    @Test func anOlderStoreGetsItsClaimsBuilt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        var first: EventID?
        do {
            let store = try Store(path: dir.path)
            first = Self.id(try store.append([Self.event(Self.opened), Self.event(Self.outcome()), Self.event(Self.grant("G-1"))]), 1)
            try Self.appendVisits(store, 40)
            // As an older program left it: no claims database.
            try store.log.write { txn in
                try check(mdb_drop(txn.txn, store.claims.dbi, 1), "dropping the claims")
            }
        }
        let store = try Store(path: dir.path)
        #expect(store.log.unbuiltIndexes.isEmpty == false)
        #expect(try store.verify().position == store.head().position)
        #expect(Self.refusal(store, Self.outcome("2013-05-03"))?.message.contains(first!.description) == true)
        #expect(Self.refusal(store, Self.grant("G-1"))?.field == "grant")
        #expect(try Store(path: dir.sub("other")).log.unbuiltIndexes.isEmpty)
    }

    // MARK: - SPEC §4: no as-of in the future

    @Test func anAsOfInTheFutureIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let future = ReportQuery(name: .navet, period: try Period.parse("2013"), asOf: try AsOf.parse("2030-01-01"))
        #expect { try store.report(future) } throws: { ($0 as? InputError)?.field == "as_of" && ($0 as? InputError)?.message.contains("future") == true }
        let tomorrow = Date().addingTimeInterval(36 * 3600)
        #expect(throws: InputError.self) { try store.resolve(.instant(tomorrow)) }
        // Today (the end of today) and now are not in the future.
        let today = ReportQuery(name: .navet, period: try Period.parse("2013"), asOf: try AsOf.parse(Day.today().description))
        #expect(try store.report(today).asOfSeq == store.head().position)
        #expect(try store.resolve(.instant(Date())) == store.head().position)
        // A position past the head is the future too; the head itself is not.
        let head = try store.head().position
        #expect(try store.resolve(.seq(head)) == head)
        #expect { try store.resolve(.seq(head + 1)) } throws: { ($0 as? InputError)?.field == "as_of_seq" }
    }
}
