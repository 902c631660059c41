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
            Verify.self, Backup.self, Serve.self, UserCommand.self, Demo.self,
        ])

    /// Exit codes of SPEC §5: 1 rejected input or failed check, 2 usage, 3 store unusable.
    static func main() async {
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

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("registry: " + message + "\n").utf8))
}

/// Writes bytes to standard output.
func writeOut(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if n <= 0 { return }
            offset += n
        }
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
    func openForWriting() throws -> Store { try Store(path: path) }

    /// Opens an existing store; a missing one is an error (exit 3).
    func openExisting() throws -> Store {
        guard Store.exists(at: path) else { throw CLIError.unusable("no store at \(path) (create one with `registry init`)") }
        return try Store(path: path)
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
        object.append((key, FieldText.value(field: key, text: value)))
        _ = value
    }
    return object
}

/// Prints one appended event as `seq N id ID` (with a note when it was already there).
func printAppended(_ appended: Appended) {
    let suffix = appended.isNew ? "" : " (already in the log)"
    print("seq \(appended.event.seq) id \(appended.event.event.id!)\(suffix)")
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
