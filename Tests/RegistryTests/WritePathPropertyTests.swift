import Crypto
import EventLog
import Foundation
import PropertyBased
import TestSupport
import Testing
@testable import Registry

/// Properties of the whole write path under hostile input (issue 14): whatever a scenario of
/// appends, corrections and retractions holds, a rejection is an `InputError` naming a
/// field, and afterwards the store verifies, the export carries every accepted event's text
/// exactly as given and chains by an independent SHA-256, the reports run, and the next
/// append succeeds.
@Suite("Write path properties")
struct WritePathPropertyTests {
    @Test func anyScenarioLeavesAVerifiedWritableStore() async throws {
        await propertyCheck(count: 60, input: AttackEvents.scenario()) { steps in
            do {
                try Self.run(steps)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func run(_ steps: [AttackEvents.Step]) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let store = try Store(path: dir.path)
        // Each accepted event's id and the texts it was given, unescaped.
        var accepted: [(id: EventID, texts: [String: String])] = []
        var originals: [(id: EventID, type: String)] = []
        for step in steps {
            let json: String, texts: [String: String], type: String
            switch step {
            case .append(let event, let given):
                (json, texts) = (event, given)
                type = AttackEvents.types.first { event.contains(#""type":"\#($0)""#) }!
            case .retract(let pick, let reason):
                guard !originals.isEmpty else { continue }
                let target = originals[pick % originals.count]
                json = #"{"type":"retraction","occurred":"2014-01-02","target":"\#(target.id)","reason":\#(AttackEvents.quoted(reason))}"#
                (texts, type) = (["reason": reason], "retraction")
            case .correct(let pick, let reason, let seed):
                guard !originals.isEmpty else { continue }
                let target = originals[pick % originals.count]
                var rng = SeededRandom(seed: seed)
                let replacement = AttackEvents.eventWithTexts(target.type, replacement: true, using: &rng)
                json = #"{"type":"correction","occurred":"2014-01-02","target":"\#(target.id)","reason":\#(AttackEvents.quoted(reason)),"replacement":\#(replacement.json)}"#
                texts = replacement.texts.merging(["reason": reason]) { a, _ in a }
                type = "correction"
            }
            do {
                let event = try Event.decode(json: json, today: .today())
                let appended = try store.append([event])[0]
                #expect(appended.isNew)
                let id = appended.event.event.id!
                accepted.append((id, texts))
                // And what got in keeps the limits: 1 to 200 Unicode scalars.
                for (field, text) in texts {
                    #expect((1...200).contains(text.unicodeScalars.count), "\(field) of \(text.unicodeScalars.count) scalars was accepted")
                }
                if type != "retraction" && type != "correction" { originals.append((id, type)) }
            } catch let error as InputError {
                // A rejection names what is wrong (a field, or the object as a whole), and
                // never refuses a text the contract allows: 1 to 200 scalars, not all spaces.
                #expect(!error.message.isEmpty, "\(json)")
                #expect(error.field != nil, "\(error) names no field: \(json.prefix(400))")
                if let field = error.field, field != "case", field != "grant", let text = texts[field] {
                    let allowed = (1...200).contains(text.unicodeScalars.count) && !text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
                    #expect(!allowed, "\(error) for a text of \(text.unicodeScalars.count) scalars")
                }
            }
        }

        #expect(try store.verify().position == store.head().position)

        // The export, checked without the registry's own code: the chain by swift-crypto over
        // each line less its hash, and every accepted text as it was given.
        var bytes: [UInt8] = []
        try store.export(after: 0) { bytes += $0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == Int(try store.head().position))
        var previous = [UInt8](repeating: 0, count: 32)
        var exported: [String: Substring] = [:]
        for line in lines {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let hash = try #require(object["hash"] as? String)
            let canonical = line.replacingOccurrences(of: #""hash":"\#(hash)","#, with: "")
            var hasher = SHA256()
            hasher.update(data: previous)
            hasher.update(data: Array(canonical.utf8))
            previous = Array(hasher.finalize())
            #expect(previous.map { String(format: "%02x", $0) }.joined() == hash)
            exported[object["id"] as! String] = line
        }
        // Every accepted text is in its line exactly as §6 escapes it: nothing else changed.
        for event in accepted {
            let line = try #require(exported[event.id.description])
            for (field, text) in event.texts {
                #expect(line.contains("\(AttackEvents.quoted(field)):\(AttackEvents.quoted(text))"), "\(field) of \(event.id)")
            }
        }

        for name in [ReportName.navet, .mc, .grants, .events] {
            for period in ["2013", "2012-01-01..2014-12-31", "2013-H2"] {
                _ = try store.report(ReportQuery(name: name, period: try Period.parse(period)))
            }
        }
        // And the log still takes the next event.
        let next = try Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":24,"teachers":2}"#, today: .today())
        #expect(try store.append([next])[0].isNew)
        #expect(try store.verify().position == store.head().position)
    }
}
