import ArgumentParser
import EventLog
import Foundation
import Registry

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a store, with the federation's membership unless --empty.")
    @OptionGroup var options: StoreOptions
    @Flag(help: "Create the store without membership events.") var empty = false

    func run() throws {
        if Store.exists(at: options.path) {
            let store = try Store(path: options.path)
            try output("store at \(options.path) already exists (\(try store.head().position) events)")
            return
        }
        let store = try Store(path: options.path, seedMembership: !empty)
        try output("created store at \(options.path) with \(try store.head().position) events")
    }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append one event.",
        discussion: "Fields as in the event format with - for _, e.g. registry log navet.visit --occurred 2013-09-12 --municipality Borås --pupils 24 --teachers 2")
    @OptionGroup var options: StoreOptions
    @Argument(help: "The event type (navet.visit, navet.training, …).") var type: String
    @Argument(parsing: .allUnrecognized, help: "--field value …") var fields: [String] = []

    func run() throws {
        let object = [("type", JSONValue.string(type))] + (try fieldObject(fields))
        let event = try Event.decode(.object(object), today: .today())
        let store = try options.openForWriting()
        try printAppended(try appendOne(event, to: store))
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Append JSON Lines or CSV events from a file or - (standard input), all or nothing.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "The file, or - for standard input.") var file: String

    func run() throws {
        let input: ImportInput
        do {
            input = file == "-" ? try ImportInput(descriptor: STDIN_FILENO, named: "standard input") : try ImportInput(contentsOf: file)
        } catch .cannotSpool(let code) {
            throw CLIError.unusable(ImportInputError.cannotSpool(code).description)
        } catch {
            throw CLIError.rejected(error.description)
        }
        var result = (appended: 0, existing: 0)
        // Decoding runs alongside the append. A new store is made only for input that decodes
        // and holds events.
        if try Store.exists(at: options.path) || Store.check(input) > 0 {
            let imported = try options.openForWriting().importEvents(input)
            result = (imported.appended, imported.existing)
        }
        // No events is not an error: `export --after N | import -` has none when nothing is new.
        // But a person who imports the wrong file hears why nothing happened.
        if result == (0, 0) {
            printError("no events in \(file == "-" ? "standard input" : file) (\(input.withBytes(Self.whyEmpty))); nothing appended")
        }
        try output("appended \(result.appended), already there \(result.existing)")
    }

    /// Why input that decoded without error held no events.
    static func whyEmpty(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.isEmpty { return "it is empty" }
        let content = bytes.drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        if content.isEmpty { return "it has only blank lines" }
        return content.first == UInt8(ascii: "{") ? "it has only blank lines" : "it has a CSV header and no rows"
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the log as JSON Lines to standard output.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Only events after this position.") var after: UInt64 = 0

    func run() throws {
        try options.openExisting().export(after: after) { try writeOut($0) }
    }
}

struct Retract: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Retract an event (it stops counting; the log keeps both).")
    @OptionGroup var options: StoreOptions
    @Argument(help: "The id of the event to retract.") var id: String
    @Option(help: "Why (required).") var reason: String
    @Option(help: "Who retracts it.") var by: String?

    func run() throws {
        var object: JSONObject = [
            ("type", .string("retraction")), ("occurred", .string(Day.today().description)),
            ("target", .string(id)), ("reason", .string(reason)),
        ]
        if let by { object.append(("by", .string(by))) }
        let event = try Event.decode(.object(object), today: .today())
        try printAppended(try appendOne(event, to: options.openExisting()))
    }
}

struct Correct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct an event: fields given replace the target's, the rest are kept.",
        discussion: """
            e.g. registry correct ID --reason "fel antal" --pupils 25

            An empty value removes an optional field: --note "". The origin is one field: \
            --organisation HB replaces a municipality, --municipality Mark an organisation, and \
            --municipality "" (or --organisation "") makes the origin unknown.
            """)
    @OptionGroup var options: StoreOptions
    @Argument(help: "The id of the original event.") var id: String
    @Option(help: "Why (required).") var reason: String
    @Argument(parsing: .allUnrecognized, help: "--field value …") var fields: [String] = []

    func run() throws {
        let store = try options.openExisting()
        guard let targetID = EventID(id) else { throw InputError(field: "target", "must be the UUID of an event, got \"\(id)\"") }
        // Fields not given are kept from the target as it counts now, after earlier corrections.
        guard let target = try store.currentVersion(of: targetID) else { throw InputError(field: "target", "no event with id \(id) in the log") }
        if target.event.type.isAmendment {
            throw InputError(field: "target", "\(id) is a \(target.event.type.rawValue); target the original event's id instead")
        }
        guard case .object(let current) = try JSONParser.parse(target.event.json) else { preconditionFailure() }
        let replacement = Self.replacement(of: current, type: target.event.type, changing: try fieldObject(fields))
        let object: JSONObject = [
            ("type", .string("correction")), ("occurred", .string(Day.today().description)),
            ("target", .string(id)), ("reason", .string(reason)), ("replacement", .object(replacement)),
        ]
        let event = try Event.decode(.object(object), today: .today())
        try printAppended(try appendOne(event, to: store))
    }

    /// The target's fields (without its id) with `given` laid over them: a field given replaces
    /// the target's, one given as "" is left out (decoding then refuses it if it is required),
    /// and either origin field replaces both.
    static func replacement(of target: JSONObject, type: EventType, changing given: JSONObject) -> JSONObject {
        var replaced = Set(given.map(\.key) + ["id"])
        if type.hasOrigin, !replaced.isDisjoint(with: originFields) { replaced.formUnion(originFields) }
        return target.filter { !replaced.contains($0.key) } + given.filter { field in
            if case .string("") = field.value { false } else { true }
        }
    }

    private static let originFields: Set<String> = ["municipality", "organisation"]
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Rebuild a report (navet, mc, grants, events, targets) for a period.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "navet, mc, grants, events or targets.") var name: String
    @Option(help: "2013, 2013-H1, 2013-Q3, 2013-05, 2013/14, 2013-03-01..2013-06-30 or 2012..2013.") var period: String
    @Option(help: "A second period to put beside the first.") var compare: String?
    @Option(name: .customLong("as-of"), help: "An RFC 3339 instant or a date: the log as known then.") var asOf: String?
    @Option(name: .customLong("as-of-seq"), help: "The log up to this position.") var asOfSeq: UInt64?
    @Option(help: "table, csv, json, markdown, xlsx (a workbook, written to a file or pipe) or json-stat.") var format: String = "table"
    @Option(help: "year, half, quarter or month: one column group per sub-period.") var by: String?
    @Flag(help: "With --format csv: for Swedish Excel (UTF-8 with BOM, ';', decimal comma).") var excel = false
    @Option(help: "targets only: navet, mc or forbund.") var unit: String?

    func validate() throws {
        guard ReportName(rawValue: name) != nil else {
            throw ValidationError("unknown report \"\(name)\"; expected one of \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ReportFormat(rawValue: format) != nil else {
            throw ValidationError("unknown format \"\(format)\"; expected table, csv, json, markdown, xlsx or json-stat")
        }
        if excel && format != "csv" { throw ValidationError("--excel goes with --format csv") }
        if by != nil && compare != nil { throw ValidationError("give --by or --compare, not both") }
        // A workbook is binary: on a terminal it would only garble the screen.
        if format == "xlsx" && isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("--format xlsx writes a binary workbook; redirect it to a file (> report.xlsx) or a pipe")
        }
        if asOf != nil && asOfSeq != nil { throw ValidationError("give --as-of or --as-of-seq, not both") }
        _ = try query()
    }

    /// The query the options describe. A value that does not parse is a usage error (exit 2)
    /// naming its option, like an unknown format.
    func query() throws -> ReportQuery {
        func parse<T>(_ option: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as InputError { throw ValidationError("\(option) \(error.message)") }
        }
        var query = ReportQuery(name: ReportName(rawValue: name)!, period: try parse("--period") { try Period.parse(period) })
        if let compare { query.compare = try parse("--compare") { try Period.parse(compare) } }
        if let asOf { query.asOf = try parse("--as-of") { try AsOf.parse(asOf) } }
        if let asOfSeq { query.asOf = .seq(asOfSeq) }
        if let by { query.by = try parse("--by") { try Granularity.parse(by) } }
        if let unit {
            guard query.name == .targets else { throw ValidationError("--unit is only for the targets report") }
            guard let parsed = Unit(rawValue: unit) else {
                throw ValidationError("--unit: unknown unit \"\(unit)\"; expected \(Unit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.unit = parsed
        }
        if query.name == .targets, compare != nil { throw ValidationError("--compare is not available for the targets report") }
        return query
    }

    func run() throws {
        let report = try options.openExisting().report(query())
        let bytes: [UInt8]
        do {
            bytes = try report.data(ReportFormat(rawValue: format)!, excel: excel)
        } catch let error as XLSXError {
            throw CLIError.unusable("cannot write the workbook: \(error)")
        }
        try writeOut(bytes)
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Recompute the hash chain and every index; exit 1 at the first bad position.")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let head = try options.openExisting().verify()
        try output("ok: \(head.position) events, head \(head.hashHex)")
    }
}

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a whole store into a new one, keeping every seq, id, recorded time and hash.",
        discussion: "verify prints the same head on both. The destination must be new or empty.")
    @Argument(help: "The store to copy.") var source: String
    @Argument(help: "A new store directory.") var destination: String

    func run() throws {
        let from = try StoreOptions.openExisting(source)
        let to = try StoreOptions.directory(destination)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: to, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.rejected("copy destination \(destination) is a file; give a new store directory")
        }
        let created = !Store.exists(at: to)
        let store = try Store(path: to, seedMembership: false)
        let showsProgress = isatty(STDERR_FILENO) == 1
        do {
            let head = try store.copy(from: from) { copied, total in
                if showsProgress { _ = try? write(Array("\u{1B}[2K\rcopied \(copied) of \(total) events".utf8), to: STDERR_FILENO, named: "standard error") }
            }
            if showsProgress { _ = try? write([0x0A], to: STDERR_FILENO, named: "standard error") }
            try output("copied \(head.position) events to \(destination), head \(head.hashHex)")
        } catch {
            // A copy that stopped half way is no store to keep; one that was there stays.
            if created { try? FileManager.default.removeItem(atPath: to) }
            if let error = error as? InputError { throw CLIError.rejected("\(destination): \(error.message)") }
            throw error
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the store consistently while others read and write.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "A new directory for the copy.") var destination: String

    func run() throws {
        // A full destination is the caller's mistake (exit 1), not a broken store (exit 3).
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIError.rejected("backup destination \(destination) exists and is a file; give a new or empty directory")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? ["?"]
            guard contents.isEmpty else {
                throw CLIError.rejected("backup destination \(destination) exists and is not empty; give a new or empty directory")
            }
        }
        let store = try options.openExisting()
        let head = try store.head()
        try store.backup(to: destination)
        try output("backed up \(options.path) to \(destination) (at least \(head.position) events)")
    }
}
