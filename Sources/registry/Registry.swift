import ArgumentParser
import EventLog
import Foundation
import Registry

/// The `registry` command: a thin shell over the Registry library.
@main
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "The event registry of Sjuhärads kommunalförbund: Navet, MC and growth grants.",
        subcommands: [
            Init.self, Log.self, Import.self, Export.self, Retract.self, Correct.self, ReportCommand.self,
            Verify.self, Backup.self, Copy.self, Serve.self, UserCommand.self, Demo.self,
        ])

    /// Exit codes of SPEC §5: 1 rejected input or failed check, 2 usage, 3 store unusable.
    static func main() async {
        DamagedStoreSignals.install()
        do {
            var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            // A command of subcommands given none has nothing to do: a usage error, not help
            // (`--help` is that).
            if !type(of: command).configuration.subcommands.isEmpty {
                throw CLIError(message: "give a subcommand\n\n" + helpMessage(for: type(of: command)), code: 2)
            }
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(with: error)
        }
    }

    /// `--store PATH` is global (SPEC §5): given before the subcommand, it moves to the end
    /// (before a `--`), where every subcommand's `StoreOptions` reads it; being last, it wins
    /// over a `--store` after the subcommand. Without a path it stays, and parsing says so.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var global: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--store", rest.count >= 2, !rest.dropFirst().first!.hasPrefix("-") {
                global += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--store=") {
                global.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        var result = Array(rest)
        result.insert(contentsOf: global, at: result.firstIndex(of: "--") ?? result.endIndex)
        return result
    }

    static func exit(with error: any Error) -> Never {
        let code: Int32
        switch error {
        case let error as InputError:
            printError(error.description)
            code = 1
        case LogError.verificationFailed:
            printError("\(error)")
            code = 1
        case let error as LogError:
            printError("store unusable: \(error)")
            code = 3
        case let error as CLIError:
            printError(error.message)
            code = error.code
        default:
            let parsed = exitCode(for: error)
            if parsed == .success { Self.exit(withError: error) }
            printError(fullMessage(for: error))
            code = parsed == .validationFailure ? 2 : parsed.rawValue
        }
        Foundation.exit(code)
    }
}

/// An error the CLI reports with its own exit code.
struct CLIError: Error {
    let message: String
    let code: Int32

    static func rejected(_ message: String) -> CLIError { CLIError(message: message, code: 1) }
    static func unusable(_ message: String) -> CLIError { CLIError(message: message, code: 3) }
}

/// Writes a message to standard error. Nothing is left to do when that fails, so a failure is
/// ignored (FileHandle's write would trap on it).
func printError(_ message: String) {
    _ = try? write(Array(("registry: " + message + "\n").utf8), to: STDERR_FILENO, named: "standard error")
}

/// Writes bytes to standard output; a failed write (a full disk, /dev/full, a closed pipe)
/// is exit 3 with a message, never a silent exit 0.
func writeOut(_ bytes: [UInt8]) throws {
    try write(bytes, to: STDOUT_FILENO, named: "standard output")
}

/// Writes a line of text to standard output (see `writeOut`).
func output(_ line: String) throws {
    try writeOut(Array((line + "\n").utf8))
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
func write(_ bytes: [UInt8], to fd: Int32, named name: String) throws {
    try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw CLIError.cannotWrite(name, n < 0 ? errno : EIO) }
            offset += n
        }
    }
}

extension CLIError {
    static func cannotWrite(_ name: String, _ code: Int32) -> CLIError {
        .unusable("cannot write to \(name): \(String(cString: strerror(code)))")
    }
}

/// The global `--store` option.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default $REGISTRY_STORE, else ./registry-data).")
    var store: String?

    var path: String {
        store ?? ProcessInfo.processInfo.environment["REGISTRY_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "./registry-data"
    }

    /// Opens the store, creating it (with the federation's membership) when missing.
    func openForWriting() throws -> Store { try Store(path: Self.directory(path)) }

    /// Opens an existing store; a missing one is an error (exit 3).
    func openExisting() throws -> Store { try Self.openExisting(path) }

    static func openExisting(_ path: String) throws -> Store {
        guard Store.exists(at: try directory(path)) else { throw CLIError.unusable("no store at \(path) (create one with `registry init`)") }
        return try Store(path: path)
    }

    /// `path` as a store directory. A `postgres://` URL names a shared log (SPEC §9), which
    /// this build cannot open yet: refused, rather than made into a directory of that name.
    static func directory(_ path: String) throws -> String {
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            // Named without its user and password.
            let place = path.split(separator: "@", maxSplits: 1).last.map(String.init) ?? path
            let shown = path.contains("@") ? "postgres://…@\(place)" : path
            throw CLIError.unusable("\(shown): PostgreSQL stores are not available in this build yet; give a store directory")
        }
        return path
    }
}

/// Parses `--field value` pairs given after an event type into a JSON object.
func fieldObject(_ arguments: [String]) throws -> JSONObject {
    var object: JSONObject = []
    var i = 0
    while i < arguments.count {
        let flag = arguments[i]
        guard flag.hasPrefix("--"), flag.count > 2 else {
            throw CLIError(message: "expected --field value, got \"\(flag)\"", code: 2)
        }
        var name = String(flag.dropFirst(2))
        var value: String
        if let equals = name.firstIndex(of: "=") {
            value = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
            i += 1
        } else {
            guard i + 1 < arguments.count else { throw CLIError(message: "option \(flag) needs a value", code: 2) }
            value = arguments[i + 1]
            i += 2
        }
        let key = name.replacingOccurrences(of: "-", with: "_")
        guard !object.contains(where: { $0.key == key }) else { throw CLIError(message: "option \(flag) is given twice", code: 2) }
        object.append((key, try FieldText.checkedValue(field: key, text: value)))
        _ = value
    }
    return object
}

/// Prints one appended event as `seq N id ID` (with a note when it was already there).
func printAppended(_ appended: Appended) throws {
    let suffix = appended.isNew ? "" : " (already in the log)"
    try output("seq \(appended.event.seq) id \(appended.event.event.id!)\(suffix)")
}

/// Appends a single event; its errors need no event index.
func appendOne(_ event: Event, to store: Store) throws -> Appended {
    do {
        return try store.append([event])[0]
    } catch var error as InputError {
        error.index = nil
        throw error
    }
}
