import Foundation
import TestSupport
import Testing

/// Faults from outside (issue 14): a disk that fills in the middle of an import or of the
/// server's group commits. The answer is an exit code or a 503 and a message; the store stays
/// as it was before the failed write, verifies, and takes the next write once there is room.
@Suite("Fault injection")
struct FaultInjectionTests {
    /// Runs the binary with a file-size limit: a write past it fails with EFBIG, as on a full
    /// disk (the shell ignores SIGXFSZ, and the ignored signal stays ignored across exec).
    static func runWithFileSizeLimit(_ registry: RegistryBinary, kibibytes: Int, _ arguments: [String]) throws -> RegistryBinary.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(kibibytes); exec \"$@\"", "bash", RegistryBinary.url.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["REGISTRY_STORE"] = registry.store
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "ended by a signal")
        return RegistryBinary.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func storeSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int)
    }

    @Test func aDiskThatFillsDuringAnImportLeavesTheStoreAsItWas() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        #expect(try registry.run(["log", "navet.visit", "--occurred", "2013-09-12", "--municipality", "Borås", "--pupils", "24", "--teachers", "2"]).status == 0)
        let before = try registry.run(["export"]).stdout
        let lines = (1...30_000).map { i in
            #"{"type":"navet.visit","occurred":"2013-10-\#(String(format: "%02d", i % 28 + 1))","municipality":"1490","school":"Skola \#(i)","pupils":\#(i % 30 + 1),"teachers":1}"#
        }
        let file = dir.sub("visits.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        // Room for a few megabytes more: the import needs far more.
        let limit = try Self.storeSize(registry.store) / 1024 + 2048
        let full = try Self.runWithFileSizeLimit(registry, kibibytes: limit, ["import", file])
        #expect(full.status == 3, "\(full.stdout) \(full.stderr)")
        #expect(full.stderr.contains("File too large") || full.stderr.contains("No space") || full.stderr.contains("full"), "\(full.stderr)")
        #expect(try registry.run(["export"]).stdout == before)
        #expect(try registry.run(["verify"]).status == 0)

        // With room again, the same import goes in whole.
        let again = try registry.run(["import", file])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("appended 30000"))
        #expect(try registry.run(["verify"]).status == 0)
    }

    @Test func aDiskThatFillsDuringGroupCommitsLosesNoAcknowledgedEvent() async throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let added = try registry.run(["user", "add", "rita", "--role", "reception"])
        let token = try #require(added.stdout.split(separator: "\n").first { $0.hasPrefix("token: ") }?.dropFirst("token: ".count))
        let server = try RunningServer(store: dir.sub("store"), fileSizeLimitKiB: try Self.storeSize(registry.store) / 1024 + 256)
        var acknowledged: [String] = []
        var statuses: [Int] = []
        // Concurrent requests share commits; each acknowledged event must survive.
        await withTaskGroup(of: (Int, [String]).self) { group in
            for client in 0..<8 {
                group.addTask {
                    var ids: [String] = [], last = 0
                    for round in 0..<400 {
                        let id = UUID().uuidString.lowercased()
                        let visit = #"{"id":"\#(id)","type":"navet.visit","occurred":"2013-09-12","note":"\#(String(repeating: "x", count: 190)) \#(client)-\#(round)","pupils":1,"teachers":1}"#
                        guard let response = try? await server.request("POST", "/api/events", headers: ["Authorization: Bearer \(token)", "Content-Type: application/json"], body: visit) else { break }
                        last = response.status
                        if response.status == 201 { ids.append(id) } else { break }
                    }
                    return (last, ids)
                }
            }
            for await (status, ids) in group {
                statuses.append(status)
                acknowledged += ids
            }
        }
        #expect(server.process.isRunning)
        server.stop()
        #expect(statuses.contains(503), "\(statuses)")
        #expect(!acknowledged.isEmpty)
        #expect(try registry.run(["verify"]).status == 0)
        let exported = try registry.run(["export"]).stdout
        let missing = acknowledged.filter { !exported.contains(#""id":"\#($0)""#) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.count) of \(acknowledged.count)")
        // With room again, the log takes the next event.
        #expect(try registry.run(["log", "navet.public", "--occurred", "2013-09-14", "--children", "3", "--adults", "1"]).status == 0)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aNewUserWhoseCredentialsCannotBeShownIsNotKept() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let result = try HardeningCLITests.runIntoFullDevice(registry, ["user", "add", "anna", "--role", "admin"])
        #expect(result.reason == .exit && result.status == 3, "\(result)")
        #expect(result.stderr.contains("No space left on device"))
        #expect(try !registry.run(["user", "list"]).stdout.contains("anna"))
        // The name is free: a second try with a working terminal succeeds.
        #expect(try registry.run(["user", "add", "anna", "--role", "admin"]).stdout.contains("password: "))
    }
}
