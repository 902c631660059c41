import ArgumentParser
import Foundation
import Registry
import RegistryServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the web app and HTTP API.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @OptionGroup var listening: PortOption
    @Flag(help: "Mark the session cookie Secure (browsers reach the server over HTTPS, e.g. through a TLS proxy).")
    var secureCookies = false

    func run() async throws {
        let store = try options.openForWriting()
        print("serving \(options.path) on http://\(host):\(listening.port)")
        fflush(nil) // the banner must show before the server runs, also into a file or pipe
        try await serve(store: store, configuration: ServerConfiguration(host: host, port: listening.port, secureCookies: secureCookies))
    }
}

/// `--port`, for `serve` and `demo`.
struct PortOption: ParsableArguments {
    @Option(help: "Port to listen on (0: any free port, named in the log).") var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be a TCP port, 0 to 65535, got \(port)") }
    }
}

extension UserRole: ExpressibleByArgument {}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users (kept beside the log, never in it).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a password and an API token, once.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user name.") var name: String
        @Option(help: "reception, coach, grants, analyst or admin.") var role: UserRole

        func run() throws {
            let store = try options.openForWriting()
            let credentials = try Users.add(store: store, name: name, role: role)
            do {
                try output("password: \(credentials.password)\ntoken: \(credentials.token)")
            } catch {
                // Credentials nobody saw would make a user nobody can be: take it back.
                _ = try? Users.remove(store: store, name: name)
                throw error
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var options: StoreOptions

        func run() throws {
            for user in try Users.list(store: options.openExisting()) { try output("\(user.name)\t\(user.role.rawValue)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user; their sessions and token stop working.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user name.") var name: String

        func run() throws {
            guard try Users.remove(store: options.openExisting(), name: name) else { throw CLIError.rejected("no user \(name)") }
            try output("removed \(name)")
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the 2012–2013 history and serve it.")
    @OptionGroup var options: StoreOptions
    @OptionGroup var listening: PortOption
    @Flag(help: "Load and exit.") var noServe = false

    func run() async throws {
        let store = try options.openForWriting()
        // The membership a new store starts with comes first: the history needs it, also in a store made with `init --empty`.
        let appended = try store.append(Federation.membershipEvents() + History.events()).filter(\.isNew).count
        let head = try store.head()
        print("demo history loaded into \(options.path): \(appended) new events, \(head.position) in all, head \(head.hashHex)")
        if noServe { return }
        // No default password exists: the demo makes one user per role, shown once.
        let existing = Set(try Users.list(store: store).map(\.name))
        print("\nUsers for the demo (passwords are shown once; `registry user add` makes more):")
        for role in UserRole.allCases {
            let name = "demo-\(role.rawValue)"
            if existing.contains(name) {
                print("  \(name) (\(role.rawValue)): created earlier")
                continue
            }
            let credentials = try Users.add(store: store, name: name, role: role)
            print("  \(name) (\(role.rawValue)): password \(credentials.password)")
        }
        print("\nOpen http://127.0.0.1:\(listening.port)")
        fflush(nil) // the banner must show before the server runs, also into a file or pipe
        try await serve(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: listening.port))
    }
}
