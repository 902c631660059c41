import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Registry
import Testing

@testable import RegistryServer

/// Everyday work on the forms (issue 18): repeated posts, fixes on every page, fast entry.
@Suite struct FormWorkTests {
    /// The value of the hidden `name` field of the form with id `form` on `page`.
    static func hidden(_ name: String, in page: String, form: String) throws -> String {
        let start = try #require(page.range(of: "id=\"\(form)\""), "no form \(form)")
        let rest = page[start.upperBound...]
        let end = rest.range(of: "</form>")?.lowerBound ?? rest.endIndex
        let pattern = "name=\"\(name)\" value=\"([^\"]*)\""
        let found = try #require(rest[..<end].range(of: pattern, options: .regularExpression), "no \(name) in \(form)")
        return String(rest[found].dropFirst("name=\"\(name)\" value=\"".count).dropLast())
    }

    /// Posts one form body twice, as a double click or a reload does: one event, and the
    /// second answer says it was saved already.
    static func postTwice(_ browser: Browser, _ fixture: Fixture, page: String, form: String, action: String, _ fields: [(String, String)]) async throws {
        let id = try hidden("id", in: try await browser.get(page).text, form: form)
        #expect(EventID(id) != nil)
        let before = try fixture.store.head().position
        let first = try await browser.post(action, fields + [("id", id)])
        #expect(first.status == .seeOther, "\(action): \(first.text)")
        let afterFirst = try fixture.store.head().position
        #expect(afterFirst == before + 1)
        #expect(try fixture.store.event(at: afterFirst)?.event.id?.description == id)
        let confirmation = try await browser.get(try #require(first.headers[.location])).text
        #expect(confirmation.contains("<strong>Sparat:</strong>"))
        #expect(!confirmation.contains("Redan sparad"))
        // The page after saving is a new form: a new id.
        #expect(try hidden("id", in: confirmation, form: form) != id)

        let second = try await browser.post(action, fields + [("id", id)])
        #expect(second.status == .seeOther, "\(action): \(second.text)")
        #expect(try fixture.store.head().position == afterFirst)
        let again = try await browser.get(try #require(second.headers[.location])).text
        #expect(again.contains("<strong>Redan sparad:</strong>"), "\(action)")
    }

    @Test func aRepeatedPostOfOneFormMakesOneEvent() async throws {
        let today = Day.today().description
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            try await Self.postTwice(browser, fixture, page: "/reception", form: "record", action: "/reception", [
                ("type", "navet.visit"), ("occurred", today), ("municipality", "1490"), ("pupils", "23"), ("teachers", "2"),
            ])
            try await Self.postTwice(browser, fixture, page: "/coach", form: "case", action: "/coach/case", [
                ("case", "MC-D-1"), ("municipality", "1490"), ("service", "core"), ("occurred", today),
            ])
            try await Self.postTwice(browser, fixture, page: "/coach", form: "outcome", action: "/coach/outcome", [
                ("case", "MC-D-1"), ("outcome", "studies"), ("occurred", today),
            ])
            // A repeated grant id would be refused as a second decision; a repeated post is not.
            try await Self.postTwice(browser, fixture, page: "/grants", form: "decision", action: "/grants", [
                ("occurred", today), ("grant", "TM-2026-01"), ("project", "Drivhuset"), ("area", "tillvaxt"),
                ("amount_sek", "800000"), ("decision", "approved"),
            ])
            let grants = try fixture.store.events(after: 0).filter { $0.event.type == .grantDecision }
            #expect(grants.count == 1)
            try await Self.postTwice(browser, fixture, page: "/coach/activity", form: "activity", action: "/coach/activity", [
                ("kind", "presentation"), ("participants", "18"), ("occurred", today),
            ])
            try await Self.postTwice(browser, fixture, page: "/admin/memberships", form: "membership", action: "/admin/memberships", [
                ("municipality", "1499"), ("unit", "navet"), ("role", "adjunct"), ("from", today), ("occurred", today),
            ])
        }
    }

    @Test func coachFixesAndUndoesCasesAndOutcomes() async throws {
        let today = Day.today().description
        try await Fixture.signedIn(as: .coach) { browser, fixture in
            let opened = try await browser.post("/coach/case", [("case", "MC-F-1"), ("municipality", "1490"), ("service", "core"), ("occurred", today)])
            // After "Spara ärende" the outcome form is filled with the new case.
            let afterCase = try await browser.get(try #require(opened.headers[.location])).text
            #expect(try Self.section(of: afterCase, form: "outcome").contains("value=\"MC-F-1\""))
            #expect(afterCase.contains("Ifyllt med ärendet du just öppnade: MC-F-1, Borås."))

            try await browser.post("/coach/outcome", [("case", "MC-F-1"), ("outcome", "studies"), ("occurred", today)])
            let outcomeID = try #require(try fixture.store.events(after: 0).last?.event.id)
            let caseID = try #require(try fixture.store.events(after: 0).last { $0.event.type == .mcCase }?.event.id)
            let list = try await browser.get("/coach").text
            #expect(list.contains("href=\"/coach/fix?id=\(caseID)\""))
            #expect(list.contains("href=\"/coach/fix?id=\(outcomeID)\""))

            // A second outcome is refused, with a link to fix the one there is.
            let second = try await browser.post("/coach/outcome", [("case", "MC-F-1"), ("outcome", "own-business"), ("occurred", today)])
            #expect(second.status == .badRequest)
            #expect(second.text.contains("Ärendet har redan ett utfall"))
            // Named as the log names it, by its number, not by an id no page shows.
            let outcomeSeq = try #require(try fixture.store.event(id: outcomeID)?.seq)
            #expect(!second.text.contains("händelse \(outcomeID)"))
            #expect(second.text.contains("Rätta det som redan finns (händelse \(outcomeSeq))"))
            #expect(second.text.contains("<a href=\"/coach/fix?id=\(outcomeID)\" id=\"fix-existing\">"))

            // The fix form holds the outcome as it counts now; the fix replaces it.
            let fixForm = try await browser.get("/coach/fix?id=\(outcomeID)").text
            #expect(fixForm.contains("value=\"MC-F-1\""))
            #expect(fixForm.contains("<option value=\"studies\" selected>"))
            // The same page undoes it.
            #expect(fixForm.contains("<form method=\"post\" action=\"/coach/undo\" class=\"card\" id=\"undo\">"))
            let fixed = try await browser.post("/coach/fix", [
                ("target", outcomeID.description), ("case", "MC-F-1"), ("outcome", "own-business"), ("occurred", today), ("reason", "fel utfall"),
            ])
            #expect(fixed.status == .seeOther, "\(fixed.text)")
            guard case .outcome(let current)? = try fixture.store.currentVersion(of: outcomeID)?.event.fact else { Issue.record("no outcome"); return }
            #expect(current.outcome == .ownBusiness)
            #expect(current.municipality.code == "1490")
            let noReason = try await browser.post("/coach/fix", [("target", outcomeID.description), ("case", "MC-F-1"), ("outcome", "own-business"), ("occurred", today)])
            #expect(noReason.status == .badRequest)

            // Undo asks for a reason; an undone outcome cannot be fixed.
            #expect(try await browser.post("/coach/undo", [("target", outcomeID.description), ("reason", "")]).status == .badRequest)
            let undone = try await browser.post("/coach/undo", [("target", outcomeID.description), ("reason", "fel ärende")])
            #expect(undone.status == .seeOther)
            #expect(try await browser.get(try #require(undone.headers[.location])).text.contains("<strong>Ångrat:</strong>"))
            #expect(try fixture.store.currentVersion(of: outcomeID)?.retraction?.reason == "fel ärende")
            #expect(try await browser.get("/coach/fix?id=\(outcomeID)").text.contains("id=\"undone\""))
            // With the outcome undone, the case takes a new one.
            #expect(try await browser.post("/coach/outcome", [("case", "MC-F-1"), ("outcome", "own-business"), ("occurred", today)]).status == .seeOther)
            // A coach may not fix a grant decision through the coach's page.
            let grant = try fixture.store.append([try Event.decode(json: #"{"type":"grant.decision","occurred":"2013-05-01","grant":"TM-X","project":"P","area":"tillvaxt","amount_sek":1,"decision":"approved"}"#, today: .today())])[0]
            #expect(try await browser.get("/coach/fix?id=\(grant.event.event.id!)").status == .notFound)
        }
    }

    @Test func grantsFixesAndUndoesDecisionsAndOffersToFixARepeatedID() async throws {
        let today = Day.today().description
        try await Fixture.signedIn(as: .grants) { browser, fixture in
            let decision = [("occurred", today), ("grant", "TM-2026-01"), ("project", "Drivhuset"), ("area", "tillvaxt"), ("amount_sek", "800000"), ("decision", "approved")]
            try await browser.post("/grants", decision)
            let id = try #require(try fixture.store.events(after: 0).last?.event.id)
            #expect(try await browser.get("/grants").text.contains("href=\"/grants/fix?id=\(id)\""))
            let again = try await browser.post("/grants", decision)
            #expect(again.status == .badRequest)
            #expect(again.text.contains("<a href=\"/grants/fix?id=\(id)\" id=\"fix-existing\">"))
            #expect(again.text.contains("Beslut-id:t finns redan.") && !again.text.contains("händelse \(id)"))

            let form = try await browser.get("/grants/fix?id=\(id)").text
            #expect(form.contains("value=\"Drivhuset\"") && form.contains("value=\"800000\""))
            let fixed = try await browser.post("/grants/fix", [("target", id.description), ("reason", "fel belopp")] + decision.map { $0.0 == "amount_sek" ? ($0.0, "80000") : $0 })
            #expect(fixed.status == .seeOther, "\(fixed.text)")
            guard case .grant(let grant)? = try fixture.store.currentVersion(of: id)?.event.fact else { Issue.record("no decision"); return }
            #expect(grant.amountSEK == 80000)
            let undone = try await browser.post("/grants/undo", [("target", id.description), ("reason", "dubblett")])
            #expect(undone.status == .seeOther)
            #expect(try fixture.store.currentVersion(of: id)?.retraction != nil)
            #expect(!(try await browser.get("/grants").text.contains("<td>Drivhuset</td>")))
        }
    }

    @Test func theLogMarksUndoneAndCorrectedEventsAndLinksToTheirFix() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            let events = try fixture.store.append([Sample.visit(pupils: 10), Sample.visit(pupils: 20), Sample.visit(pupils: 30)].map { try Event.decode(json: $0, today: .today()) })
            let (undo, fix) = (events[0].event, events[1].event)
            let amendments = try fixture.store.append([
                try Event.decode(json: #"{"type":"retraction","occurred":"2013-09-13","target":"\#(undo.event.id!)","reason":"dubblett"}"#, today: .today()),
                try Event.decode(json: #"{"type":"correction","occurred":"2013-09-13","target":"\#(fix.event.id!)","reason":"fel","replacement":\#(Sample.visit(pupils: 21))}"#, today: .today()),
            ])
            let log = try await browser.get("/log").text
            let undoneRow = try Self.row(undo.seq, in: log), fixedRow = try Self.row(fix.seq, in: log), plainRow = try Self.row(events[2].event.seq, in: log)
            let (r, c) = (amendments[0].event.seq, amendments[1].event.seq)
            #expect(undoneRow.contains("<strong>Ångrad</strong> av <a href=\"/log?before=\(r + 1)#e-\(r)\">händelse \(r)</a>"))
            #expect(fixedRow.contains("<strong>Rättad</strong> av <a href=\"/log?before=\(c + 1)#e-\(c)\">händelse \(c)</a>"))
            #expect(!plainRow.contains("Ångrad") && !plainRow.contains("Rättad"))
            // The link leads to a page with the fix on it.
            #expect(try await browser.get("/log?before=\(r + 1)").text.contains("id=\"e-\(r)\""))
        }
    }

    /// The `<input>` of `field` (unscoped) on `page`.
    static func input(_ field: String, in page: String) -> String? {
        page.range(of: "<input id=\"f-\(field)\"[^>]*>", options: .regularExpression).map { String(page[$0]) }
    }

    /// The `<tr>` of the log row of `seq`.
    static func row(_ seq: Position, in page: String) throws -> String {
        let start = try #require(page.range(of: "<tr data-seq=\"\(seq)\""))
        let end = try #require(page[start.upperBound...].range(of: "</tr>"))
        return String(page[start.lowerBound..<end.upperBound])
    }

    /// The form with id `form` on `page`, to its end.
    static func section(of page: String, form: String) throws -> String {
        let start = try #require(page.range(of: "id=\"\(form)\""))
        let end = try #require(page[start.upperBound...].range(of: "</form>"))
        return String(page[start.lowerBound..<end.upperBound])
    }

    /// Where `id` first appears on `page` (to compare the order of fields).
    static func offset(of text: String, in page: String) throws -> Int {
        page.distance(from: page.startIndex, to: try #require(page.range(of: text), "\(text) missing").lowerBound)
    }

    @Test func receptionIsTypedKommunSkolaTemaEleverLarareWithTheFocusWhereTypingStarts() async throws {
        let today = Day.today().description
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let page = try await browser.get("/reception").text
            let order = try ["f-municipality", "f-school", "f-theme", "f-pupils", "f-teachers", "f-occurred"].map { try Self.offset(of: "id=\"\($0)\"", in: page) }
            #expect(order == order.sorted())
            #expect(page.contains("<form method=\"post\" action=\"/reception\" class=\"card\" id=\"record\" novalidate>"))
            #expect(page.components(separatedBy: " autofocus").count == 2)
            #expect(page.range(of: #"<input id="f-municipality"[^>]* autofocus"#, options: .regularExpression) != nil)

            // "Spara och ny" keeps the date, the municipality and the school; the focus goes on to the theme.
            try await browser.post("/reception", [("type", "navet.visit"), ("occurred", today), ("municipality", "Mark"), ("school", "Kinnaskolan"), ("pupils", "20"), ("teachers", "1")])
            let saved = try await browser.post("/reception", [
                ("type", "navet.visit"), ("occurred", today), ("municipality", "Borås"), ("school", "Sjöboskolan"), ("theme", "Rymden"),
                ("pupils", "23"), ("teachers", "2"), ("next", "same"),
            ])
            let next = try await browser.get(try #require(saved.headers[.location])).text
            #expect(next.contains("<strong>Sparat:</strong>"))
            for (field, kept) in [("occurred", today), ("municipality", "Borås"), ("school", "Sjöboskolan"), ("theme", ""), ("pupils", "")] {
                #expect(Self.input(field, in: next)?.contains("value=\"\(kept)\"") == true, "\(field)")
            }
            #expect(next.range(of: #"<input id="f-theme"[^>]* autofocus"#, options: .regularExpression) != nil)
            // Only Borås's schools are offered when Borås is chosen.
            #expect(next.contains("<datalist id=\"l-school\"><option value=\"Sjöboskolan\"></datalist>"))
            // A plain "Spara" starts afresh.
            let plain = try await browser.post("/reception", [("type", "navet.visit"), ("occurred", today), ("municipality", "Borås"), ("pupils", "5"), ("teachers", "1")])
            let fresh = try await browser.get(try #require(plain.headers[.location])).text
            #expect(Self.input("municipality", in: fresh)?.contains("value=\"\"") == true)
            #expect(fresh.contains("<option value=\"Kinnaskolan\">"))
        }
    }

    @Test func aRefusedFormSummarisesEveryProblemAtTheTopAndMarksTheFields() async throws {
        try await Fixture.signedIn(as: .reception) { browser, fixture in
            let refused = try await browser.post("/reception", [("type", "navet.visit"), ("occurred", "2013-02-30"), ("municipality", "Borås"), ("pupils", "-3"), ("teachers", "tre")])
            #expect(refused.status == .badRequest)
            let page = refused.text
            let summary = try #require(page.range(of: #"<div class="notice problem" role="alert" id="error-summary" tabindex="-1" autofocus>.*?</div>"#, options: .regularExpression).map { String(page[$0]) })
            #expect(summary.contains("<a href=\"#f-pupils\">Elever: Får inte vara negativt.</a>"))
            #expect(summary.contains("<a href=\"#f-teachers\">Lärare:"))
            #expect(summary.contains("<a href=\"#f-occurred\">Datum:"))
            // In the fields' order, and only the summary takes the focus.
            #expect(try Self.offset(of: "#f-pupils", in: summary) < Self.offset(of: "#f-occurred", in: summary))
            #expect(page.components(separatedBy: " autofocus").count == 2)
            #expect(page.contains("name=\"pupils\" required aria-describedby=\"e-pupils\" aria-invalid=\"true\""))
            #expect(!page.contains("name=\"municipality\" aria-describedby=\"e-municipality"))
        }
    }

    @Test func anExpiredSessionKeepsWhatWasTyped() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let head = try fixture.store.head()
                let body = "type=navet.visit&occurred=\(Day.today())&municipality=Bor%C3%A5s&school=Sj%C3%B6boskolan&pupils=23&teachers=2&csrf=0123"
                let posted = try await client.execute(
                    uri: "/reception", method: .post,
                    headers: [.cookie: "registry_session=expired0000", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body))
                #expect(posted.status == .seeOther)
                #expect(try fixture.store.head() == head)
                let location = try #require(posted.headers[.location])
                #expect(location.hasPrefix("/login?unsaved=kept&next="))
                #expect(!location.contains("csrf"))

                let browser = Browser(client)
                let login = try await browser.get(location)
                #expect(login.text.contains("det du skrev finns kvar i formuläret"))
                let next = try #require(login.text.range(of: #"name="next" value="[^"]*""#, options: .regularExpression).map { String(login.text[$0].dropFirst(#"name="next" value=""#.count).dropLast()) })
                let signedIn = try await browser.post("/login", [("name", "reception"), ("password", fixture.passwords[.reception]!), ("next", next.replacingOccurrences(of: "&amp;", with: "&"))])
                let form = try await browser.get(try #require(signedIn.headers[.location])).text
                for typed in ["value=\"Borås\"", "value=\"Sjöboskolan\"", "value=\"23\"", "value=\"2\""] { #expect(form.contains(typed), "\(typed)") }
                #expect(try await browser.post("/reception", [("type", "navet.visit"), ("occurred", Day.today().description), ("municipality", "Borås"), ("pupils", "23"), ("teachers", "2")]).status == .seeOther)
            }
        }
    }

    @Test func listsThatStopSaySoAndLinkToTheRest() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            let today = Day.today().description
            let visits = try (1...130).map { n in
                try Event.decode(json: #"{"type":"navet.visit","occurred":"\#(today)","municipality":"1490","pupils":\#(n),"teachers":1}"#, today: .today())
            }
            let grants = try (1...130).map { n in
                try Event.decode(json: #"{"type":"grant.decision","occurred":"2013-05-01","grant":"TM-\#(n)","project":"P\#(n)","area":"tillvaxt","amount_sek":\#(n),"decision":"approved"}"#, today: .today())
            }
            _ = try fixture.store.append(visits + grants)

            let reception = try await browser.get("/reception").text
            #expect(reception.contains("Visar 1–100 av 130 registreringar i dag."))
            let more = try #require(reception.range(of: #"<a href="([^"]*)" rel="next" id="more">Visa fler →</a>"#, options: .regularExpression).map { String(reception[$0]) })
            let address = try #require(more.range(of: ##"/reception\?[^"#]*"##, options: .regularExpression).map { String(more[$0]).replacingOccurrences(of: "&amp;", with: "&") })
            let rest = try await browser.get(address).text
            #expect(rest.contains("Visar 101–130 av 130 registreringar i dag."))
            // Newest first: the first page had visits 130…31, this one 30…1.
            #expect(rest.contains("· 30 elever, 1 lärare") && rest.contains("· 1 elev") && !rest.contains("· 31 elever, 1 lärare") && !rest.contains(">Visa fler"))

            let decisions = try await browser.get("/grants").text
            #expect(decisions.contains("Visar 1–100 av 130 beslut."))
            #expect(decisions.contains("<a href=\"/grants?page=2#decisions\" rel=\"next\">Äldre →</a>"))
            let older = try await browser.get("/grants?page=2").text
            #expect(older.contains("Visar 101–130 av 130 beslut.") && older.contains("<td>P1</td>") && !older.contains("<td>P31</td>"))

            let log = try await browser.get("/log").text
            #expect(log.contains("Visar 50 händelser, nr"))
            #expect(log.contains("id=\"older\">Äldre →</a>"))
        }
    }
}
