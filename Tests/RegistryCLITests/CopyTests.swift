import Foundation
import TestSupport
import Testing

/// `registry copy SRC DEST` (SPEC §5) between LMDB stores: every seq, id, recorded time and
/// hash kept, so `verify` prints the same head on both and the exports are identical.
@Suite("registry copy")
struct CopyTests {
    @Test func aCopyVerifiesToTheSameHeadAndExportsTheSameLines() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let source = RegistryBinary(store: dir.sub("source"))
        #expect(try source.run(["init"]).status == 0)
        // Events of several transactions: one by one, a bulk import (over 1000 events), a
        // retraction and a correction, an organisation, an MC case and its outcome; and a user.
        #expect(try source.run(["log", "navet.visit", "--occurred", "2013-09-12", "--municipality", "Borås", "--pupils", "24", "--teachers", "2"]).status == 0)
        let lines = (1...3_000).map { i in
            #"{"type":"navet.visit","occurred":"2013-10-\#(String(format: "%02d", i % 28 + 1))","organisation":"Org \#(i % 7)","pupils":\#(i % 30 + 1),"teachers":1}"#
        } + [
            #"{"type":"mc.case","occurred":"2013-01-10","case":"C-1","municipality":"Borås","service":"core"}"#,
            #"{"type":"mc.outcome","occurred":"2013-03-01","case":"C-1","municipality":"Borås","outcome":"studies"}"#,
        ]
        let file = dir.sub("events.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try source.run(["import", file]).status == 0)
        let logged = try source.run(["log", "navet.public", "--occurred", "2013-09-14", "--children", "3", "--adults", "1"])
        let id = try #require(logged.stdout.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(try source.run(["correct", id, "--reason", "fel", "--children", "4"]).status == 0)
        #expect(try source.run(["retract", id, "--reason", "dubbel"]).status == 0)
        #expect(try source.run(["user", "add", "kim", "--role", "analyst"]).status == 0)

        let copied = try source.run(["copy", source.store, dir.sub("copy")])
        #expect(copied.status == 0, "\(copied.stderr)")
        let copy = RegistryBinary(store: dir.sub("copy"))
        let heads = try [source, copy].map { try $0.run(["verify"]) }
        #expect(heads.allSatisfy { $0.status == 0 })
        #expect(heads[0].stdout == heads[1].stdout)
        #expect(copied.stdout.contains(heads[0].stdout.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try source.run(["export"]).stdout == copy.run(["export"]).stdout)
        for report in ["navet", "mc", "events"] {
            #expect(try source.run(["report", report, "--period", "2013"]).stdout == copy.run(["report", report, "--period", "2013"]).stdout)
        }
        #expect(try copy.run(["user", "list"]).stdout.contains("kim\tanalyst"))
        // The copy is a store like any other: it takes the next event.
        #expect(try copy.run(["log", "navet.public", "--occurred", "2013-09-15", "--children", "3", "--adults", "1"]).status == 0)
        #expect(try copy.run(["verify"]).status == 0)
    }

    @Test func aCopyRefusesADestinationThatHoldsAnything() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let source = RegistryBinary(store: dir.sub("source"))
        #expect(try source.run(["init"]).status == 0)
        let full = RegistryBinary(store: dir.sub("full"))
        #expect(try full.run(["init"]).status == 0)
        let before = try full.run(["export"]).stdout
        let refused = try source.run(["copy", source.store, full.store])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"))
        #expect(try full.run(["export"]).stdout == before)
        // A missing source is exit 3; a PostgreSQL URL is not available yet, and its password is
        // not repeated in the message.
        #expect(try source.run(["copy", dir.sub("none"), dir.sub("copy")]).status == 3)
        let postgres = try source.run(["copy", source.store, "postgres://ann:secret@db.example/registry"])
        #expect(postgres.status == 3)
        #expect(postgres.stderr.contains("PostgreSQL") && !postgres.stderr.contains("secret"))
        #expect(!FileManager.default.fileExists(atPath: dir.sub("copy")))
    }
}
