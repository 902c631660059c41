import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

@Suite struct WebTests {
    @Test func receptionSignsInAndRecordsAVisit() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                let signIn = try await browser.signIn("reception", fixture.passwords[.reception]!)
                #expect(signIn.status == .seeOther)
                #expect(signIn.headers[.location] == "/")
                let session = try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("registry_session=") })
                #expect(session.contains("HttpOnly"))
                #expect(session.contains("SameSite=Strict"))

                #expect(try await browser.get("/").headers[.location] == "/reception")
                let form = try await browser.get("/reception")
                #expect(form.status == .ok)
                #expect(form.text.contains("<html lang=\"sv\">"))
                // Municipalities are typed with suggestions (all 290), members first.
                #expect(form.text.range(of: #"<input id="f-municipality" name="municipality"[^>]* type="text" maxlength="60" list="l-municipality""#, options: .regularExpression) != nil)
                #expect(form.text.contains("<datalist id=\"l-municipality\"><option value=\"Bollebygd\" label=\"medlemskommun\">"))
                #expect(form.text.components(separatedBy: "<option value=").count - 1 >= Municipality.all.count)
                #expect(form.text.contains("aria-current=\"page\">Temabesök</a>"))
                #expect(form.text.contains("value=\"\(Day.today())\""))
                #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

                let saved = try await browser.post("/reception", [
                    ("type", "navet.visit"), ("occurred", Day.today().description), ("municipality", "1490"),
                    ("school", "Sjöboskolan"), ("theme", "Draken Berta"), ("pupils", "23"), ("teachers", "2"),
                ])
                #expect(saved.status == .seeOther)
                let location = try #require(saved.headers[.location])
                #expect(location.contains("saved="))

                let confirmation = try await browser.get(location)
                #expect(confirmation.text.contains("id=\"confirmation\""))
                #expect(confirmation.text.contains("Borås · Sjöboskolan · tema Draken Berta · 23 elever, 2 lärare"))
                // Listed among today's entries, with undo and fix, and offered as a recent school.
                #expect(confirmation.text.contains("Dagens registreringar"))
                #expect(confirmation.text.contains("<option value=\"Sjöboskolan\">"))

                let event = try #require(try fixture.store.events(after: 0).last)
                #expect(event.event.by == "reception")
                guard case .visit(let visit) = event.event.fact else { Issue.record("not a visit"); return }
                #expect(visit.pupils == 23)
                #expect(visit.origin == .municipality(Municipality.byCode("1490")!))
            }
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRejected() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                // The sign-in form itself needs its token (repeated from a cookie).
                try await browser.get("/login")
                let forgedLogin = try await browser.post("/login", [("name", "reception"), ("password", fixture.passwords[.reception]!)], csrf: "0000")
                #expect(forgedLogin.status == .forbidden)

                try await browser.signIn("reception", fixture.passwords[.reception]!)
                let head = try fixture.store.head()
                let fields = [("type", "navet.visit"), ("occurred", Day.today().description), ("pupils", "5"), ("teachers", "1")]
                #expect(try await browser.post("/reception", fields, csrf: "").status == .forbidden)
                #expect(try await browser.post("/reception", fields, csrf: String(repeating: "a", count: 32)).status == .forbidden)
                #expect(try fixture.store.head() == head)
                #expect(try await browser.post("/reception", fields).status == .seeOther)
            }
        }
    }

    @Test func repeatedWrongPasswordsLockTheUserOut() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                for _ in 0..<LoginThrottle.allowedFailures {
                    let wrong = try await browser.signIn("analyst", "not-the-password")
                    #expect(wrong.status == .unauthorized)
                    #expect(wrong.text.contains("Fel användarnamn eller lösenord."))
                }
                let locked = try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                #expect(locked.status == .tooManyRequests)
                #expect(locked.headers[.retryAfter] != nil)
            }
        }
    }

    /// A name no user can have (empty, missing, far too long) is a wrong sign-in, not an error;
    /// the same goes for a bearer token naming one.
    @Test func aNameNoUserCanHaveIsAWrongSignIn() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                for fields in [[("name", ""), ("password", "x")], [("password", "x")], [("name", String(repeating: "a", count: 600)), ("password", "x")]] {
                    let browser = Browser(client)
                    try await browser.get("/login")
                    let response = try await browser.post("/login", fields)
                    #expect(response.status == .unauthorized, "\(fields.map(\.0))")
                    #expect(response.text.contains("Fel användarnamn eller lösenord."))
                }
                #expect(try Users.remove(store: fixture.store, name: "") == false)
            }
        }
    }

    @Test func signingInNeverLeadsToAnotherSite() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                // Browsers drop a tab from a URL: "/\t/evil.example" would be "//evil.example".
                for next in ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/reception"] {
                    let browser = Browser(client)
                    try await browser.get("/login")
                    let response = try await browser.post("/login", [("name", "reception"), ("password", fixture.passwords[.reception]!), ("next", next)])
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == (next == "/reception" ? "/reception" : "/"), "\(next)")
                }
            }
        }
    }

    @Test func pagesNeedASignInAndTheRightRole() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let anonymous = try await client.execute(uri: "/reports?name=navet&period=2013", method: .get)
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.headers[.location] == "/login?next=%2Freports%3Fname%3Dnavet%26period%3D2013")

                let browser = Browser(client)
                try await browser.signIn("coach", fixture.passwords[.coach]!)
                #expect(try await browser.get("/reception").status == .forbidden)
                #expect(try await browser.get("/reports").status == .forbidden)
                #expect(try await browser.get("/coach").status == .ok)

                // A session may read through the API but never write through it.
                let write = try await client.execute(
                    uri: "/api/events", method: .post,
                    headers: [.cookie: "registry_session=\(browser.cookies["registry_session"]!)", .contentType: "application/json"],
                    body: ByteBuffer(string: Sample.mcCase("MC-9")))
                #expect(write.status == .unauthorized)

                // Removing a user ends their session at once.
                try Users.remove(store: fixture.store, name: "coach")
                #expect(try await browser.get("/coach").status == .seeOther)
            }
        }
    }

    @Test func aFormPostedAfterTheSessionEndedSaysOnTheSignInPageThatNothingWasSaved() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let head = try fixture.store.head()
                // A session the server no longer has (it expired, or the server restarted).
                let body = "type=navet.visit&occurred=\(Day.today())&municipality=1490&pupils=23&teachers=2&csrf=0123"
                for (path, page) in [("/reception", "/reception"), ("/reception/undo", "/reception"), ("/coach/outcome", "/coach"), ("/admin/users/remove", "/admin/users")] {
                    let posted = try await client.execute(
                        uri: path, method: .post,
                        headers: [.cookie: "registry_session=expired0000", .contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: body))
                    #expect(posted.status == .seeOther)
                    // Reception's form comes back with what was typed (FormWorkTests); the others say it was not saved.
                    if path == "/reception" {
                        #expect(posted.headers[.location]?.hasPrefix("/login?unsaved=kept&next=\(page.addingPercentEncodingForQuery())%3F") == true)
                    } else {
                        #expect(posted.headers[.location] == "/login?unsaved=1&next=\(page.addingPercentEncodingForQuery())", "\(path)")
                    }
                }
                #expect(try fixture.store.head() == head)
                let login = try await client.execute(uri: "/login?unsaved=1&next=%2Freception", method: .get)
                #expect(login.text.contains("Din inloggning hade gått ut, så det du skickade sparades inte."))
                #expect(login.text.contains("name=\"next\" value=\"/reception\""))
                // A plain visit without a session says nothing of the kind.
                #expect(!(try await client.execute(uri: "/login?next=%2Freception", method: .get)).text.contains("sparades inte"))
            }
        }
    }

    @Test func receptionUndoesAndFixesTodaysEntries() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let today = Day.today().description
            for pupils in ["23", "40"] {
                try await browser.post("/reception", [("type", "navet.visit"), ("occurred", today), ("municipality", "1490"), ("pupils", pupils), ("teachers", "2")])
            }
            let events = try fixture.store.events(after: 0)
            let first = try #require(events[events.count - 2].event.id), second = try #require(events.last?.event.id)

            // Undo asks for a reason.
            let noReason = try await browser.post("/reception/undo", [("target", first.description), ("reason", "")])
            #expect(noReason.status == .badRequest)
            let undone = try await browser.post("/reception/undo", [("target", first.description), ("reason", "dubbelregistrerad")])
            #expect(undone.status == .seeOther)
            let page = try await browser.get(try #require(undone.headers[.location]))
            #expect(page.text.contains("Ångrad</strong> – dubbelregistrerad"))

            let fixForm = try await browser.get("/reception/fix?id=\(second)")
            #expect(fixForm.text.contains("value=\"40\""))
            // The event holds the code; the form shows the name.
            #expect(fixForm.text.contains("value=\"Borås\""))
            let fixed = try await browser.post("/reception/fix", [
                ("target", second.description), ("occurred", today), ("municipality", "1490"), ("pupils", "42"), ("teachers", "2"),
                ("reason", "fel antal"),
            ])
            #expect(fixed.status == .seeOther)
            // People know events by number: the confirmation and the log name the target's, never its id.
            let seqs = Dictionary(uniqueKeysWithValues: events.compactMap { e in e.event.id.map { ($0, e.seq) } })
            let saved = try await browser.get(try #require(fixed.headers[.location])).text
            let confirmed = try #require(saved.range(of: #"<div class="notice" id="confirmation"[^\n]*"#, options: .regularExpression).map { saved[$0] })
            #expect(confirmed.contains("rättar händelse \(seqs[second]!) till: Borås · 42 elever, 2 lärare · orsak: fel antal"))
            #expect(!confirmed.contains(second.description))
            try await browser.signIn("admin", fixture.passwords[.admin]!)
            let log = try await browser.get("/log").text
            #expect(log.contains("ångrar händelse \(seqs[first]!) · orsak: dubbelregistrerad"))
            #expect(log.contains("rättar händelse \(seqs[second]!) till:"))
            #expect(!log.contains(first.description) && !log.contains(second.description))
            try await browser.signIn("reception", fixture.passwords[.reception]!)

            let year = try Period.parse(String(today.prefix(4)))
            let report = try fixture.store.report(ReportQuery(name: .navet, period: year))
            #expect(report.value(row: "1490", column: "pupils") == 42)

            // A reception user may not undo what is not Navet's.
            let coachCase = try fixture.store.append([try Event.decode(json: Sample.mcCase("MC-3"), today: .today())])[0]
            let foreign = try await browser.post("/reception/undo", [("target", coachCase.event.event.id!.description), ("reason", "x")])
            #expect(foreign.status == .forbidden)
        }
    }

    @Test func anUndoReturnsToTheTabTheUserWasOn() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let saved = try await browser.post("/reception", [("type", "navet.public"), ("occurred", Day.today().description), ("children", "3"), ("adults", "2")])
            let id = try #require(try fixture.store.events(after: 0).last?.event.id).description
            let tab = try await browser.get(try #require(saved.headers[.location])).text
            #expect(tab.contains("aria-current=\"page\">Allmänheten</a>"))
            // The undo form says which tab it was sent from.
            let undoForm = try #require(tab.range(of: #"<form method="post" action="/reception/undo">[\s\S]*?</form>"#, options: .regularExpression).map { tab[$0] })
            #expect(undoForm.contains("<input type=\"hidden\" name=\"type\" value=\"navet.public\">"))

            // A refused undo stays on the tab too.
            let noReason = try await browser.post("/reception/undo", [("target", id), ("type", "navet.public"), ("reason", "")])
            #expect(noReason.status == .badRequest)
            #expect(noReason.text.contains("aria-current=\"page\">Allmänheten</a>"))

            let undone = try await browser.post("/reception/undo", [("target", id), ("type", "navet.public"), ("reason", "fel dag")])
            #expect(undone.status == .seeOther)
            let location = try #require(undone.headers[.location])
            #expect(location.hasPrefix("/reception?type=navet.public&undone="))
            let page = try await browser.get(location).text
            #expect(page.contains("<strong>Ångrat:</strong> Allmänheten"))
            #expect(page.contains("aria-current=\"page\">Allmänheten</a>"))
            #expect(page.contains("<input type=\"hidden\" name=\"type\" value=\"navet.public\">\n<h2>Allmänheten</h2>"))
        }
    }

    @Test func receptionShowsTheNoteEscapedAndShortened() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let today = Day.today().description
            let note = "Ring <b>Eva</b> om fakturan,\nhon vill ha den före den 15:e. Bussen var försenad och klassen kom en halvtimme sent."
            let saved = try await browser.post("/reception", [
                ("type", "navet.visit"), ("occurred", today), ("municipality", "1490"), ("pupils", "23"), ("teachers", "2"), ("note", note),
            ])
            let page = try await browser.get(try #require(saved.headers[.location])).text
            let shown = "<span class=\"note\">· Anteckning: Ring &lt;b&gt;Eva&lt;/b&gt; om fakturan, hon vill ha den före den 15:e. Bussen var försenad…</span>"
            let confirmation = try #require(page.range(of: #"<div class="notice" id="confirmation"[^\n]*"#, options: .regularExpression).map { page[$0] })
            #expect(confirmation.contains(shown))
            let id = try #require(try fixture.store.events(after: 0).last?.event.id)
            let row = try #require(page.range(of: #"<tr data-id="\#(id)">[\s\S]*?</tr>"#, options: .regularExpression).map { page[$0] })
            #expect(row.contains(shown))
            #expect(!page.contains("<b>Eva"))

            // A fixed entry shows the note it was fixed with.
            let fixed = try await browser.post("/reception/fix", [
                ("target", id.description), ("occurred", today), ("municipality", "1490"), ("pupils", "24"), ("teachers", "2"),
                ("note", "Fakturan skickad"), ("reason", "fel antal"),
            ])
            let after = try await browser.get(try #require(fixed.headers[.location])).text
            #expect(after.contains("<strong>Rättad</strong>"))
            #expect(after.contains("· Anteckning: Fakturan skickad</span>"))
        }
        let short = try Event.decode(json: #"{"type":"navet.public","occurred":"2013-09-12","children":1,"adults":1,"note":"kort\n\tanteckning"}"#, today: .today())
        #expect(EventSummary.note(short) == "kort anteckning")
    }

    @Test func anUndoneEntryCannotBeFixedAndThePageSaysSoUpFront() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let today = Day.today().description
            try await browser.post("/reception", [("type", "navet.visit"), ("occurred", today), ("municipality", "1490"), ("pupils", "23"), ("teachers", "2")])
            let visit = try #require(try fixture.store.events(after: 0).last)
            let id = try #require(visit.event.id).description
            // Opened in a second tab before the undo.
            let stale = try await browser.get("/reception/fix?id=\(id)")
            #expect(stale.text.contains("id=\"fix\""))
            try await browser.post("/reception/undo", [("target", id), ("reason", "dubbelregistrerad")])

            let page = try await browser.get("/reception/fix?id=\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Registreringen är ångrad och kan inte rättas."))
            #expect(page.text.contains("(händelse \(visit.seq))"))
            #expect(page.text.contains("orsaken ”dubbelregistrerad”"))
            #expect(!page.text.contains("id=\"fix\""))
            let head = try fixture.store.head()
            let saved = try await browser.post("/reception/fix", [
                ("target", id), ("occurred", today), ("municipality", "1490"), ("pupils", "24"), ("teachers", "2"), ("reason", "fel antal"),
            ])
            #expect(saved.status == .conflict)
            #expect(saved.text.contains("Registreringen är ångrad och kan inte rättas."))
            #expect(!saved.text.contains("target:"))
            #expect(try fixture.store.head() == head)
        }
    }

    @Test func rejectedFormsShowSwedishMessagesBesideTheField() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let response = try await browser.post("/reception", [
                ("type", "navet.training"), ("occurred", Day.today().description), ("participants", "12"), ("days", "0,3"),
            ])
            #expect(response.status == .badRequest)
            #expect(response.text.contains("id=\"e-days\""))
            #expect(response.text.contains("Ange antal dagar i steg om 0,25"))
            #expect(response.text.contains("value=\"12\""))

            let ok = try await browser.post("/reception", [
                ("type", "navet.training"), ("occurred", Day.today().description), ("participants", "12"), ("days", "0,5"),
            ])
            #expect(ok.status == .seeOther)

            // Every wrong field is marked at once, not one per try; the rest keep their values.
            let head = try fixture.store.head()
            let several = try await browser.post("/reception", [
                ("type", "navet.visit"), ("occurred", "2013-02-30"), ("municipality", "Borås"), ("pupils", "-3"), ("teachers", "tre"),
            ])
            #expect(several.status == .badRequest)
            for field in ["occurred", "pupils", "teachers"] { #expect(several.text.contains("id=\"e-\(field)\""), "\(field)") }
            #expect(!several.text.contains("id=\"e-municipality\""))
            #expect(several.text.contains("Kontrollera de markerade fälten."))
            #expect(several.text.contains("value=\"Borås\""))
            #expect(try fixture.store.head() == head)
        }
    }

    @Test func municipalitiesAreTypedByNameOrCodeAndUnknownOnesGetSuggestions() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            let today = Day.today().description
            func visit(_ municipality: String) async throws -> TestResponse {
                try await browser.post("/reception", [
                    ("type", "navet.visit"), ("occurred", today), ("municipality", municipality), ("school", "Sjöboskolan"),
                    ("pupils", "23"), ("teachers", "2"),
                ])
            }
            // Any case, with or without å ä ö, or the code.
            for typed in ["Borås", "borås", "BORAS", " 1490 "] {
                #expect(try await visit(typed).status == .seeOther, "\(typed)")
            }
            #expect(try await visit("Strömstad").status == .seeOther)
            let codes = try fixture.store.events(after: 0).suffix(5).compactMap { recorded -> String? in
                if case .visit(let v) = recorded.event.fact, case .municipality(let m) = v.origin { m.code } else { nil }
            }
            #expect(codes == ["1490", "1490", "1490", "1490", "1486"])

            let misspelt = try await visit("Borsa")
            #expect(misspelt.status == .badRequest)
            #expect(misspelt.text.contains("id=\"e-municipality\">Okänd kommun ”Borsa”. Menade du Borås?</div>"))
            // What was typed stays in the form.
            #expect(misspelt.text.contains("value=\"Borsa\""))
            #expect(misspelt.text.contains("value=\"Sjöboskolan\""))
            #expect(misspelt.text.contains("value=\"23\""))
            let code = try await visit("9999")
            #expect(code.text.contains("Okänd kommun ”9999”. Skriv kommunens namn eller fyrsiffriga kod."))
            #expect(!code.text.contains("unknown municipality"))

            // Grants and the coach's cases take a typed municipality too; MC offers only its members.
            try await browser.get("/grants")
            let grant = try await browser.post("/grants", [
                ("occurred", today), ("grant", "TM-9"), ("project", "Drivhuset"), ("area", "tillvaxt"), ("municipality", "ulricehamn"),
                ("amount_sek", "1000"), ("decision", "approved"),
            ])
            #expect(grant.status == .seeOther)
            let coach = try await browser.get("/coach")
            #expect(coach.text.contains("<option value=\"Borås\" label=\"medlemskommun\">"))
            #expect(!coach.text.contains("<option value=\"Strömstad\""))
            let opened = try await browser.post("/coach/case", [("case", "MC-M-1"), ("municipality", "mark"), ("service", "core"), ("occurred", today)])
            #expect(opened.status == .seeOther)
            // A case id is unique among live cases (SPEC §2): the page names the case to correct.
            let again = try await browser.post("/coach/case", [("case", "MC-M-1"), ("municipality", "mark"), ("service", "core"), ("occurred", today)])
            #expect(again.status == .badRequest)
            #expect(again.text.contains("Det finns redan ett ärende med det id:t."))
            #expect(again.text.contains("id=\"fix-existing\">Rätta det som redan finns (händelse "))
        }
    }

    @Test func textFromUsersIsEscaped() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let school = #"<script>alert("x")</script>"#
                let visit = #"{"type":"navet.visit","occurred":"\#(Day.today())","school":"<script>alert(\"x\")</script>","pupils":1,"teachers":1}"#
                #expect(try await client.postEvents(visit, as: .reception, fixture).status == .created)
                let browser = Browser(client)
                try await browser.signIn("admin", fixture.passwords[.admin]!)
                for page in ["/reception", "/log"] {
                    let text = try await browser.get(page).text
                    #expect(!text.contains(school), "\(page) shows raw markup")
                    #expect(text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "\(page)")
                }
            }
        }
    }

    @Test func coachOpensACaseAndRecordsItsOutcome() async throws {
        try await Fixture.signedIn(as: .coach) { browser, fixture in
            let page = try await browser.get("/coach")
            #expect(page.text.contains("value=\"MC-\(Day.today().year)-"))
            let today = Day.today().description
            let opened = try await browser.post("/coach/case", [("case", "MC-T-1"), ("municipality", "1490"), ("service", "core"), ("occurred", today)])
            #expect(opened.status == .seeOther)
            #expect(try await browser.get("/coach").text.contains("<option value=\"MC-T-1\" label=\"Borås · öppnat \(today)\">"))
            // Typed on a tablet: another letter case finds the case; an unknown id is named.
            let unknown = try await browser.post("/coach/outcome", [("case", "MC-T-9"), ("outcome", "studies"), ("occurred", today)])
            #expect(unknown.status == .badRequest)
            #expect(unknown.text.contains("id=\"e-outcome-case\">Det finns inget ärende ”MC-T-9”."))
            #expect(unknown.text.contains("value=\"MC-T-9\""))
            let outcome = try await browser.post("/coach/outcome", [("case", "mc-t-1"), ("outcome", "studies"), ("occurred", today)])
            #expect(outcome.status == .seeOther)
            let list = try await browser.get("/coach")
            #expect(list.text.contains("<td class=\"d\">MC-T-1</td><td>Borås</td>"))
            #expect(list.text.contains("Studier"))
            // Varberg is not an MC member: the case is refused with a message.
            let refused = try await browser.post("/coach/case", [("case", "MC-T-2"), ("municipality", "1383"), ("service", "core"), ("occurred", today)])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("inte medlem"))
        }
    }

    @Test func coachPagesThroughTheCasesAndSearchesThem() async throws {
        try await Fixture.with { fixture in
            // 250 cases, MC-T-1 oldest; every tenth in Mark, the rest in Borås.
            _ = try fixture.store.append((1...250).map { i in
                try Event.decode(json: Sample.mcCase("MC-T-\(i)").replacingOccurrences(of: "1490", with: i % 10 == 0 ? "1463" : "1490"), today: .today())
            })
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("coach", fixture.passwords[.coach]!)
                func row(_ caseID: String) -> String { "\"><td class=\"d\">\(caseID)</td>" }

                let first = try await browser.get("/coach").text
                #expect(first.contains("1–100 av 250 ärenden, 250 öppna."))
                #expect(first.contains(row("MC-T-250")) && first.contains(row("MC-T-151")) && !first.contains(row("MC-T-150")))
                #expect(first.contains("<span>Sida 1 av 3</span> <a href=\"/coach?page=2#cases\" rel=\"next\">Äldre →</a>"))
                #expect(!first.contains("rel=\"prev\""))
                #expect(first.contains("<form method=\"get\" action=\"/coach#cases\" class=\"inline\" id=\"case-search\" role=\"search\">"))

                let last = try await browser.get("/coach?page=3").text
                #expect(last.contains("201–250 av 250 ärenden, 250 öppna."))
                #expect(last.contains(row("MC-T-1")) && !last.contains(row("MC-T-51")))
                #expect(last.contains("<a href=\"/coach?page=2#cases\" rel=\"prev\">← Nyare</a>"))
                #expect(!last.contains("rel=\"next\""))
                // Past the end (or not a number): the nearest page there is.
                #expect(try await browser.get("/coach?page=99").text.contains("201–250 av 250 ärenden"))
                #expect(try await browser.get("/coach?page=x").text.contains("1–100 av 250 ärenden"))

                // By municipality (any case, with or without å ä ö) or by the beginning of the id.
                let mark = try await browser.get("/coach?q=MARK").text
                #expect(mark.contains("Sökningen ”MARK”: 1–25 av 25 ärenden, 25 öppna."))
                #expect(mark.contains(row("MC-T-250")) && !mark.contains(row("MC-T-249")))
                #expect(mark.contains("value=\"MARK\""))
                #expect(mark.contains("<a href=\"/coach#cases\">Visa alla</a>"))
                #expect(try await browser.get("/coach?q=boras").text.contains("Sökningen ”boras”: 1–100 av 225 ärenden"))
                let prefix = try await browser.get("/coach?q=mc-t-12").text
                #expect(prefix.contains("1–11 av 11 ärenden"))
                #expect(prefix.contains(row("MC-T-125")) && !prefix.contains(row("MC-T-13")))
                // The pages of a search keep it.
                #expect(try await browser.get("/coach?q=mc-t").text.contains("<a href=\"/coach?q=mc-t&amp;page=2#cases\" rel=\"next\">"))
                let none = try await browser.get("/coach?q=%3Cb%3E").text
                #expect(none.contains("Inga ärenden matchar ”&lt;b&gt;”."))
            }
        }
    }

    @Test func grantsRecordsADecision() async throws {
        try await Fixture.signedIn(as: .grants) { browser, fixture in
            try await browser.get("/grants")
            let saved = try await browser.post("/grants", [
                ("occurred", Day.today().description), ("grant", "TM-1"), ("project", "Drivhuset"), ("area", "tillvaxt"),
                ("amount_sek", "250000"), ("decision", "approved"),
            ])
            #expect(saved.status == .seeOther)
            let list = try await browser.get("/grants")
            #expect(list.text.contains("<td>Drivhuset</td>"))
            #expect(list.text.contains("250\u{202F}000"))
        }
    }

    @Test func analystSeesTheReportTableChartAndDownloads() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents("[\(Sample.visit()),\(Sample.visit(municipality: "Mark", pupils: 1200))]", as: .reception, fixture)
                let browser = Browser(client)
                try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                let page = try await browser.get("/reports?name=navet&period=2013&compare_year=on")
                #expect(page.status == .ok)
                // Each figure opens the events behind it (ReportPageTests).
                #expect(page.text.contains("<tr data-key=\"1490\"><th scope=\"row\">Borås</th><td class=\"n\" data-column=\"pupils\"><a href=\"/reports/navet/events?period=2013&amp;row=1490&amp;column=pupils&amp;as_of_seq="))
                #expect(page.text.contains("class=\"figure\">24</a></td>"))
                #expect(page.text.contains("1\u{202F}200"))
                #expect(page.text.contains("<tr data-key=\"total\" class=\"total\">"))
                #expect(page.text.contains("<svg"))
                #expect(page.text.contains("jämfört med 2012"))
                let csvLink = "/api/reports/navet?period=2013&amp;compare_year=on&amp;format=csv"
                #expect(page.text.contains(csvLink))
                let csv = try await browser.get(csvLink.replacingOccurrences(of: "&amp;", with: "&"))
                #expect(csv.status == .ok)
                #expect(csv.headers[.contentDisposition] == "attachment; filename=\"navet-2013.csv\"")

                let bad = try await browser.get("/reports?name=navet&period=2013-H7")
                #expect(bad.status == .badRequest)
                #expect(bad.text.contains("Skriv till exempel"))

                let log = try await browser.get("/log?type=navet.visit")
                #expect(log.text.contains(try fixture.store.head().hashHex))
                #expect(log.text.components(separatedBy: "<tr data-seq=").count == 3)
            }
        }
    }

    @Test func aReportAsOfADateBeforeAnythingWasRegisteredSaysSo() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                _ = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                // The store's first events are the federation's memberships, seeded when it was made.
                let first = try #require(try fixture.store.event(at: 1))
                let before = try await browser.get("/reports?name=navet&period=2013&compare_year=on&as_of=2000-01-01")
                #expect(before.status == .ok)
                #expect(before.text.contains(
                    "<p class=\"notice\" id=\"no-data\" role=\"status\">Per 2000-01-01 fanns ännu inget registrerat, så rapporten har inga siffror. "
                        + "Den första händelsen registrerades \(Stockholm.dateTime(first.recorded))."))
                // No empty table or chart, and no "event 0".
                #expect(!before.text.contains("id=\"report-table\""))
                #expect(!before.text.contains("<svg"))
                #expect(!before.text.contains("händelse 0"))

                let now = try await browser.get("/reports?name=navet&period=2013&compare_year=on")
                #expect(now.text.contains("id=\"report-table\""))
                #expect(!now.text.contains("id=\"no-data\""))
            }
        }
        // A store made without the memberships has nothing at all at first.
        #expect(ReportsController.nothingYet(asOf: nil, firstRecorded: nil) == "Inget är registrerat ännu, så rapporten har inga siffror.")
    }

    @Test func reportQuickChoicesKeepTheComparisonAndTheDate() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                _ = try await client.postEvents(Sample.visit(), as: .reception, fixture)
                let browser = Browser(client)
                try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                // The quick choices submit the form, so a box ticked since the last report counts too.
                let page = try await browser.get("/reports").text
                let form = try #require(page.range(of: #"<form method="get" action="/reports"[\s\S]*?</form>"#, options: .regularExpression).map { page[$0] })
                let lastYear = Day.today().year - 1
                #expect(form.contains("<button type=\"submit\" name=\"quick\" value=\"\(lastYear)\" class=\"quick\" formnovalidate>I fjol</button>"))
                #expect(!form.contains("<a href=\"/reports?"))
                // Enter in a field submits with the first button: it must be "Visa rapport".
                #expect(form.firstMatch(of: /<button[^>]*>([^<]*)</)?.1 == "Visa rapport")

                let quick = try await browser.get("/reports?name=navet&period=&as_of=2014-02-15&compare_year=on&quick=2013")
                #expect(quick.status == .seeOther)
                let location = try #require(quick.headers[.location])
                #expect(location == "/reports?name=navet&period=2013&compare_year=on&as_of=2014-02-15")
                let report = try await browser.get(location).text
                #expect(report.contains("value=\"on\" checked>Jämför med samma period året före"))
                #expect(report.contains("<input id=\"as_of\" name=\"as_of\" type=\"date\" value=\"2014-02-15\">"))
                #expect(report.contains("jämfört med 2012"))
                // Nothing ticked: nothing added.
                let plain = try await browser.get("/reports?name=mc&period=2013&as_of=&quick=2012")
                #expect(plain.headers[.location] == "/reports?name=mc&period=2012")
            }
        }
    }

    /// A new user's password waits in the admin's session only a short while: a page loaded
    /// too late says so and shows nothing.
    @Test func credentialsNotShownInTimeAreForgotten() async throws {
        try await Fixture.with { fixture in
            try await fixture.app(ServerConfiguration(port: 0, issuedCredentialsLifetime: .zero)).test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("admin", fixture.passwords[.admin]!)
                try await browser.get("/admin/users")
                #expect(try await browser.post("/admin/users", [("name", "eva"), ("role", "analyst")]).status == .seeOther)
                try await Task.sleep(for: .milliseconds(20))
                let late = try await browser.get("/admin/users")
                #expect(late.text.contains("Lösenordet och token för eva visades inte i tid"))
                #expect(!late.text.contains("Lösenord: <code>"))
                #expect(!(try await browser.get("/admin/users")).text.contains("visades inte i tid"))
            }
        }
    }

    @Test func adminCreatesAndRemovesUsers() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            try await browser.get("/admin/users")
            // Post, redirect, get: the credentials are shown once, and a reload re-sends nothing.
            let created = try await browser.post("/admin/users", [("name", "eva"), ("role", "analyst")])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/admin/users")
            #expect(!created.text.contains("Lösenord"))
            let shown = try await browser.get("/admin/users")
            #expect(shown.text.contains("Användaren eva är skapad."))
            let password = try #require(shown.text.range(of: #"Lösenord: <code>[^<]+"#, options: .regularExpression)
                .map { String(shown.text[$0].dropFirst("Lösenord: <code>".count)) })
            #expect(try await fixture.app().test(.router) { other in
                try await Browser(other).signIn("eva", password).status
            } == .seeOther)
            let reloaded = try await browser.get("/admin/users")
            #expect(!reloaded.text.contains("Lösenord"))
            #expect(try Users.list(store: fixture.store).contains { $0.name == "eva" && $0.role == .analyst })

            // Removing asks first; the list's button only leads to the question.
            let list = try await browser.get("/admin/users").text
            #expect(list.contains("<form method=\"get\" action=\"/admin/users/remove\" class=\"inline\">\n<input type=\"hidden\" name=\"name\" value=\"eva\">"))
            #expect(!list.contains("value=\"admin\"><button"), "no button to remove oneself")
            let question = try await browser.get("/admin/users/remove?name=eva")
            #expect(question.status == .ok)
            #expect(question.text.contains("Vill du ta bort <strong>eva</strong> (\(UserRole.analyst.label))?"))
            #expect(try Users.list(store: fixture.store).contains { $0.name == "eva" })
            // An unconfirmed post (a page from before) asks too.
            let unconfirmed = try await browser.post("/admin/users/remove", [("name", "eva")])
            #expect(unconfirmed.status == .ok)
            #expect(unconfirmed.text.contains("Vill du ta bort"))
            #expect(try Users.list(store: fixture.store).contains { $0.name == "eva" })

            let removed = try await browser.post("/admin/users/remove", [("name", "eva"), ("confirm", "yes")])
            #expect(removed.status == .seeOther)
            #expect(try !Users.list(store: fixture.store).contains { $0.name == "eva" })
            let after = try await browser.get(try #require(removed.headers[.location]))
            #expect(after.text.contains("Användaren eva är borttagen."))
            #expect(!(try await browser.get("/admin/users")).text.contains("är borttagen"), "shown once")
            let again = try await browser.post("/admin/users/remove", [("name", "eva"), ("confirm", "yes")])
            #expect(try await browser.get(try #require(again.headers[.location])).text.contains("Användaren eva fanns inte (längre)."))
            // The address carries no message: one put there by someone else is not shown.
            let spoofed = try await browser.get("/admin/users?removed=Alla%20konton&missing=x").text
            #expect(!spoofed.contains("Alla konton") && !spoofed.contains("fanns inte"))
            #expect(try await browser.get("/admin/users/remove?name=eva").status == .notFound)
            #expect(try await browser.post("/admin/users/remove", [("name", "admin"), ("confirm", "yes")]).status == .badRequest)
        }
    }
}
