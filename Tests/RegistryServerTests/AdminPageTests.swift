import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// The admin's pages of issue 18: roles, passwords, Swedish names, memberships.
@Suite struct AdminPageTests {
    /// The password shown once on `page`.
    static func password(on page: String) throws -> String {
        try #require(page.range(of: #"Lösenord: <code>[^<]+"#, options: .regularExpression).map { String(page[$0].dropFirst("Lösenord: <code>".count)) })
    }

    @Test func namesWithÅÄÖAreAcceptedAndSignInAndTheirTokensWork() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let admin = Browser(client)
                try await admin.signIn("admin", fixture.passwords[.admin]!)
                try await admin.get("/admin/users")
                let created = try await admin.post("/admin/users", [("name", "åsa.jönsson"), ("role", "analyst")])
                #expect(created.status == .seeOther)
                let shown = try await admin.get("/admin/users").text
                #expect(shown.contains("Användaren åsa.jönsson är skapad."))
                let password = try Self.password(on: shown)
                let token = try #require(shown.range(of: #"Token \(för API\): <code>[^<]+"#, options: .regularExpression).map { String(shown[$0].dropFirst("Token (för API): <code>".count)) })
                #expect(token.utf8.allSatisfy { $0 < 0x80 }, "a header is ASCII")

                // Signed in with the name typed decomposed, as macOS types "å".
                let åsa = Browser(client)
                #expect(try await åsa.signIn("a\u{30A}sa.jo\u{308}nsson", password).status == .seeOther)
                #expect(try await åsa.get("/reports").status == .ok)
                let report = try await client.execute(uri: "/api/reports/navet?period=2013", method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(report.status == .ok)

                // Still no spaces or signs.
                let refused = try await admin.post("/admin/users", [("name", "åsa jönsson"), ("role", "analyst")])
                #expect(refused.status == .badRequest)
                #expect(refused.text.contains("bokstäver (också å, ä, ö och é)"))
            }
        }
    }

    @Test func adminChangesARoleAndResetsAPassword() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let admin = Browser(client)
                try await admin.signIn("admin", fixture.passwords[.admin]!)
                let list = try await admin.get("/admin/users").text
                #expect(list.contains("<form method=\"post\" action=\"/admin/users/role\" class=\"inline role\">"))

                let analyst = Browser(client)
                try await analyst.signIn("analyst", fixture.passwords[.analyst]!)
                #expect(try await analyst.get("/reports").status == .ok)

                let changed = try await admin.post("/admin/users/role", [("name", "analyst"), ("role", "coach")])
                #expect(changed.status == .seeOther)
                #expect(try await admin.get("/admin/users").text.contains("analyst har nu rollen \(UserRole.coach.label)."))
                #expect(try Users.list(store: fixture.store).first { $0.name == "analyst" }?.role == .coach)
                // The new role counts at the next request.
                #expect(try await analyst.get("/reports").status == .forbidden)
                #expect(try await analyst.get("/coach").status == .ok)
                // An admin cannot demote themselves.
                let own = try await admin.post("/admin/users/role", [("name", "admin"), ("role", "analyst")])
                #expect(own.status == .badRequest)
                #expect(try Users.list(store: fixture.store).first { $0.name == "admin" }?.role == .admin)

                let reset = try await admin.post("/admin/users/password", [("name", "analyst")])
                #expect(reset.status == .seeOther)
                let shown = try await admin.get("/admin/users").text
                #expect(shown.contains("analyst har fått ett nytt lösenord."))
                let password = try Self.password(on: shown)
                #expect(!(try await admin.get("/admin/users").text.contains("Lösenord: <code>")), "shown once")
                // The old session and password are over; the new password signs in.
                #expect(try await analyst.get("/coach").status == .seeOther)
                #expect(try await Browser(client).signIn("analyst", fixture.passwords[.analyst]!).status == .unauthorized)
                #expect(try await Browser(client).signIn("analyst", password).status == .seeOther)
                // The token still works.
                #expect(try await client.get("/api/events?limit=1", as: .analyst, fixture).status != .unauthorized)
                #expect(try await admin.post("/admin/users/password", [("name", "admin")]).status == .badRequest)
            }
        }
    }

    @Test func adminAddsEndsCorrectsAndUndoesAMembership() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            func members(_ unit: Registry.Unit, on day: String) throws -> Set<String> {
                let day = try #require(Day(iso: day))
                return Set(try fixture.store.memberships().filter { $0.unit == unit && $0.overlaps(day, day) }.map(\.municipality.code))
            }
            let page = try await browser.get("/admin/memberships").text
            #expect(page.contains("<a href=\"/admin/memberships\">Medlemskap</a>"))
            #expect(page.contains("<td>Medarbetarcentrum</td><td>Borås</td>"))
            #expect(try !members(.mc, on: "2013-03-01").contains("1383"))

            // Varberg joins MC from 2013.
            let added = try await browser.post("/admin/memberships", [
                ("municipality", "Varberg"), ("unit", "mc"), ("role", "member"), ("from", "2013-01-01"), ("occurred", "2012-12-01"),
            ])
            #expect(added.status == .seeOther, "\(added.text)")
            #expect(try await browser.get(try #require(added.headers[.location])).text.contains("<strong>Sparat:</strong> Varberg · Medarbetarcentrum · medlem · från 2013-01-01"))
            #expect(try members(.mc, on: "2013-03-01").contains("1383"))
            let id = try #require(try fixture.store.events(after: 0).last?.event.id)

            // Ended on 2013-06-30: a member until then, not after.
            let ended = try await browser.post("/admin/memberships/end", [("target", id.description), ("to", "2013-06-30")])
            #expect(ended.status == .seeOther, "\(ended.text)")
            #expect(try members(.mc, on: "2013-06-30").contains("1383"))
            #expect(try !members(.mc, on: "2013-07-01").contains("1383"))
            #expect(try await browser.get("/admin/memberships").text.contains("<td class=\"d\">2013-01-01</td><td class=\"d\">2013-06-30</td>"))
            let noDay = try await browser.post("/admin/memberships/end", [("target", id.description), ("to", "")])
            #expect(noDay.status == .badRequest)
            #expect(noDay.text.contains("ange sista dagen"))
            #expect(try !members(.mc, on: "2013-07-01").contains("1383"), "still ended")

            // Corrected: the form holds the membership as it counts now.
            let form = try await browser.get("/admin/memberships/fix?id=\(id)").text
            #expect(form.contains("value=\"Varberg\"") && form.contains("value=\"2013-06-30\""))
            let fixed = try await browser.post("/admin/memberships/fix", [
                ("target", id.description), ("municipality", "1383"), ("unit", "mc"), ("role", "adjunct"), ("from", "2013-02-01"),
                ("to", "2013-12-31"), ("occurred", "2012-12-01"), ("reason", "fel datum"),
            ])
            #expect(fixed.status == .seeOther, "\(fixed.text)")
            #expect(try !members(.mc, on: "2013-01-15").contains("1383"))
            #expect(try members(.mc, on: "2013-09-01").contains("1383"))

            // Undone, it never was.
            let undone = try await browser.post("/admin/memberships/undo", [("target", id.description), ("reason", "beslutet upphävt")])
            #expect(undone.status == .seeOther)
            #expect(try !members(.mc, on: "2013-09-01").contains("1383"))
        }
    }

    @Test func onlyTheAdminManagesMemberships() async throws {
        try await Fixture.signedIn(as: .analyst) { browser, fixture in
            #expect(try await browser.get("/admin/memberships").status == .forbidden)
            let head = try fixture.store.head()
            let posted = try await browser.post("/admin/memberships", [("municipality", "Varberg"), ("unit", "mc"), ("role", "member"), ("from", "2013-01-01"), ("occurred", "2012-12-01")])
            #expect(posted.status == .forbidden)
            #expect(try fixture.store.head() == head)
        }
    }
}
