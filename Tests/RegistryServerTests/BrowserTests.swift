import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Registry
import TestSupport
import Testing

@testable import RegistryServer

/// Runs Tests/browser/e2e.py (Selenium, headless Chromium) against the real server on a
/// free port of localhost: a short day of each of the five roles. Set REGISTRY_SKIP_BROWSER=1
/// to skip it where no browser exists.
@Suite struct BrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let skipped = ProcessInfo.processInfo.environment["REGISTRY_SKIP_BROWSER"] == "1"

    @Test(.enabled(if: !skipped, "REGISTRY_SKIP_BROWSER=1"), .timeLimit(.minutes(3)))
    func eachRoleWorksADayInTheBrowser() async throws {
        if let missing = Self.missingPrerequisite() {
            Issue.record("\(missing). Run .ci/run (it installs chromium, chromium-driver and selenium) or set REGISTRY_SKIP_BROWSER=1.")
            return
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        // One user per role, named after it (e2e.py's default names); cost 4 keeps the five sign-ins fast.
        let passwords = Dictionary(uniqueKeysWithValues: try UserRole.allCases.map { role in
            ("REGISTRY_E2E_\(role.rawValue.uppercased())_PASSWORD", try Users.add(store: store, name: role.rawValue, role: role, cost: 4).password)
        })
        // Entries of every kind with long texts and large numbers, so that today's list and the
        // Navet report have all their columns when e2e.py checks they fit a tablet (reception
        // undoes the lecture). Borås gets none: the visit e2e.py records must be its only one.
        let today = Day.today().description
        _ = try store.append([
            #"{"type":"navet.visit","occurred":"\#(today)","municipality":"Ulricehamn","school":"Tingsholmsgymnasiet","theme":"Rymden och stjärnorna","pupils":12345,"teachers":1234,"by":"reception"}"#,
            #"{"type":"navet.training","occurred":"\#(today)","organisation":"Högskolan i Borås","programme":"NO-lyftet för lärare i förskoleklass","participants":1800,"days":"1.5","by":"reception"}"#,
            #"{"type":"navet.public","occurred":"\#(today)","municipality":"Svenljunga","children":14000,"adults":9500,"by":"reception"}"#,
            #"{"type":"navet.conference","occurred":"\#(today)","municipality":"Tranemo","name":"Framtidens teknikundervisning i grundskolan","participants":12000,"by":"reception"}"#,
            #"{"type":"navet.lecture","occurred":"\#(today)","municipality":"Mark","title":"Klimatet och vi","attendees":64000,"by":"reception"}"#,
        ].map { try Event.decode(json: $0, today: .today()) })

        var logger = Logger(label: "browser-test")
        logger.logLevel = .warning
        let app = buildApplication(store: store, configuration: ServerConfiguration(port: 0), logger: logger)

        // `.live` runs the real server on a free port of localhost and stops it afterwards.
        let (status, output) = try await app.test(.live) { client in
            let port = try #require(client.port)
            return try await Self.runScript([
                "--base-url", "http://localhost:\(port)", "--exact",
                "--screenshots", Self.packageRoot.appendingPathComponent("artifacts/screenshots").path,
            ], environment: passwords, log: directory.sub("e2e.log"))
        }
        #expect(status == 0, "e2e.py failed:\n\(output)")
    }

    /// What is missing to run the browser test, if anything.
    static func missingPrerequisite() -> String? {
        let files = FileManager.default
        let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
        let driver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
        if !files.isExecutableFile(atPath: chromium) { return "Chromium is not installed (\(chromium))" }
        if !files.isExecutableFile(atPath: driver) { return "chromedriver is not installed (\(driver))" }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return "python3 is not installed" }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? nil : "the Python package selenium is not installed"
    }

    /// Runs e2e.py with `arguments`; returns its exit status and combined output.
    static func runScript(_ arguments: [String], environment: [String: String], log: String) async throws -> (Int32, String) {
        let script = packageRoot.appendingPathComponent("Tests/browser/e2e.py").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = packageRoot
        // A file, not a pipe: a pipe that nobody drains would stall a chatty child.
        process.standardOutput = output
        process.standardError = output
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try output.close()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
