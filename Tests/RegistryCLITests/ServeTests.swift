import Foundation
import Registry
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `registry serve` as a process: what it does when its environment is hostile.
@Suite struct ServeTests {
    /// `registry serve > /dev/full` died with SIGILL at its first log line.
    @Test func aServerThatCannotWriteItsLogKeepsServing() async throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        #expect(try RegistryBinary(store: dir.sub("store")).run(["init"]).status == 0)
        let server = try RunningServer(store: dir.sub("store"), output: "/dev/full")
        defer { server.stop() }
        let health = try await server.get("/healthz")
        #expect(health.status == 200)
        #expect(try await server.get("/login").status == 200)
        #expect(server.process.isRunning)
    }

    @Test func secureCookiesMarksTheCookiesSecure() async throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        #expect(try RegistryBinary(store: dir.sub("store")).run(["init"]).status == 0)
        for secure in [false, true] {
            let server = try RunningServer(store: dir.sub("store"), arguments: secure ? ["--secure-cookies"] : [])
            defer { server.stop() }
            let login = try await server.get("/login")
            #expect(login.status == 200)
            let cookie = try #require(login.headers.first { $0.lowercased().hasPrefix("set-cookie: registry_login=") })
            #expect(cookie.contains("; Secure") == secure, "\(cookie)")
        }
    }

    /// A store whose writes fail (the server may not make its file larger: a full disk, in
    /// effect) is not healthy, though an empty write transaction still commits.
    @Test func healthFailsWhileAppendsFail() async throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["init"]).status == 0)
        let added = try registry.run(["user", "add", "rita", "--role", "reception"])
        let token = try #require(added.stdout.split(separator: "\n").first { $0.hasPrefix("token: ") }?.dropFirst("token: ".count))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.sub("store") + "/data.mdb")[.size] as? Int)
        // `ulimit -f` counts kibibytes; half a megabyte more than the store has now.
        let server = try RunningServer(store: dir.sub("store"), fileSizeLimitKiB: size / 1024 + 512)
        defer { server.stop() }
        #expect(try await server.get("/healthz").status == 200)
        let visit = #"{"type":"navet.visit","occurred":"2013-09-12","note":"\#(String(repeating: "x", count: 180))","pupils":1,"teachers":1}"#
        let batch = "[" + Array(repeating: visit, count: 200).joined(separator: ",") + "]"
        var statuses: [Int] = []
        for _ in 0..<100 {
            let response = try await server.request("POST", "/api/events", headers: ["Authorization: Bearer \(token)", "Content-Type: application/json"], body: batch)
            statuses.append(response.status)
            if response.status != 201 { break }
        }
        #expect(statuses.first == 201)
        #expect(statuses.last == 503, "\(statuses)")
        let health = try await server.get("/healthz")
        #expect(health.status == 503, "\(health.body)")
        #expect(server.process.isRunning)
    }
}

/// A `registry serve` process on a free port, its output sent to `output`.
struct RunningServer {
    struct Response {
        let status: Int
        let headers: [String]
        let body: String
    }

    let process: Process
    let port: Int

    init(store: String, arguments: [String] = [], output: String = "/dev/null", fileSizeLimitKiB: Int? = nil) throws {
        port = try Self.freePort()
        process = Process()
        let serve = [RegistryBinary.url.path, "serve", "--port", String(port)] + arguments
        if let limit = fileSizeLimitKiB {
            // The shell ignores SIGXFSZ (an ignored signal stays ignored across exec), so that a
            // write past the limit fails with EFBIG instead of ending the process.
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(limit); exec \"$@\"", "bash"] + serve
        } else {
            process.executableURL = RegistryBinary.url
            process.arguments = Array(serve.dropFirst())
        }
        var environment = ProcessInfo.processInfo.environment
        environment["REGISTRY_STORE"] = store
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: output)
        try process.run()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func get(_ path: String) async throws -> Response { try await request("GET", path) }

    /// One HTTP/1.1 request on a new connection, retried while the server is starting.
    func request(_ method: String, _ path: String, headers: [String] = [], body: String = "") async throws -> Response {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let response = try send(method, path, headers: headers, body: body) { return response }
            guard process.isRunning else { throw ServeError("the server ended with status \(process.terminationStatus)") }
            guard ContinuousClock.now < deadline else { throw ServeError("no answer on port \(port)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Nil when nothing listens yet.
    private func send(_ method: String, _ path: String, headers: [String], body: String) throws -> Response? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServeError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let head = (["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close", "Content-Length: \(body.utf8.count)"] + headers)
            .joined(separator: "\r\n") + "\r\n\r\n"
        let request = Array((head + body).utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ServeError("send: errno \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ServeError("no response: \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { throw ServeError("bad status line: \(text)") }
        return Response(status: status, headers: Array(lines.dropFirst()), body: String(text[split.upperBound...]))
    }

    /// A port nothing listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ServeError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
