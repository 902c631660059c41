import ArgumentParser
import Registry

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the web app and HTTP API.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080

    func run() async throws {
        throw CLIError.unusable("serve is not wired yet")
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.")
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the 2012–2013 history and serve it.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Load and exit.") var noServe = false

    func run() async throws {
        let store = try options.openForWriting()
        let appended = try store.append(History.events()).filter(\.isNew).count
        let head = try store.head()
        print("demo history loaded into \(options.path): \(appended) new events, \(head.position) in all, head \(head.hashHex)")
        if noServe { return }
        throw CLIError.unusable("serve is not wired yet")
    }
}
