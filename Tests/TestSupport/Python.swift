import Foundation

/// Runs checks written in Python against files the product writes: Debian's python3-openpyxl
/// reads the XLSX back, PyPI's jsonstat-validator checks the JSON-stat. Where a module is
/// missing the test is skipped, except when `REGISTRY_REQUIRE_PYTHON_CHECKS=1` (set by
/// `.ci/run`, which installs both): then the test runs and fails, so CI never skips them.
public enum Python {
    /// Whether tests must run the Python checks even without the module.
    public static var required: Bool { ProcessInfo.processInfo.environment["REGISTRY_REQUIRE_PYTHON_CHECKS"] == "1" }

    /// Whether a test that needs `module` should run.
    public static func enabled(_ module: String) -> Bool { interpreter(with: module) != nil || required }

    /// The first python3 that imports `module`: Debian's (where apt puts openpyxl), then the
    /// one on the PATH (where pip puts packages).
    public static func interpreter(with module: String) -> String? {
        for candidate in ["/usr/bin/python3", "python3"] {
            if let result = try? run(candidate, ["-c", "import \(module)"]), result.status == 0 { return candidate }
        }
        return nil
    }

    /// Runs `script` with `arguments` by the python3 that has `module`; its exit status and output.
    public static func run(script: String, needing module: String, arguments: [String]) throws -> (status: Int32, output: String) {
        guard let python = interpreter(with: module) else {
            throw MissingModule(description: "no python3 imports \(module) (apt install python3-openpyxl; python3 -m pip install jsonstat-validator)")
        }
        return try run(python, ["-c", script] + arguments)
    }

    public struct MissingModule: Error, CustomStringConvertible { public let description: String }

    private static func run(_ python: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.hasPrefix("/") ? python : "/usr/bin/env")
        process.arguments = python.hasPrefix("/") ? arguments : [python] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
