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
        try await Fixture.signedIn(as: .admin) { browser, fixture in
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

    @Test func reportPeriodsThatCannotBeReadAreExplainedInSwedish() async throws {
        try await Fixture.with { fixture in
            try await fixture.app().test(.router) { client in
                let browser = Browser(client)
                try await browser.signIn("analyst", fixture.passwords[.analyst]!)
                let cases = [
                    ("2013-13", "Perioden ”2013-13” går inte att läsa. Månad 13 finns inte. Skriv till exempel 2013, 2013-H1, 2013-Q3, 2013-05, 2013/14 eller 2013-03-01..2013-06-30."),
                    ("2013-05-01..2013-04-01", "Perioden slutar innan den börjar."),
                    ("2013-02-30..2013-04-01", "Datumet 2013-02-30 finns inte."),
                    ("2013-H7", "Ett halvår är H1 eller H2."),
                    ("2013-Q5", "Ett kvartal är Q1, Q2, Q3 eller Q4."),
                    ("2013/15", "Ett läsår skrivs med två år i följd, t.ex. 2013/14."),
                    ("förra året", "Perioden ”förra året” går inte att läsa. Skriv till exempel"),
                ]
                for (period, swedish) in cases {
                    let page = try await browser.get("/reports?name=navet&period=\(period.addingPercentEncodingForTest())")
                    #expect(page.status == .badRequest)
                    #expect(page.text.contains(swedish), "\(period)")
                    for english in ["does not exist", "ends before", " or 2013", "expected", "is not a date", "half year"] {
                        #expect(!page.text.contains(english), "\(period): \(english)")
                    }
                }
                let compare = try await browser.get("/reports?name=navet&period=2013&compare=2012-H7")
                #expect(compare.status == .badRequest)
                #expect(compare.text.contains("Jämförelseperioden ”2012-H7” går inte att läsa. Ett halvår är H1 eller H2."))
                #expect(!compare.text.contains("half year"))
                let asOf = try await browser.get("/reports?name=navet&period=2013&as_of=igår")
                #expect(asOf.text.contains("Datumet ”igår” går inte att läsa. Skriv det som ÅÅÅÅ-MM-DD"))
                #expect(!asOf.text.contains("RFC 3339"))
                // The API keeps its English.
                let api = try await client.get("/api/reports/navet?period=2013-13", as: .analyst, fixture)
                #expect(try api.object()["error"]?.string == "\"2013-13\": month 13 does not exist")
            }
        }
    }

    @Test func theAdminPageExplainsRefusedUserNamesInSwedish() async throws {
        try await Fixture.signedIn(as: .admin) { browser, fixture in
            try await browser.get("/admin/users")
            let taken = try await browser.post("/admin/users", [("name", "analyst"), ("role", "coach")])
            #expect(taken.status == .badRequest)
            #expect(taken.text.contains("Användaren ”analyst” finns redan. Ta bort användaren först om hen ska få nya inloggningsuppgifter."))
            #expect(!taken.text.contains("already exists"))
            // What was entered stays.
            #expect(taken.text.contains("value=\"analyst\""))
            #expect(taken.text.contains("<option value=\"coach\" selected>"))
            // Å, ä and ö are letters like the others (issue 18); a space is not.
            let invalid = try await browser.post("/admin/users", [("name", "Åsa Berg"), ("role", "analyst")])
            #expect(invalid.status == .badRequest)
            #expect(invalid.text.contains("Användarnamnet ”Åsa Berg” går inte att använda."))
            #expect(!invalid.text.contains("a user name is"))
        }
    }

    @Test func caseIDsThatAreNotPseudonymsOrOnlySpacesAreExplainedBesideTheField() async throws {
        try await Fixture.signedIn(as: .coach) { browser, fixture in
            try await browser.get("/coach")
            let today = Day.today().description
            let name = try await browser.post("/coach/case", [("case", "Anna Svensson"), ("municipality", "Borås"), ("service", "core"), ("occurred", today)])
            #expect(name.status == .badRequest)
            #expect(name.text.contains("id=\"e-case-case\">Ange ett pseudonymt id: 1–40 tecken A–Z, a–z, 0–9 eller bindestreck – aldrig namn eller personnummer."))
            let spaces = try await browser.post("/coach/case", [("case", "   "), ("municipality", "Borås"), ("service", "core"), ("occurred", today)])
            #expect(spaces.status == .badRequest)
            #expect(spaces.text.contains("id=\"e-case-case\">Måste fyllas i."))
        }
        // The domain's own words for the same (a text of only spaces, an id like a personnummer).
        let fields = [FormField("case", "Ärende-id", .text, required: true), FormField("note", "Anteckning", .text)]
        let blank = FormProblem(InputError(field: "note", "must not be empty"), fields: fields)
        #expect(blank.fieldErrors["note"] == "Måste fyllas i.")
        let spaces = FormProblem(InputError(field: "note", "must not be empty or only spaces (leave it out instead)"), fields: fields)
        #expect(spaces.fieldErrors["note"] == "Måste fyllas i.")
        let personnummer = FormProblem(
            InputError(field: "case", "looks like a personal identity number; use a pseudonymous id (never a name or personal number)"),
            fields: fields)
        #expect(personnummer.fieldErrors["case"] == "Det liknar ett personnummer. Ange ett pseudonymt id – aldrig namn eller personnummer.")
    }

    @Test func messagesNeverNameAFieldTheWayTheCodeDoes() {
        let fields = [FormField("pupils", "Elever", .count, required: true)]
        let retracted = FormProblem(InputError(field: "target", "event 01a22763-13be-4000-8000-000000000000 is already retracted"), fields: fields)
        #expect(retracted.message == "Händelsen är redan ångrad.")
        let municipality = FormProblem(InputError(field: "municipality", "is required"), fields: fields)
        #expect(municipality.message == "Kommun: Måste fyllas i.")
        let unknown = FormProblem(InputError(field: "replacement.something", "must be a whole number, got x"), fields: fields)
        #expect(unknown.message == "Ange ett heltal.")
    }
}
