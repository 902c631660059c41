import EventLog
import Foundation
import Registry
import TestSupport
import Testing

/// The command line under attack: full disks, damaged stores, killed backups, odd files.
@Suite("Hardening: the command line", .serialized)
struct HardeningCLITests {
    /// Runs the binary with standard output going to `/dev/full`: every write fails with ENOSPC.
    static func runIntoFullDevice(_ registry: RegistryBinary, _ arguments: [String]) throws -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        let process = Process()
        process.executableURL = RegistryBinary.url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["REGISTRY_STORE"] = registry.store
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let err = Pipe()
        process.standardOutput = full
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, String(decoding: stderr, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func everyWriteToAFullDiskIsExitThreeWithAMessage() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        for arguments in [["export"], ["report", "navet", "--period", "2013"], ["report", "navet", "--period", "2013", "--format", "csv"],
                          ["verify"], ["log", "navet.public", "--occurred", "2013-09-14", "--children", "3", "--adults", "1"]] {
            let result = try Self.runIntoFullDevice(registry, arguments)
            #expect(result.reason == .exit && result.status == 3, "\(arguments): \(result)")
            #expect(result.stderr.contains("cannot write to standard output"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("No space left on device"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func anEmptyImportSaysWhyItAppendedNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        for (content, why) in [("", "it is empty"), ("  \n\n \t\n", "it has only blank lines"), ("type,occurred,pupils\n", "it has a CSV header and no rows")] {
            let file = dir.sub("empty.jsonl")
            try content.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try registry.run(["import", file])
            #expect(result.status == 0)
            #expect(result.stderr.contains("no events in \(file) (\(why)); nothing appended"), "\(result.stderr)")
            #expect(result.stdout.contains("appended 0, already there 0"))
        }
        let piped = try registry.run(["import", "-"], stdin: Data())
        #expect(piped.stderr.contains("no events in standard input"))
        // Without a store, an empty import makes none.
        let elsewhere = RegistryBinary(store: dir.sub("none"))
        #expect(try elsewhere.run(["import", "-"], stdin: Data()).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.sub("none")))
    }

    @Test func aCSVReportFromTheCommandLineNeutralisesFormulas() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        let logged = try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--organisation", "=1+2", "--pupils", "3", "--teachers", "1"])
        #expect(logged.status == 0, "\(logged.stderr)")
        let csv = try registry.run(["report", "navet", "--period", "2013", "--format", "csv"])
        #expect(csv.stdout.contains("\n'=1+2,"), "\(csv.stdout)")
        let zero = try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--pupils", "03", "--teachers", "1"])
        #expect(zero.status == 1 && zero.stderr.contains("leading zero"), "\(zero.stderr)")
    }

    @Test func aBackupCleansUpAfterAKilledOneAndRefusesAnExistingDestination() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        // The pid of a process that has ended: a backup killed mid-copy leaves such a directory.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let destination = dir.sub("copy")
        let stale = destination + ".partial-\(finished.processIdentifier)"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try "half a copy".write(toFile: stale + "/data.mdb", atomically: true, encoding: .utf8)
        // A live process's partial copy is not touched.
        let live = destination + ".partial-\(getpid())"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        let backup = try registry.run(["backup", destination])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(try registry.run(["verify", "--store", destination]).status == 0)
        let file = dir.sub("a-file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let onFile = try registry.run(["backup", file])
        #expect(onFile.status == 1 && onFile.stderr.contains("is a file"), "\(onFile.stderr)")
    }

    /// Two flips that made LMDB itself read outside the file (SIGSEGV, SIGBUS inside
    /// liblmdb), found by flipping bits of this store at random: a node offset in a page's
    /// pointer array and a byte of a branch page; and one that made a value run past the end
    /// of the file (SIGBUS in the copy out of the map), and one in a recorded time (a trap).
    @Test func damagedPagesThatLMDBFollowsOutOfTheFileEndInExitThree() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let lines = (0..<400).map { i in
            let day = String(format: "2013-%02d-%02d", i % 9 + 1, i % 27 + 1)
            switch i % 4 {
            case 0: return #"{"type":"navet.visit","occurred":"\#(day)","municipality":"1490","pupils":\#(i % 30 + 1),"teachers":1}"#
            case 1: return #"{"type":"navet.visit","occurred":"\#(day)","organisation":"Org \#(i % 7)","pupils":\#(i % 30 + 1),"teachers":1}"#
            case 2: return #"{"type":"navet.training","occurred":"\#(day)","municipality":"1443","participants":\#(i % 30 + 1),"days":"0.5"}"#
            default: return #"{"type":"grant.decision","occurred":"\#(day)","grant":"G\#(i)","project":"P","area":"kultur","amount_sek":\#(i * 100),"decision":"approved"}"#
            }
        }
        try lines.joined(separator: "\n").write(toFile: dir.sub("in.jsonl"), atomically: true, encoding: .utf8)
        #expect(try registry.run(["import", dir.sub("in.jsonl")]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.sub("store") + "/data.mdb"))
        for (offset, bit, command) in [(65568, UInt8(8), "export"), (65568, 8, "verify"), (213137, 128, "verify"), (92596, 64, "export"), (53567, 16, "verify")] where offset < data.count {
            var damaged = data
            damaged[offset] ^= bit
            let path = dir.sub("damaged-\(offset)-\(command)")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try damaged.write(to: URL(fileURLWithPath: path + "/data.mdb"))
            let (process, out, err) = try RegistryBinary(store: path).start([command])
            _ = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 3, "\(offset) \(command): \(process.terminationReason) \(process.terminationStatus)")
            #expect(stderr.contains("store is corrupt"), "\(offset) \(command): \(stderr)")
        }
    }

    /// The high byte of the last page number in both meta pages (LMDB 0.9: offset 136 of the
    /// meta page's 8-byte last page number, after the 16-byte page header): the size check on
    /// open trapped on the overflow before.
    @Test func aMetaPageClaimingAnImpossibleSizeEndsInExitThree() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        var data = try Data(contentsOf: URL(fileURLWithPath: dir.sub("store") + "/data.mdb"))
        try #require(data.count >= 8192 && data[16] == 0xDE && data[17] == 0xC0 && data[18] == 0xEF && data[19] == 0xBE)
        data[143] ^= 4
        data[4096 + 143] ^= 4
        let path = dir.sub("damaged")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path + "/data.mdb"))
        let result = try RegistryBinary(store: path).run(["export"])
        #expect(result.status == 3 && result.stderr.contains("store is corrupt"), "\(result.status) \(result.stderr)")
    }

    @Test func damagedStoresEndWithExitThreeOrOneNeverASignal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["demo", "--no-serve"]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.sub("store") + "/data.mdb"))
        let commands = [["report", "navet", "--period", "2013"], ["export"], ["verify"],
                        ["log", "navet.public", "--occurred", "2013-09-14", "--children", "3", "--adults", "1"]]
        func check(_ damaged: Data, _ what: String) throws {
            let path = dir.sub("damaged")
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try damaged.write(to: URL(fileURLWithPath: path + "/data.mdb"))
            for command in commands {
                let (process, out, err) = try RegistryBinary(store: path).start(command)
                _ = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationReason == .exit && [0, 1, 3].contains(process.terminationStatus),
                        "\(what), \(command): \(process.terminationReason) \(process.terminationStatus) \(stderr)")
            }
        }
        var truncated = data
        truncated.removeLast(data.count / 2)
        try check(truncated, "cut to half")
        let cut = try RegistryBinary(store: dir.sub("damaged")).run(["report", "navet", "--period", "2013"])
        #expect(cut.status == 3 && cut.stderr.contains("cut short"), "\(cut.stderr)")
        var random = SeededRandom(seed: 14)
        for _ in 0..<6 {
            var flipped = data
            let offset = Int(random.next() % UInt64(data.count))
            flipped[offset] ^= UInt8(1) << (random.next() % 8)
            try check(flipped, "bit flipped at \(offset)")
        }
    }
}
