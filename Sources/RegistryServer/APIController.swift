import EventLog
import Foundation
import Hummingbird
import NIOCore
import Registry

/// The JSON API of SPEC §8 and the health check.
struct APIController {
    let state: ServerState

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz", use: health)
        let api = router.group("api")
        Self.add(api, "events", [(.get, getEvents), (.post, postEvents)])
        Self.add(api, "reports/:name", [(.get, getReport)])
    }

    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    /// Adds the handlers of one address and, for the other methods, a 405 that names the
    /// allowed ones: the router would answer them with 404, as if the address did not exist.
    /// (`PageErrorMiddleware` answers unknown addresses.)
    private static func add(_ api: RouterGroup<AppRequestContext>, _ path: RouterPath, _ handlers: [(HTTPRequest.Method, Handler)]) {
        let allowed = handlers.map(\.0)
        for (method, handler) in handlers { api.on(path, method: method, use: handler) }
        for method in methods where !allowed.contains(method) {
            api.on(path, method: method) { request, _ -> Response in
                throw APIError.methodNotAllowed(request.method, on: request.uri.path, allowed: allowed)
            }
        }
    }

    /// The methods of RFC 9110 §9 and PATCH that name a resource by its path (CONNECT does not).
    /// HEAD is left to the router, which answers it wherever GET is allowed.
    private static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .options, .trace, .patch]

    /// `POST /api/events`: one event object or an array, all or nothing.
    @Sendable func postEvents(request: Request, context: AppRequestContext) async throws -> Response {
        // A browser session may read through the API, but only a token may write: a form on
        // another site cannot send one, so no CSRF token is needed here.
        guard let user = context.identity, user.credential == .token else { throw APIError.unauthorized() }
        let limit = state.configuration.maxRequestBody
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: limit)
        }
        let value: JSONValue
        do {
            value = try body.withUnsafeReadableBytes { raw in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        } catch {
            throw APIError(.badRequest, "\(error)", problem: "invalid-json")
        }
        let values: [JSONValue], isArray: Bool
        switch value {
        case .array(let array): (values, isArray) = (array, true)
        default: (values, isArray) = ([value], false)
        }
        guard !values.isEmpty else { throw APIError(.badRequest, "the array holds no events") }
        let appended: [Appended]
        do {
            // The role comes before the content: what the user may not append is refused as
            // such (403), whatever else is wrong with it.
            try state.checkRole(values, as: user)
            let today = Day.today()
            var events: [Event] = []
            for (index, value) in values.enumerated() {
                do { events.append(try Event.decode(value, today: today)) } catch { throw error.at(index: index) }
            }
            appended = try await state.append(events, as: user)
        } catch var error as InputError {
            // An index only means something for an array.
            if !isArray { error.index = nil }
            throw APIError(error)
        } catch let denied as PermissionDenied {
            throw APIError.forbidden(denied.message, index: isArray ? denied.index : nil)
        } catch let taken as IDTaken {
            let id = taken.id.map { " \($0)" } ?? ""
            throw APIError(.conflict, "the id\(id) belongs to another event; send a new id, or none", field: "id",
                           index: isArray ? taken.index : nil, problem: "id-taken")
        } catch let error as LogError {
            throw APIError(.serviceUnavailable, "the store cannot take the events: \(error)")
        }
        var out = ByteBuffer()
        if isArray { out.writeString("[") }
        for (index, item) in appended.enumerated() {
            if index > 0 { out.writeString(",") }
            out.writeBytes(item.event.exportLine)
        }
        out.writeString(isArray ? "]\n" : "\n")
        // Nothing new means every event was already there: an idempotent retry.
        let status: HTTPResponse.Status = appended.contains(where: \.isNew) ? .created : .ok
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: out))
    }

    /// `GET /api/events?after=SEQ&limit=N`: JSON Lines in log order, for catch-up readers:
    /// the events after SEQ (0: all) up to the head as the request found it, or the first N
    /// of them. They are read and sent a page at a time, so a reader of a large log costs no
    /// more memory here than a page.
    @Sendable func getEvents(request: Request, context: AppRequestContext) async throws -> Response {
        try requireReader(context)
        let query = FormData(query: request)
        let after = try number(query, "after", default: 0, in: 0...UInt64.max)
        let limit = try number(query, "limit", default: UInt64.max, in: 1...UInt64.max)
        let store = state.store, logger = context.logger
        let head = try await Blocking.run { try store.head().position }
        let last = after + min(limit, head - min(head, after)) // positions are consecutive
        // The first page is read before the status goes out: a store that cannot be read
        // answers with an error status, not a cut-off 200.
        let firstCount = min(last - after, Self.eventsPage)
        let first = try await Self.page(of: store, after: after, count: firstCount)
        let body = ResponseBody { writer in
            do {
                try await writer.write(contentsOf: first)
                var next = after + firstCount
                while next < last {
                    let count = min(last - next, Self.eventsPage)
                    try await writer.write(contentsOf: Self.page(of: store, after: next, count: count))
                    next += count
                }
                try await writer.finish(nil)
            } catch {
                // The status is sent: all that is left is to cut the response short, and say why here.
                logger.warning("sending the log stopped", metadata: ["error": "\(error)"])
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }

    /// `count` events after position `after`, as export lines, read off the cooperative threads.
    private static func page(of store: Store, after: UInt64, count: UInt64) async throws -> [ByteBuffer] {
        guard count > 0 else { return [] }
        return try await Blocking.run {
            var chunks: [ByteBuffer] = []
            try store.export(after: after, limit: Int(count)) { chunks.append(ByteBuffer(bytes: $0)) }
            return chunks
        }
    }

    /// How many events `getEvents` reads at a time (a few megabytes).
    static let eventsPage: UInt64 = 10_000

    /// `GET /api/reports/NAME?period=…&compare=…&as_of=…|as_of_seq=…&by=…`: the report JSON of
    /// §4, or CSV when `Accept` rates text/csv above application/json. `format=csv|json|xlsx|json-stat`
    /// wins over `Accept` and makes a download (`excel=1` with csv: for Swedish Excel).
    /// A tie is JSON, so clients that send `*/*` or nothing get JSON.
    @Sendable func getReport(request: Request, context: AppRequestContext) async throws -> Response {
        try requireReader(context)
        let name = try context.parameters.require("name")
        guard let reportName = ReportName(rawValue: name) else {
            throw APIError(.notFound, "no report \"\(name)\"; there are \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let query = FormData(query: request)
        let reportQuery: ReportQuery
        do {
            reportQuery = try ReportRequest.query(reportName, from: query)
        } catch {
            throw APIError(error)
        }
        let accept = AcceptHeader(request.headers[.accept])
        let format = query.text("format") ?? (accept.prefers("text/csv", over: "application/json") ? "csv" : "json")
        guard let reportFormat = ReportFormat(rawValue: format), Self.reportFormats.contains(reportFormat) else {
            throw APIError(.badRequest, "unknown format \"\(format)\"; use csv, json, xlsx or json-stat", field: "format", problem: "unsupported-format")
        }
        // `excel=1` (any value but 0, false, no or off, as a checkbox sends it).
        let excel = query["excel"].map { !["0", "false", "no", "off"].contains($0.lowercased()) } ?? false
        if excel && reportFormat != .csv {
            throw APIError(.badRequest, "excel goes with format=csv", field: "excel")
        }
        let store = state.store
        let report: Report
        do {
            report = try await Blocking.run { try store.report(reportQuery) }
        } catch let error as InputError {
            // An as-of the log has not reached, found only against the store.
            throw APIError(error)
        }
        var headers: HTTPFields = [.contentType: Self.contentType(reportFormat)]
        let isDownload = query.text("format") != nil
        if isDownload {
            headers[.contentDisposition] = "attachment; filename=\"\(ReportRequest.fileName(report, format: reportFormat == .jsonStat ? "stat.json" : format))\""
        }
        let bytes: [UInt8]
        switch reportFormat {
        case .xlsx: bytes = try await Blocking.run { try report.xlsx() }
        case .jsonStat: bytes = Array((report.jsonStat() + "\n").utf8)
        // CSV for Swedish Excel, as the report page's download gives it.
        case .csv where excel: bytes = Array(report.excelCSV().utf8)
        // A downloaded CSV opens in a spreadsheet, and Excel reads UTF-8 only after a byte order
        // mark ("Borås", not "BorÃ¥s"); a program asking by `Accept` gets the bare CSV.
        case .csv: bytes = Array(((isDownload ? "\u{FEFF}" : "") + report.csv()).utf8)
        default: bytes = Array((report.json() + "\n").utf8)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The formats the API serves (SPEC §8).
    static let reportFormats: Set<ReportFormat> = [.csv, .json, .xlsx, .jsonStat]

    static func contentType(_ format: ReportFormat) -> String {
        switch format {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        default: "application/json; charset=utf-8"
        }
    }

    /// `GET /healthz`: 200 when the store answers and takes writes, else 503: when its writer
    /// cannot commit, or the last events it was given failed for a reason other than their
    /// content (a full disk, a damaged index) and none were committed since.
    @Sendable func health(request: Request, context: AppRequestContext) async throws -> Response {
        let body: String, status: HTTPResponse.Status
        do {
            // An empty request goes through the writer: a write transaction that commits nothing.
            _ = try await state.writer.append([])
            if let failure = state.writer.failure { throw WriteFailure(description: "the last append failed: \(failure)") }
            let head = try state.store.head()
            // Log lines dropped (standard output unwritable) are worth a look, not a 503.
            let dropped = LineLogHandler.dropped.withLock { $0 }
            (status, body) = (.ok, "{\"status\":\"ok\",\"seq\":\(head.position),\"hash\":\"\(head.hashHex)\",\"log_lines_dropped\":\(dropped)}\n")
        } catch {
            (status, body) = (.serviceUnavailable, "{\"status\":\"unavailable\",\"error\":\(JSONText.string("\(error)"))}\n")
        }
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private struct WriteFailure: Error, CustomStringConvertible { let description: String }

    private func requireReader(_ context: AppRequestContext) throws {
        guard let user = context.identity else { throw APIError.unauthorized() }
        guard user.role.mayRead else { throw APIError.forbidden("role \(user.role.rawValue) may not read reports or the log") }
    }

    private func number(_ query: FormData, _ name: String, default value: UInt64, in range: ClosedRange<UInt64>) throws -> UInt64 {
        guard let text = query.text(name) else { return value }
        guard let number = UInt64(text), range.contains(number) else {
            let bounds = range.upperBound == .max ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw APIError(.badRequest, "\(name) must be a whole number \(bounds), got \"\(text)\"", field: name)
        }
        return number
    }
}
