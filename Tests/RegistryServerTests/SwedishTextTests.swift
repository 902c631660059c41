import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// What the pages say: Swedish throughout, with nouns in the right number.
@Suite struct SwedishTextTests {
    @Test func countsTakeTheSingularForOne() async throws {
        #expect(1.counted("dag", "dagar") == "1 dag")
        #expect(0.counted("dag", "dagar") == "0 dagar")
        #expect(2.counted("vuxen", "vuxna") == "2 vuxna")
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("admin", fixture.passwords[.admin]!)
                let today = Day.today().description
                let training = try await browser.post("/reception", [
                    ("type", "navet.training"), ("occurred", today), ("participants", "1"), ("days", "1"),
                ])
                let saved = try await browser.get(try #require(training.headers[.location])).text
                #expect(saved.contains("1 deltagare × 1 dag"))
                #expect(!saved.contains("1 dagar"))
                let visit = try await browser.post("/reception", [
                    ("type", "navet.public"), ("occurred", today), ("children", "0"), ("adults", "1"),
                ])
                #expect(try await browser.get(try #require(visit.headers[.location])).text.contains("0 barn, 1 vuxen"))
                let school = try await browser.post("/reception", [
                    ("type", "navet.visit"), ("occurred", today), ("pupils", "1"), ("teachers", "1"),
                ])
                #expect(try await browser.get(try #require(school.headers[.location])).text.contains("1 elev, 1 lärare"))

                let report = try await browser.get("/reports?name=navet&period=\(today.prefix(4))")
                #expect(report.text.contains("motsvarar 1 lärarutbildningsdag."))

                try await browser.get("/coach")
                try await browser.post("/coach/case", [("case", "MC-P-1"), ("municipality", "1490"), ("service", "core"), ("occurred", today)])
                #expect(try await browser.get("/coach").text.contains("1 av 1 ärende, 1 öppet."))
            }
        }
    }
}
