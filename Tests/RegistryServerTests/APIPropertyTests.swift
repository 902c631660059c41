import Foundation
import Hummingbird
import HummingbirdTesting
import PropertyBased
import Registry
import TestSupport
import Testing

@testable import RegistryServer

/// The write-path properties over HTTP (issue 14): hostile scenarios posted to the API, one
/// event or a whole array at a time, get 201, 200, 400, 403, 409 or 413 with a problem body —
/// never a 5xx — and afterwards the store verifies, holds exactly the acknowledged events, and
/// takes the next one.
@Suite("API properties")
struct APIPropertyTests {
    @Test func anyScenarioOverHTTPLeavesAVerifiedWritableStore() async throws {
        await propertyCheck(count: 40, input: AttackEvents.scenario(steps: 1...30)) { steps in
            do {
                try await Self.run(steps)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func run(_ steps: [AttackEvents.Step]) async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                var acknowledged: [String] = []
                var appends: [String] = []
                for step in steps {
                    guard case .append(let json, _) = step else { continue }
                    appends.append(json)
                    // Every other event goes alone, the rest in arrays of three (all or nothing).
                    let body = appends.count % 2 == 0 ? json : "[" + appends.suffix(3).joined(separator: ",") + "]"
                    let response = try await client.postEvents(body, as: .admin, fixture)
                    let status = response.status.code
                    #expect([200, 201, 400, 403, 409, 413].contains(status), "\(status) for \(body.prefix(300)): \(response.text.prefix(300))")
                    if status >= 400 {
                        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                        #expect(try response.object()["detail"]?.string?.isEmpty == false)
                    }
                    // Bad input is always named by its field.
                    if status == 400 {
                        #expect(try response.object()["field"]?.string?.isEmpty == false, "\(response.text.prefix(300))")
                    }
                    if status == 201 {
                        let created: [[String: JSONValue]] = body.hasPrefix("[") ? try response.array() : [try response.object()]
                        acknowledged += created.compactMap { $0["id"]?.string }
                    }
                }
                #expect(try fixture.store.verify().position == fixture.store.head().position)
                var bytes: [UInt8] = []
                try fixture.store.export(after: 0) { bytes += $0 }
                let exported = String(decoding: bytes, as: UTF8.self)
                for id in acknowledged { #expect(exported.contains(#""id":"\#(id)""#), "acknowledged \(id) is not in the log") }
                let next = try await client.postEvents(
                    #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","pupils":24,"teachers":2}"#, as: .reception, fixture)
                #expect(next.status == .created)
            }
        }
    }
}
