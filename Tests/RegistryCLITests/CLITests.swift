import Foundation
import Registry
import TestSupport
import Testing

@Suite("registry command line", .serialized)
struct CLITests {
    @Test func logsReportsAndExportsAnEvent() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let logged = try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--municipality", "Borås", "--pupils", "24", "--teachers", "2"])
        #expect(logged.status == 0, "\(logged.stderr)")
        #expect(logged.stdout.hasPrefix("seq 22 id "))
        let report = try registry.run(["report", "navet", "--period", "2013", "--format", "csv"])
        #expect(report.stdout.contains("Borås,24,2,26"))
        let export = try registry.run(["export", "--after", "21"])
        #expect(export.stdout.contains(#""municipality":"1490","occurred":"2013-09-12","pupils":24"#))
        let verify = try registry.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("ok: 22 events, head "))
    }

    @Test func theStoreOptionMayComeBeforeTheCommand() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        // The environment names another store: the option wins wherever it stands.
        let registry = RegistryBinary(store: dir.sub("elsewhere"))
        let path = dir.sub("store")
        #expect(try registry.run(["--store", path, "init"]).status == 0)
        let logged = try registry.run(["--store=\(path)", "log", "navet.public", "--occurred", "2013-09-14", "--children", "3", "--adults", "1"])
        #expect(logged.status == 0, "\(logged.stderr)")
        let verify = try registry.run(["--store", path, "verify"])
        #expect(verify.stdout.contains("ok: 22 events"), "\(verify.stderr)")
        #expect(try registry.run(["verify", "--store", path]).status == 0)
        #expect(try registry.run(["verify"]).status == 3)
    }

    @Test func backupMakesACopyThatVerifiesAndNeverOverwrites() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let copy = dir.sub("copy")
        let first = try registry.run(["backup", copy])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try registry.run(["verify", "--store", copy]).stdout.contains("ok: 21 events"))
        let again = try registry.run(["backup", copy])
        #expect(again.status == 1)
        #expect(again.stderr.contains("not empty"))
    }

    @Test func demoLoadsIntoAnEmptyStoreOnceOnly() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init", "--empty"]).status == 0)
        let first = try registry.run(["demo", "--no-serve"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try registry.run(["demo", "--no-serve"])
        #expect(second.stdout.contains(": 0 new events"), "\(second.stdout)")
        #expect(try registry.run(["verify"]).status == 0)
    }

    @Test func exitCodesSayWhatWentWrong() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let missing = try registry.run(["report", "navet", "--period", "2013"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("no store"))
        let rejected = try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--pupils", "-3", "--teachers", "2"])
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains("field \"pupils\""))
        let suggestion = try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--municipality", "Borsa", "--pupils", "3", "--teachers", "2"])
        #expect(suggestion.status == 1)
        #expect(suggestion.stderr.contains("did you mean Borås?"))
        let usage = try registry.run(["report", "nosuch", "--period", "2013"])
        #expect(usage.status == 2)
        // A report option's value that does not parse is a usage error, like an unknown format,
        // and the message names the option.
        let badPeriod = try registry.run(["report", "navet", "--period", "2013-Q5"])
        #expect(badPeriod.status == 2)
        #expect(badPeriod.stderr.contains("--period \"2013-Q5\""))
        #expect(badPeriod.stderr.contains("Q1"))
        let badCompare = try registry.run(["report", "navet", "--period", "2013", "--compare", "2012-H3"])
        #expect(badCompare.status == 2)
        #expect(badCompare.stderr.contains("--compare \"2012-H3\""))
        let badAsOf = try registry.run(["report", "navet", "--period", "2013", "--as-of", "soon"])
        #expect(badAsOf.status == 2)
        #expect(badAsOf.stderr.contains("--as-of \"soon\""))
        #expect(try registry.run(["report", "navet", "--period", "2013", "--format", "xml"]).status == 2)
        // No subcommand, or a port no TCP has: usage errors, and no store is made.
        #expect(try registry.run([]).status == 2)
        #expect(try registry.run(["user"]).status == 2)
        #expect(try registry.run(["--help"]).status == 0)
        for port in ["65536", "99999"] {
            let badPort = try registry.run(["serve", "--port", port])
            #expect(badPort.status == 2)
            #expect(badPort.stderr.contains("--port"))
            #expect(try registry.run(["demo", "--port", port]).status == 2)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.sub("store")))
    }

    @Test func correctsAndRetractsByID() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let logged = try registry.run(["log", "navet.training", "--occurred", "2013-09-12", "--organisation", "HB", "--participants", "30", "--days", "0.5"])
        let id = String(logged.stdout.split(separator: " ")[3].trimmingCharacters(in: .whitespacesAndNewlines))
        let corrected = try registry.run(["correct", id, "--reason", "fel antal", "--participants", "40"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        var json = try registry.run(["report", "navet", "--period", "2013", "--format", "json"]).stdout
        #expect(json.contains(#""key":"org:HB","label":"HB","cells":{"training":40,"total":40}"#))
        #expect(json.contains(#""teacher_training_days":"20""#))
        // A second correction starts from the corrected version: the 40 participants stay.
        #expect(try registry.run(["correct", id, "--reason", "fel dagar", "--days", "1"]).status == 0)
        json = try registry.run(["report", "navet", "--period", "2013", "--format", "json"]).stdout
        #expect(json.contains(#""key":"org:HB","label":"HB","cells":{"training":40,"total":40}"#))
        #expect(json.contains(#""teacher_training_days":"40""#))
        let lastLine = try #require(try registry.run(["export"]).stdout.split(separator: "\n").last)
        let idKey = try #require(lastLine.firstRange(of: #""id":""#))
        let correctionID = String(lastLine[idKey.upperBound...].prefix(36))
        let ofCorrection = try registry.run(["correct", correctionID, "--reason", "x", "--days", "2"])
        #expect(ofCorrection.status == 1)
        #expect(ofCorrection.stderr.contains("field \"target\"") && ofCorrection.stderr.contains("original"), "\(ofCorrection.stderr)")
        #expect(try registry.run(["retract", id, "--reason", "dubbel"]).status == 0)
        json = try registry.run(["report", "navet", "--period", "2013", "--format", "json"]).stdout
        #expect(!json.contains("org:HB"))
        let again = try registry.run(["retract", id, "--reason", "dubbel"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already retracted"))
    }

    @Test func aCorrectionReplacesTheOriginAndRemovesOptionalFieldsGivenEmpty() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let logged = try registry.run([
            "log", "navet.visit", "--occurred", "2013-09-12", "--municipality", "Borås", "--school", "Sandgärdskolan",
            "--note", "fm", "--pupils", "24", "--teachers", "2",
        ])
        let id = String(logged.stdout.split(separator: " ")[3].trimmingCharacters(in: .whitespacesAndNewlines))
        func correct(_ fields: [String]) throws -> RegistryBinary.Result {
            try registry.run(["correct", id, "--reason", "fel"] + fields)
        }
        func lastReplacement() throws -> String {
            let line = try #require(try registry.run(["export"]).stdout.split(separator: "\n").last)
            let start = try #require(line.firstRange(of: #""replacement":"#))
            return String(line[start.upperBound...].prefix { $0 != "}" }) + "}"
        }
        // The origin is one thing: either field replaces the other.
        let toOrganisation = try correct(["--organisation", "HB"])
        #expect(toOrganisation.status == 0, "\(toOrganisation.stderr)")
        #expect(try lastReplacement() == #"{"note":"fm","occurred":"2013-09-12","organisation":"HB","pupils":24,"school":"Sandgärdskolan","teachers":2,"type":"navet.visit"}"#)
        #expect(try correct(["--municipality", "Mark"]).status == 0)
        #expect(try lastReplacement() == #"{"municipality":"1463","note":"fm","occurred":"2013-09-12","pupils":24,"school":"Sandgärdskolan","teachers":2,"type":"navet.visit"}"#)
        // An empty value removes an optional field; an empty origin makes it unknown.
        let removed = try correct(["--municipality", "", "--note", "", "--school="])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try lastReplacement() == #"{"occurred":"2013-09-12","pupils":24,"teachers":2,"type":"navet.visit"}"#)
        let json = try registry.run(["report", "navet", "--period", "2013", "--format", "json"]).stdout
        #expect(json.contains(#"{"key":"other","label":"Övriga","cells":{"pupils":24,"teachers":2,"total":26}}"#), "\(json)")

        // A required field cannot be removed.
        for field in ["pupils", "occurred"] {
            let refused = try correct(["--\(field)", ""])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(#"field "replacement.\#(field)": is required"#), "\(refused.stderr)")
        }
        // A grant's lead municipality is optional (and no origin: it has no organisation).
        let grant = try registry.run([
            "log", "grant.decision", "--occurred", "2013-05-02", "--grant", "TV-2013-01", "--project", "Kompetenslyftet",
            "--area", "tillvaxt", "--municipality", "Borås", "--amount-sek", "500000", "--decision", "approved",
        ])
        let grantID = String(grant.stdout.split(separator: " ")[3].trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try registry.run(["correct", grantID, "--reason", "fel", "--municipality", ""]).status == 0)
        #expect(try lastReplacement() == #"{"amount_sek":500000,"area":"tillvaxt","decision":"approved","grant":"TV-2013-01","occurred":"2013-05-02","project":"Kompetenslyftet","type":"grant.decision"}"#)
        let project = try registry.run(["correct", grantID, "--reason", "fel", "--project", ""])
        #expect(project.stderr.contains(#"field "replacement.project": is required"#), "\(project.stderr)")
    }

    @Test func importReadsStandardInputAllOrNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let lines = (1...3).map { #"{"type":"navet.public","occurred":"2013-09-14","children":\#($0),"adults":1}"# }
        let bad = try registry.run(["import", "-"], stdin: Data((lines + [#"{"type":"navet.public","occurred":"2013-09-14"}"#]).joined(separator: "\n").utf8))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("line 4"))
        let exported = try registry.run(["export"]).stdout
        #expect(!exported.contains("navet.public"))
        let good = try registry.run(["import", "-"], stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(good.stdout == "appended 3, already there 0\n")
        let array = try registry.run(["import", "-"], stdin: Data("[\(lines.joined(separator: ","))]".utf8))
        #expect(array.status == 1)
        #expect(array.stderr.contains("JSON array"), "\(array.stderr)")
        // A file that tells no size (a pipe by name) is read to its end; what is no file is named.
        let named = try registry.run(["import", "/dev/stdin"], stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(named.stdout == "appended 3, already there 0\n", "\(named.stderr)")
        let folder = try registry.run(["import", dir.path])
        #expect(folder.status == 1)
        #expect(folder.stderr.contains("cannot read \(dir.path)"))
    }

    @Test func severalProcessesAppendingAtOnceLoseNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let writers = 6, perWriter = 300
        var processes: [(Process, Pipe, Pipe)] = []
        for w in 0..<writers {
            let file = dir.sub("part-\(w).jsonl")
            let lines = (0..<perWriter).map { i in #"{"type":"navet.visit","occurred":"2013-10-01","municipality":"Mark","pupils":\#(i % 30 + 1),"teachers":1,"note":"w\#(w)-\#(i)"}"# }
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            processes.append(try registry.start(["import", file]))
        }
        for _ in 0..<20 {
            processes.append(try registry.start(["log", "navet.lecture", "--occurred", "2013-10-02", "--attendees", "3"]))
        }
        for (process, out, err) in processes {
            _ = out.fileHandleForReading.readDataToEndOfFile()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(message)")
        }
        let verify = try registry.run(["verify"])
        #expect(verify.stdout.contains("ok: \(Federation.membershipEvents().count + writers * perWriter + 20) events"), "\(verify.stdout)\(verify.stderr)")
        let csv = try registry.run(["report", "events", "--period", "2013", "--format", "csv"]).stdout
        #expect(csv.contains("navet.visit,\(writers * perWriter)"))
    }

    /// A server remembers checked tokens while no other process has written: its own appends
    /// leave the users as they were, another process's commit (here an event) may not have.
    @Test func onlyAnotherProcessesCommitOrAUserWriteCanChangeTheUsers() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let store = try Store(path: dir.sub("store"))
        let lecture = ["log", "navet.lecture", "--occurred", "2013-10-02", "--attendees", "3"]
        // A write that changes nothing takes no number: the next commit, another's, does.
        let stamp = try store.userRecordStamped("eva").stamp
        try store.log.write { _ in }
        #expect(store.usersUnchanged(since: stamp))
        #expect(try registry.run(lecture).status == 0)
        #expect(!store.usersUnchanged(since: stamp))

        let second = try store.userRecordStamped("eva").stamp
        for attendees in 1...3 {
            _ = try store.append([try Event.decode(json: #"{"type":"navet.lecture","occurred":"2013-10-02","attendees":\#(attendees)}"#, today: .today())])
        }
        #expect(store.usersUnchanged(since: second))
        #expect(try registry.run(lecture).status == 0)
        #expect(!store.usersUnchanged(since: second))
        let later = try store.userRecordStamped("eva").stamp
        #expect(store.usersUnchanged(since: later))
        try store.putUser("eva", record: Array("{}".utf8))
        #expect(!store.usersUnchanged(since: later))
    }

    @Test func killingAnImportLeavesAllOrNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let base = Federation.membershipEvents().count
        let count = 40_000
        let file = dir.sub("big.jsonl")
        let lines = (0..<count).map { i in #"{"type":"navet.public","occurred":"2013-06-0\#(i % 9 + 1)","children":\#(i % 50 + 1),"adults":2}"# }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        var outcomes: Set<Int> = []
        for delay in [0.05, 0.2, 0.4, 0.7, 1.0, 1.5, 2.5] {
            let (process, _, _) = try registry.start(["import", file])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let verify = try registry.run(["verify"])
            #expect(verify.status == 0, "\(verify.stderr)")
            let events = Int(verify.stdout.split(separator: " ")[1])!
            // Each attempt either appended the whole file once or nothing; ids are fresh per run.
            #expect((events - base) % count == 0, "\(events)")
            outcomes.insert(events)
        }
        #expect(!outcomes.isEmpty)
    }
}

@Suite("A full disk", .serialized, .enabled(if: getuid() == 0, "mounting a tiny tmpfs needs root"))
struct DiskFullTests {
    @Test func aFullDiskEndsWithExitThreeAndNothingHalfWritten() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let mountPoint = dir.sub("tiny")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "could not mount a tmpfs")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let registry = RegistryBinary(store: mountPoint + "/store")
        #expect(try registry.run(["init"]).status == 0)
        let note = String(repeating: "x", count: 150)
        let lines = (0..<30_000).map { #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"1490","pupils":\#($0 % 30 + 1),"teachers":1,"note":"\#(note)"}"# }
        let file = dir.sub("big.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let full = try registry.run(["import", file])
        #expect(full.status == 3)
        #expect(full.stderr.contains("disk is full"))
        let verify = try registry.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("ok: \(Federation.membershipEvents().count) events"))
    }
}
