import Foundation
import Crypto
import EventLog
import TestSupport
import Testing
@testable import Registry

@Suite("Canonical JSON and hash")
struct CanonicalTests {
    /// The template rendered with a position of any length equals the object written whole.
    @Test(arguments: [1, 9, 10, 99, 100, 999_999, 1_000_000, 12_345_678_901, Int64.max])
    func aRenderedTemplateIsTheWholeObject(_ seq: Int64) throws {
        let event = try Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","school":"A \"B\"","pupils":3,"teachers":1,"note":"n"}"#, today: .today())
        let recorded: Milliseconds = 1_391_000_000_123
        var whole = event.canonicalObject()
        whole.set(.recorded, Timestamp.rfc3339(recorded))
        whole.set(.seq, seq)
        #expect(event.canonical(seq: UInt64(seq), recorded: recorded) == whole.bytes)
    }

    /// Recorded times as Foundation writes them, to the millisecond, also before 1970.
    @Test(arguments: [0, 1, 999, 86_399_999, 1_391_000_000_123, 1_764_432_000_000, -1, -86_400_000, 253_402_300_799_999] as [Int64])
    func recordedTimesAreRFC3339(_ ms: Int64) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(Timestamp.rfc3339(ms) == formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
    }

    @Test func sortsKeysAtEveryLevelAndEscapesMinimally() throws {
        let json = #"{"type":"correction","occurred":"2013-10-01","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"fel \"antal\"\n","id":"00000000-0000-4000-8000-000000000001","replacement":{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":"1.50","municipality":"Borås","note":"a\\b\u0001"}}"#
        let event = try Event.decode(json: json, today: Day(year: 2026, month: 1, day: 1)!)
        let canonical = String(decoding: event.canonical(seq: 7, recorded: 1_391_000_000_123), as: UTF8.self)
        #expect(canonical == #"{"id":"00000000-0000-4000-8000-000000000001","occurred":"2013-10-01","reason":"fel \"antal\"\u000a","recorded":"2014-01-29T12:53:20.123Z","replacement":{"days":"1.5","municipality":"1490","note":"a\\b\u0001","occurred":"2013-09-12","participants":3,"type":"navet.training"},"seq":7,"target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","type":"correction"}"#)
    }

    @Test func theHashChainsCanonicalJSON() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path, seedMembership: false)
        let event = try Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Mark","pupils":24,"teachers":2}"#, today: .today())
        let appended = try store.append([event, event])
        var previous = [UInt8](repeating: 0, count: 32)
        for item in appended {
            var hasher = SHA256()
            hasher.update(data: previous)
            hasher.update(data: item.event.canonical)
            let digest = Array(hasher.finalize())
            #expect(hex(digest) == item.event.hash)
            previous = digest
        }
        #expect(try store.verify().hashHex == appended[1].event.hash)
    }

    @Test func exportAddsTheHashAndReadsBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path, seedMembership: false)
        let event = try Event.decode(json: #"{"type":"navet.public","occurred":"2013-09-14","children":40,"adults":22,"note":"\"id\": in a note"}"#, today: .today())
        let appended = try store.append([event])[0].event
        var lines: [UInt8] = []
        try store.export(after: 0) { lines += $0 }
        let line = String(decoding: lines, as: UTF8.self)
        #expect(line.hasPrefix(#"{"adults":22,"children":40,"hash":"\#(appended.hash)","id":"\#(appended.event.id!)","note":"#))
        #expect(line.hasSuffix(#","seq":1,"type":"navet.public"}"# + "\n"))
    }
}

@Suite("Field keys")
struct FieldKeyTests {
    @Test func areDeclaredInByteOrder() {
        let names = FieldKey.allCases.map { Array($0.utf8) }
        #expect(FieldKey.amountSek.text == "amount_sek")
        #expect(names == names.sorted { $0.lexicographicallyPrecedes($1) })
        // Each is found by its name.
        #expect(FieldKey.allCases.allSatisfy { key in key.utf8.withMemoryRebound(to: UInt8.self) { FieldKey.named($0) } == key })
    }
}
