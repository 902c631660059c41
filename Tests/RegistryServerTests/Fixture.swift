import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Registry
import TestSupport
import Testing

@testable import RegistryServer

/// A fresh store in a temporary directory with one user per role (named after the role),
/// removed when the test ends.
struct Fixture: Sendable {
    let store: Store
    let tokens: [UserRole: String]
    let passwords: [UserRole: String]

    static func with<T>(_ body: (Fixture) async throws -> T) async throws -> T {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        var tokens: [UserRole: String] = [:], passwords: [UserRole: String] = [:]
        for role in UserRole.allCases {
            // The lowest bcrypt cost keeps the tests fast; the server reads the cost from the hash.
            let credentials = try Users.add(store: store, name: role.rawValue, role: role, cost: 4)
            (tokens[role], passwords[role]) = (credentials.token, credentials.password)
        }
        return try await body(Fixture(store: store, tokens: tokens, passwords: passwords))
    }

    func app(_ configuration: ServerConfiguration = ServerConfiguration(port: 0)) -> some ApplicationProtocol {
        var logger = Logger(label: "registry-tests")
        logger.logLevel = .warning
        return buildApplication(store: store, configuration: configuration, logger: logger)
    }

    /// Runs `body` with a browser signed in as the user of `role`, in a fresh store's app.
    static func signedIn(as role: UserRole, _ body: @Sendable (Browser, Fixture) async throws -> Void) async throws {
        try await with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn(role.rawValue, fixture.passwords[role]!)
                try await body(browser, fixture)
            }
        }
    }

    func bearer(_ role: UserRole) -> HTTPFields { [.authorization: "Bearer \(tokens[role]!)", .contentType: "application/json"] }
}

extension TestClientProtocol {
    /// Posts JSON to the API as `role` (nil: without credentials).
    func postEvents(_ json: String, as role: UserRole?, _ fixture: Fixture) async throws -> TestResponse {
        let headers: HTTPFields = role.map { fixture.bearer($0) } ?? [.contentType: "application/json"]
        return try await execute(uri: "/api/events", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String, as role: UserRole?, _ fixture: Fixture, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = role.map { fixture.bearer($0) } ?? [:]
        all.append(contentsOf: headers)
        return try await execute(uri: uri, method: .get, headers: all)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object (members by key).
    func object() throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONParser.parse(text) else { throw FixtureError("not a JSON object: \(text)") }
        return Dictionary(members, uniquingKeysWith: { first, _ in first })
    }

    func array() throws -> [[String: JSONValue]] {
        guard case .array(let items) = try JSONParser.parse(text) else { throw FixtureError("not a JSON array: \(text)") }
        return items.map { item in
            guard case .object(let members) = item else { return [:] }
            return Dictionary(members, uniquingKeysWith: { first, _ in first })
        }
    }
}

extension JSONValue {
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Events used across tests.
enum Sample {
    static func visit(id: String? = nil, municipality: String = "Borås", pupils: Int = 24, teachers: Int = 2, extra: String = "") -> String {
        let idMember = id.map { "\"id\":\"\($0)\"," } ?? ""
        return "{\(idMember)\"type\":\"navet.visit\",\"occurred\":\"2013-09-12\",\"municipality\":\"\(municipality)\",\"pupils\":\(pupils),\"teachers\":\(teachers)\(extra)}"
    }

    static func mcCase(_ caseID: String) -> String {
        "{\"type\":\"mc.case\",\"occurred\":\"2013-03-01\",\"case\":\"\(caseID)\",\"municipality\":\"1490\",\"service\":\"core\"}"
    }
}
