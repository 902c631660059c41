import EventLog
import TestSupport
import Testing
@testable import Registry

@Suite("Store rules")
struct StoreTests {
    static func event(_ json: String) throws -> Event { try Event.decode(json: json, today: .today()) }

    @Test func aNewStoreHoldsTheFederationsMembership() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let memberships = try store.memberships()
        #expect(memberships.filter { $0.unit == .navet }.map(\.municipality.name).sorted() == ["Bollebygd", "Borås", "Mark", "Svenljunga", "Tranemo", "Ulricehamn"])
        #expect(memberships.filter { $0.unit == .mc }.count == 5)
        #expect(memberships.first { $0.municipality.code == "1382" }?.to?.description == "2014-06-30")
        // Opening again, or appending the same membership events, adds nothing.
        #expect(try store.append(Federation.membershipEvents()).allSatisfy { !$0.isNew })
        #expect(try store.head().position == UInt64(Federation.membershipEvents().count))
    }

    @Test func anEmptyStoreHasNoMembership() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path, seedMembership: false)
        #expect(try store.head().position == 0)
        #expect(throws: InputError.self) {
            try store.append([Self.event(#"{"type":"mc.case","occurred":"2013-01-10","case":"C-1","municipality":"Borås","service":"core"}"#)])
        }
    }

    @Test func mcEventsNeedAMemberAndOutcomesNeedTheirCase() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let outcome = try Self.event(#"{"type":"mc.outcome","occurred":"2013-03-01","case":"C-1","municipality":"Borås","outcome":"studies"}"#)
        #expect { try store.append([outcome]) } throws: { ($0 as? InputError)?.field == "case" }
        let nonMember = try Self.event(#"{"type":"mc.case","occurred":"2013-01-10","case":"C-9","municipality":"Ulricehamn","service":"core"}"#)
        #expect { try store.append([nonMember]) } throws: { ($0 as? InputError)?.field == "municipality" }
        let opened = try Self.event(#"{"type":"mc.case","occurred":"2013-01-10","case":"C-1","municipality":"Borås","service":"core","gender":"female"}"#)
        // A case and its outcome in one batch: the outcome sees the case.
        let appended = try store.append([opened, outcome])
        #expect(appended.map(\.isNew) == [true, true])
        // A case id is unique among live cases, and a case ends with one outcome (SPEC §2;
        // `IntegrityTests` has the rest).
        let reopened = try Self.event(#"{"type":"mc.case","occurred":"2013-01-11","case":"C-1","municipality":"Borås","service":"core"}"#)
        #expect { try store.append([reopened]) } throws: { ($0 as? InputError)?.field == "case" }
        #expect { try store.append([outcome]) } throws: { ($0 as? InputError)?.message.contains("already has an outcome") == true }
        #expect(try store.verify().position == store.head().position)
    }

    @Test func theCurrentVersionIsTheNewestCorrection() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let id = try store.append([Self.event(#"{"type":"navet.public","occurred":"2013-09-14","children":3,"adults":1}"#)])[0].event.event.id!
        #expect(try store.currentVersion(of: id)?.event.json.contains(#""children":3"#) == true)
        for children in [4, 5] {
            _ = try store.append([Self.event(#"{"type":"correction","occurred":"2013-09-15","target":"\#(id)","reason":"x","replacement":{"type":"navet.public","occurred":"2013-09-14","children":\#(children),"adults":1}}"#)])
        }
        let current = try #require(try store.currentVersion(of: id))
        #expect(current.event.json.contains(#""children":5"#))
        #expect(current.retraction == nil)
        _ = try store.append([Self.event(#"{"type":"retraction","occurred":"2013-09-15","target":"\#(id)","reason":"dubbel"}"#)])
        #expect(try store.currentVersion(of: id)?.retraction?.reason == "dubbel")
        #expect(try store.currentVersion(of: EventID.random()) == nil)
    }

    @Test func retractionsAndCorrectionsTargetLiveOriginals() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let visit = try store.append([Self.event(#"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Mark","pupils":24,"teachers":2}"#)])[0].event
        let id = visit.event.id!
        let wrongType = try Self.event(#"{"type":"correction","occurred":"2013-09-13","target":"\#(id)","reason":"x","replacement":{"type":"navet.lecture","occurred":"2013-09-12","attendees":3}}"#)
        #expect { try store.append([wrongType]) } throws: { ($0 as? InputError)?.field == "replacement.type" }
        let unknown = try Self.event(#"{"type":"retraction","occurred":"2013-09-13","target":"\#(EventID.random())","reason":"x"}"#)
        #expect { try store.append([unknown]) } throws: { ($0 as? InputError)?.field == "target" }
        let correction = try store.append([Self.event(#"{"type":"correction","occurred":"2013-09-13","target":"\#(id)","reason":"x","replacement":{"type":"navet.visit","occurred":"2013-09-12","municipality":"Mark","pupils":25,"teachers":2}}"#)])[0].event
        let ofCorrection = try Self.event(#"{"type":"retraction","occurred":"2013-09-13","target":"\#(correction.event.id!)","reason":"x"}"#)
        #expect { try store.append([ofCorrection]) } throws: { ($0 as? InputError)?.message.contains("original") == true }
        let retraction = try Self.event(#"{"type":"retraction","occurred":"2013-09-14","target":"\#(id)","reason":"dubbel"}"#)
        _ = try store.append([retraction])
        let again = try Self.event(#"{"type":"retraction","occurred":"2013-09-14","target":"\#(id)","reason":"dubbel"}"#)
        #expect { try store.append([again]) } throws: { ($0 as? InputError)?.message.contains("already retracted") == true }
        #expect(try store.verify().position == store.head().position)
    }

    @Test func importIsAllOrNothingAndIdempotent() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let before = try store.head()
        let good = (1...50).map { i in
            #"{"id":"00000000-0000-4000-8000-\#(String(format12: i))","type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":\#(i),"teachers":1}"#
        }
        let bad = good + [#"{"type":"navet.visit","occurred":"2013-09-12","pupils":-4,"teachers":1}"#]
        #expect { try store.importEvents(Array(bad.joined(separator: "\n").utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == 51 && error?.field == "pupils"
        }
        #expect(try store.head() == before)
        // A rule that needs the log (an unknown target) fails late and still appends nothing.
        let late = good + [#"{"type":"retraction","occurred":"2013-09-12","target":"\#(EventID.random())","reason":"x"}"#]
        #expect { try store.importEvents(Array(late.joined(separator: "\n").utf8)) } throws: { ($0 as? InputError)?.line == 51 }
        #expect(try store.head() == before)
        let text = Array((good.joined(separator: "\n") + "\n").utf8)
        #expect(try store.importEvents(text) == ImportResult(appended: 50, existing: 0))
        #expect(try store.importEvents(text) == ImportResult(appended: 0, existing: 50))
        #expect(try store.head().position == before.position + 50)
    }

    @Test func aLargeImportReportsItsFirstBadLineAndAppendsNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let before = try store.head()
        // Several decoding chunks; the bad line lies in a late one.
        var lines = (1...20_000).map { i in
            #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"1490","pupils":\#(i % 90 + 1),"teachers":1}"#
        }
        lines[17_499] = #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":1,"colour":"red"}"#
        lines[18_999] = "not json"
        #expect { try store.importEvents(Array(lines.joined(separator: "\n").utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == 17_500 && error?.field == "colour"
        }
        #expect(try store.head() == before)
        // A rule checked while appending, in a late chunk, names its line too.
        lines[17_499] = #"{"type":"mc.outcome","occurred":"2013-10-14","case":"NONE-1","municipality":"Mark","outcome":"studies"}"#
        lines[18_999] = ""
        #expect { try store.importEvents(Array(lines.joined(separator: "\n").utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == 17_500 && error?.field == "case"
        }
        #expect(try store.head() == before)
        lines[17_499] = lines[0]
        #expect(try store.importEvents(Array(lines.joined(separator: "\n").utf8)) == ImportResult(appended: 19_999, existing: 0))
        // Fresh ids follow the lines: they increase through the file.
        let ids = try store.log.read { txn in
            var ids: [EventID] = []
            try txn.forEachEvent(after: before.position) { ids.append($0.id); return true }
            return ids
        }
        #expect(ids.count == 19_999)
        #expect(ids == ids.sorted())
        #expect(try store.verify().position == before.position + 19_999)
    }

    /// The decoding threads find the lines of their own part of the file: every event keeps
    /// the number of its line, across parts, blank lines and CRLF endings.
    @Test func decodedLinesKeepTheirNumbersAcrossTheDecodingChunks() throws {
        var lines = (1...15_000).map { i in
            i % 1000 == 0 ? "" : #"{"type":"navet.public","occurred":"2013-09-14","children":\#(i),"adults":1}"# + (i % 7 == 0 ? "\r" : "")
        }
        lines[4_998] = String(repeating: " ", count: 600_000) // a blank line longer than a chunk
        // A byte order mark, as some editors write, starts the file.
        let data = [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\n").utf8)
        #expect(data.count > 3 * (1 << 19)) // at least four chunks
        let decoded = try Store.decodeLines(data, today: .today())
        #expect(decoded.count == 15_000 - 16)
        #expect(decoded.first?.line == 1)
        for (line, event) in decoded {
            guard case .publicVisit(let visit) = event.fact else { Issue.record("line \(line) is not a public visit"); return }
            #expect(visit.children == line)
        }
        // A bad line after the long one is named by its number.
        lines[9_999] = #"{"type":"navet.public"}"#
        #expect { try Store.decodeLines(Array(lines.joined(separator: "\n").utf8), today: .today()) } throws: { error in
            (error as? InputError)?.line == 10_000
        }
    }

    /// Events larger than an import expects fill the map during its transaction: the map grows,
    /// the transaction starts over and the file is decoded again (chunks are let go once
    /// appended), so every line is appended once and in order.
    @Test func anImportThatOutgrowsTheMapStartsOverAndAppendsEachLineOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path, seedMembership: false, initialMapSize: 1 << 20)
        let text = String(repeating: "x", count: 190)
        let lines = (1...3_000).map { i in
            #"{"type":"navet.visit","occurred":"2013-09-12","school":"\#(text)","theme":"\#(text)","note":"\#(i) \#(text)","pupils":\#(i % 90 + 1),"teachers":1}"#
        }
        let firstMap = store.log.mapSize
        #expect(try store.importEvents(Array(lines.joined(separator: "\n").utf8)) == ImportResult(appended: 3_000, existing: 0))
        #expect(store.log.mapSize > 2 * firstMap, "the map grew during the transaction, not only before it")
        let notes = try store.log.read { txn in
            var notes: [String] = []
            try txn.forEachEvent(after: 0) { notes.append(try RecordedEvent($0).event.note ?? ""); return true }
            return notes
        }
        #expect(notes == (1...3_000).map { "\($0) \(text)" })
        #expect(try store.verify().position == 3_000)
    }

    /// A large import writes ids and index entries straight into the B-trees (bulk mode). Its
    /// later lines still see its earlier ones (a retraction, a case, an organisation), the tail
    /// of single appends before it is kept, and appends after it work as before.
    @Test func aLargeImportSeesItsOwnEventsAndKeepsTheTailBeforeIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let before = try store.append((1...5).map { i in try Self.event(#"{"type":"navet.visit","occurred":"2013-09-0\#(i)","organisation":"Kuben AB","pupils":\#(i),"teachers":1}"#) })
        var lines = (1...3_000).map { i in
            #"{"id":"00000000-0000-4000-8000-\#(String(format12: i))","type":"navet.visit","occurred":"2013-10-01","organisation":"\#(i % 2 == 0 ? "Kuben AB" : "Nya AB")","pupils":1,"teachers":1}"#
        }
        lines.append(#"{"type":"retraction","occurred":"2013-10-02","target":"00000000-0000-4000-8000-\#(String(format12: 7))","reason":"dubbel"}"#)
        lines.append(#"{"type":"retraction","occurred":"2013-10-02","target":"\#(before[0].event.event.id!)","reason":"dubbel"}"#)
        lines.append(#"{"type":"mc.case","occurred":"2013-10-03","case":"BULK-1","municipality":"Borås","service":"core"}"#)
        lines.append(#"{"type":"mc.outcome","occurred":"2013-10-04","case":"BULK-1","municipality":"Borås","outcome":"studies"}"#)
        // An id greater than every other, fresh ids after it, and a line given twice.
        let greatest = #"{"id":"ffffffff-ffff-4fff-bfff-ffffffffffff","type":"navet.visit","occurred":"2013-10-01","organisation":"Nya AB","pupils":1,"teachers":1}"#
        lines += [greatest, #"{"type":"navet.public","occurred":"2013-10-06","children":3,"adults":1}"#, lines[9], greatest]
        #expect(try store.importEvents(Array(lines.joined(separator: "\n").utf8)) == ImportResult(appended: 3_006, existing: 2))
        #expect(try store.importEvents(Array(lines.prefix(3_000).joined(separator: "\n").utf8)) == ImportResult(appended: 0, existing: 3_000))
        _ = try store.append([Self.event(#"{"type":"navet.visit","occurred":"2013-10-05","organisation":"Nya AB","pupils":1000,"teachers":0}"#)])
        #expect(try store.verify().position == store.head().position)
        func cells(_ name: ReportName, _ period: String) throws -> [String: Int] {
            let report = try store.report(ReportQuery(name: name, period: Period.parse(period)))
            return Dictionary(uniqueKeysWithValues: report.rows.flatMap { row in zip(report.columns, row.cells).map { (row.key + "/" + $0.key, $1) } })
        }
        let october = try cells(.navet, "2013-10")
        #expect(october["org:Kuben AB/pupils"] == 1_500)
        #expect(october["org:Nya AB/pupils"] == 1_499 + 1 + 1_000)
        #expect(october["other/children"] == 3)
        #expect(try cells(.navet, "2013-09")["org:Kuben AB/pupils"] == 2 + 3 + 4 + 5)
        #expect(try cells(.mc, "2013-10")["studies/1490"] == 1)
    }

    /// An import lays most events out as plain values (`PlainEvent`, with their templates in
    /// one buffer per chunk) and prepares the rest in full, side by side in the same chunks. The
    /// log must hold them in the order of their lines, byte for byte as the same events
    /// appended one by one are stored (but for the recorded time), in a small import and in a
    /// large one (bulk mode, several chunks).
    @Test(arguments: [300, 8_000])
    func anImportStoresPlainAndOtherEventsInTheOrderOfTheirLines(count: Int) throws {
        func line(_ i: Int) -> String {
            let id = #""id":"00000000-0000-4000-8000-\#(String(format12: i))""#
            switch i % 8 {
            case 0: return #"{\#(id),"type":"navet.visit","occurred":"2013-09-12","municipality":"borås","school":"Sjöbo","pupils":\#(i % 90 + 1),"teachers":2}"#
            case 1: return #"{\#(id),"type":"navet.visit","occurred":"2013-09-12","organisation":"Kuben AB","pupils":1,"teachers":1}"#
            case 2: return #"{\#(id),"type":"navet.training","occurred":"2013-09-13","participants":3,"days":1.50,"municipality":"1490"}"#
            case 3: return #"{\#(id),"type":"navet.public","occurred":"2013-09-14","children":\#(i),"adults":1,"note":"\"Draken\" \#(i)"}"#
            case 4 where i % 16 == 4: return #"{"type":"mc.case","occurred":"2013-09-14","case":"MC-\#(i)","municipality":"Mark","service":"core"}"#
            case 4: return #"{\#(id),"type":"mc.case","occurred":"2013-09-14","case":"MC-\#(i)","municipality":"Mark","service":"core"}"#
            case 5: return #"{\#(id),"type":"mc.outcome","occurred":"2013-10-14","case":"MC-\#(i - 1)","municipality":"Mark","outcome":"studies"}"#
            case 6: return #"{\#(id),"type":"grant.decision","occurred":"2013-05-02","grant":"G-\#(i)","project":"P","area":"tillvaxt","amount_sek":\#(i),"decision":"approved"}"#
            default: return #"{"type":"navet.lecture","occurred":"2013-09-14","attendees":30,"title":"Föreläsning"}"#
            }
        }
        let greatestID = EventID("ffffffff-ffff-4fff-bfff-ffffffffffff")!
        let greatest = #"{"id":"\#(greatestID)","type":"navet.public","occurred":"2013-09-14","children":1,"adults":1}"#
        let repeated = [
            line(8), // a plain line given twice
            #"{"id":"00000000-0000-4000-8000-\#(String(format12: 12))","type":"navet.lecture","occurred":"2013-09-14","attendees":5}"#, // a case's id on a plain event
        ]
        let new = [line(7), greatest] // a plain line without an id; a plain id greater than every other
        let lines = (1...count).map(line) + repeated + new
        let imported = TemporaryDirectory(), appended = TemporaryDirectory()
        defer { imported.remove(); appended.remove() }
        let store = try Store(path: imported.path, seedMembership: true)
        let seeded = try store.head().position
        #expect(try store.importEvents(Array(lines.joined(separator: "\n").utf8)) == ImportResult(appended: count + 2, existing: 2))
        let expected = try Store(path: appended.path, seedMembership: true)
        _ = try expected.append((lines.prefix(count) + new).map { try Self.event($0) })
        func stored(_ store: Store) throws -> [String] {
            try store.log.read { txn in
                var events: [String] = []
                try txn.forEachEvent(after: 0) { event in
                    // Ids given to events without one differ; so do the recorded times.
                    let json = String(decoding: event.bytes, as: UTF8.self)
                        .replacing(/"recorded":"[^"]*"/, with: "").replacing(/"id":"[^"]*"/, with: #""id":"\#(event.id.high >> 48 == 0 ? event.id.description : "fresh")""#)
                    events.append(json)
                    return true
                }
                return events
            }
        }
        // Fresh ids, of plain and of other events, are distinct and increase through the file.
        let fresh = try store.log.read { txn in
            var ids: [EventID] = []
            try txn.forEachEvent(after: seeded) { event in
                if event.id.high >> 48 != 0, event.id != greatestID { ids.append(event.id) }
                return true
            }
            return ids
        }
        #expect(fresh.count == count / 8 + (count + 12) / 16 + 1) // lectures, cases without an id, line(7) again
        #expect(fresh == fresh.sorted() && Set(fresh).count == fresh.count)
        let got = try stored(store), want = try stored(expected)
        #expect(got.count == want.count)
        for (position, (got, want)) in zip(got, want).enumerated() where got != want {
            Issue.record("position \(position + 1): \(got), expected \(want)")
            break
        }
        #expect(try store.verify().position == store.head().position)
    }

    @Test func importsCSVWithATypeColumn() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        let csv = "type,occurred,municipality,organisation,pupils,teachers,participants,days\nnavet.visit,2013-09-12,Borås,,24,2,,\nnavet.training,2013-09-13, ,HB,,,30,0.5\n"
        // A cell of only spaces is an empty cell: the training above has no municipality.
        #expect(try store.importEvents(Array(csv.utf8)) == ImportResult(appended: 2, existing: 0))
        let broken = "type,occurred,pupils,teachers\nnavet.visit,2013-09-12,x,2\n"
        #expect { try store.importEvents(Array(broken.utf8)) } throws: { error in
            let error = error as? InputError
            return error?.line == 2 && error?.field == "pupils"
        }
    }
}

extension String {
    init(format12 value: Int) {
        let digits = String(value)
        self = String(repeating: "0", count: 12 - digits.count) + digits
    }
}
