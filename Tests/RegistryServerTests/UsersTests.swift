import EventLog
import Foundation
import Hummingbird
import Registry
import TestSupport
import Testing

@testable import RegistryServer

@Suite struct UsersTests {
    @Test func addingAUserKeepsOnlyHashes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let credentials = try Users.add(store: store, name: "anna", role: .reception, cost: 4)
        #expect(credentials.password.wholeMatch(of: /[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}/) != nil)
        #expect(credentials.token.hasPrefix("anna."))
        #expect(Token.parse(credentials.token)?.user == "anna")

        let record = String(decoding: try #require(try store.userRecord("anna")), as: UTF8.self)
        #expect(!record.contains(credentials.password))
        #expect(!record.contains(String(credentials.token.dropFirst("anna.".count))))
        #expect(record.contains("\"role\":\"reception\""))

        #expect(try Users.list(store: store).map(\.name) == ["anna"])
        #expect(throws: InputError.self) { try Users.add(store: store, name: "anna", role: .coach, cost: 4) }
        #expect(throws: InputError.self) { try Users.add(store: store, name: "an na", role: .coach, cost: 4) }
        #expect(try Users.remove(store: store, name: "anna"))
        #expect(try !Users.remove(store: store, name: "anna"))
        #expect(try Users.list(store: store).isEmpty)
    }

    @Test func tokensAreCheckedOnceThenRemembered() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let credentials = try Users.add(store: store, name: "bo", role: .analyst, cost: 4)
        let users = UserDirectory(store: store, decoyCost: 4)
        #expect(try await users.user(token: credentials.token)?.role == .analyst)
        #expect(try await users.user(token: credentials.token)?.name == "bo")
        #expect(try await users.user(token: "bo.0000") == nil)
        #expect(try await users.user(token: "nobody.\(String(repeating: "0", count: 64))") == nil)
        #expect(try await users.user(name: "bo", password: credentials.password)?.role == .analyst)
        #expect(try await users.user(name: "bo", password: "wrong") == nil)

        // A changed role counts at the next request, though the token is remembered.
        var record = try #require(try store.user(named: "bo"))
        record.role = .reception
        try store.putUser("bo", record: record.encoded())
        #expect(try await users.user(token: credentials.token)?.role == .reception)

        // New credentials under the same name: the remembered token no longer counts.
        try Users.remove(store: store, name: "bo")
        #expect(try await users.user(token: credentials.token) == nil)
        _ = try Users.add(store: store, name: "bo", role: .analyst, cost: 4)
        #expect(try await users.user(token: credentials.token) == nil)
    }

    @Test func theBearerTokenIsWhatFollowsBearerAndASpace() {
        func token(_ value: String) -> String? { HTTPFields([HTTPFields.Element(name: .authorization, value: value)]).bearerToken }
        #expect(token("Bearer bo.0123") == "bo.0123")
        #expect(token("Bearer åsa.01") == "åsa.01")
        #expect(token("Basic Ym86cHc=") == nil)
        #expect(token("Bearer") == nil)
        #expect(HTTPFields().bearerToken == nil)
    }

    @Test func wrongTokensAreThrottledButRememberedTokensStillWork() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let cy = try Users.add(store: store, name: "cy", role: .grants, cost: 4)
        let dag = try Users.add(store: store, name: "dag", role: .grants, cost: 4)
        let users = UserDirectory(store: store, decoyCost: 4)
        let attacker = { "10.0.0.66" }
        #expect(try await users.user(token: cy.token) != nil)
        for _ in 0..<LoginThrottle.allowedFailures {
            #expect(try await users.user(token: "cy.\(String(repeating: "f", count: 64))", address: attacker) == nil)
            #expect(try await users.user(token: "dag.\(String(repeating: "f", count: 64))", address: attacker) == nil)
        }
        #expect(try await users.user(token: cy.token, address: attacker)?.name == "cy")
        // dag's valid token is not locked out by wrong ones in dag's name (the name alone
        // locked dag out everywhere before).
        #expect(try await users.user(token: dag.token, address: { "10.0.0.7" })?.name == "dag")
    }

    @Test func theThrottleLocksAfterFiveFailuresAndDoublesTheWait() {
        let clock = Locked(ContinuousClock.now)
        let throttle = LoginThrottle(now: { clock.withLock { $0 } })
        let keys = ["user:eva", "address:10.0.0.1"]
        for _ in 0..<4 { throttle.fail(keys) }
        #expect(throttle.wait(for: keys) == nil)
        throttle.fail(keys)
        #expect(throttle.wait(for: ["address:10.0.0.1"]) == .seconds(60))
        clock.withLock { $0 += .seconds(61) }
        #expect(throttle.wait(for: keys) == nil)
        throttle.fail(keys)
        #expect(throttle.wait(for: keys) == .seconds(120))
        throttle.succeed(keys)
        #expect(throttle.wait(for: keys) == nil)
    }
}
