import Testing
@testable import Registry

/// Every rule of SPEC §2, one rejected input each: the error must name the field and the problem.
@Suite("Validation")
struct ValidationTests {
    static let today = Day(year: 2026, month: 11, day: 29)!

    static func decode(_ json: String) throws(InputError) -> Event {
        try Event.decode(json: json, today: today)
    }

    static let rejected: [(json: String, field: String?, message: String)] = [
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"colour":"red"}"#, "colour", "unknown field"),
        (#"{"type":"navet.vist","occurred":"2013-09-12"}"#, "type", "unknown event type"),
        (#"{"occurred":"2013-09-12"}"#, "type", "is required"),
        // `occurred` is a common field (SPEC §2): a retraction needs it too.
        (#"{"type":"retraction","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"dubbel"}"#, "occurred", "is required"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":"24","teachers":0}"#, "pupils", "whole number"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":2.5,"teachers":0}"#, "pupils", "whole number"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":-1,"teachers":3}"#, "pupils", "negative"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":0,"teachers":0}"#, "pupils", "more than 0"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":100001,"teachers":0}"#, "pupils", "at most 100000"),
        (#"{"type":"navet.visit","occurred":"2013-02-29","pupils":1,"teachers":0}"#, "occurred", "exists"),
        (#"{"type":"navet.visit","occurred":"13-02-01","pupils":1,"teachers":0}"#, "occurred", "YYYY-MM-DD"),
        (#"{"type":"navet.visit","occurred":"2026-11-30","pupils":1,"teachers":0}"#, "occurred", "future"),
        (#"{"type":"navet.visit","pupils":1,"teachers":0}"#, "occurred", "is required"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"municipality":"Borsa"}"#, "municipality", "did you mean Borås"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"municipality":"Borås","organisation":"HB"}"#, "organisation", "not both"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"seq":4}"#, "seq", "assigned by the log"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"id":"nope"}"#, "id", "UUID"),
        (#"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":0.3}"#, "days", "steps of 0.25"),
        (#"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":0}"#, "days", "more than 0"),
        (#"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":-0.5}"#, "days", "more than 0"),
        (#"{"type":"navet.training","occurred":"2013-09-12","participants":0,"days":1}"#, "participants", "at least 1"),
        (#"{"type":"navet.public","occurred":"2013-09-14","children":0,"adults":0}"#, "children", "more than 0"),
        (#"{"type":"navet.conference","occurred":"2013-09-14","participants":0}"#, "participants", "at least 1"),
        (#"{"type":"navet.lecture","occurred":"2013-09-14","attendees":0}"#, "attendees", "at least 1"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"Anna Svensson","municipality":"Borås","service":"core"}"#, "case", "pseudonymous"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"19121212-1212","municipality":"Borås","service":"core"}"#, "case", "personal identity number"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"8001011231","municipality":"Borås","service":"core"}"#, "case", "personal identity number"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"701063-2391","municipality":"Borås","service":"core"}"#, "case", "personal identity number"),
        (#"{"type":"retraction","occurred":"2013-09-14","target":"01a22751-0db3-763e-b75c-a93ec4efd542","reason":"   "}"#, "reason", "only spaces"),
        (#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"school":" \t"}"#, "school", "leave it out"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"MC-1","service":"core"}"#, "municipality", "is required"),
        (#"{"type":"mc.case","occurred":"2013-09-14","case":"MC-1","municipality":"Borås","service":"gold"}"#, "service", "core, purchased"),
        (#"{"type":"mc.outcome","occurred":"2013-09-14","case":"MC-1","municipality":"Borås","outcome":"retired"}"#, "outcome", "stayed-after-change"),
        (#"{"type":"grant.decision","occurred":"2013-02-08","grant":"G1","project":"P","area":"miljo","amount_sek":1000000001,"decision":"approved"}"#, "amount_sek", "at most 1000000000"),
        (#"{"type":"grant.decision","occurred":"2013-02-08","grant":"G1","project":"P","area":"sport","amount_sek":1,"decision":"approved"}"#, "area", "tillvaxt"),
        (#"{"type":"membership","occurred":"2013-02-08","unit":"navet","municipality":"Borås","role":"member","from":"2013-05-01","to":"2013-04-30"}"#, "to", "before from"),
        (#"{"type":"retraction","occurred":"2013-02-08","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427"}"#, "reason", "is required"),
        (#"{"type":"retraction","occurred":"2013-02-08","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":""}"#, "reason", "must not be empty"),
        (#"{"type":"correction","occurred":"2013-02-08","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"x","replacement":{"type":"navet.visit","occurred":"2013-09-12","pupils":-2,"teachers":1}}"#, "replacement.pupils", "negative"),
        (#"{"type":"correction","occurred":"2013-02-08","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"x","replacement":{"type":"navet.visit","id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","occurred":"2013-09-12","pupils":2,"teachers":1}}"#, "replacement.id", "no id"),
        (#"{"type":"correction","occurred":"2013-02-08","target":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","reason":"x","replacement":{"type":"retraction","occurred":"2013-09-12"}}"#, "replacement.type", "cannot be"),
    ]

    @Test(arguments: rejected.indices)
    func rejectsWithFieldAndReason(_ index: Int) {
        let (json, field, message) = Self.rejected[index]
        do {
            let event = try Self.decode(json)
            Issue.record("accepted \(json) as \(event)")
        } catch {
            #expect(error.field == field, "\(json)")
            #expect(error.message.contains(message), "\(error.message) should mention \(message)")
        }
    }

    // Lookalikes: a wrong check digit ("20130915-0001", "8001011234"), month 13, 11 digits, a
    // century other than 18–20, a letter, a hyphen elsewhere.
    @Test(arguments: ["MC-2013-0507", "20130915-0001", "8001011234", "800101", "12345678901", "8013011231", "21121212-1212", "198001011231x", "1912-1212-1212", "K-8001011231"])
    func acceptsCaseIDsThatAreNoPersonalNumber(_ caseID: String) throws {
        let event = try Self.decode(#"{"type":"mc.case","occurred":"2013-09-14","case":"\#(caseID)","municipality":"Borås","service":"core"}"#)
        guard case .mcCase(let c) = event.fact else { Issue.record("not a case"); return }
        #expect(c.caseID == caseID)
    }

    /// Rules added later never refuse what the log already holds: a stored event reads back.
    @Test func storedEventsAreReadBackUnderTodaysRules() throws {
        let object: JSONObject = [
            ("type", .string("mc.case")), ("occurred", .string("2013-09-14")), ("case", .string("19121212-1212")),
            ("municipality", .string("1490")), ("service", .string("core")), ("note", .string("  ")),
            ("seq", .number("60")), ("recorded", .string("2013-09-14T10:00:00.000Z")),
        ]
        var reader = FieldReader(object: object, prefix: "", today: Day(ordinal: .max), stored: true)
        let event = try reader.event(isReplacement: false)
        #expect(event.note == "  ")
        // An outcome names a case that exists; only opening a case is checked.
        let outcome = try Self.decode(#"{"type":"mc.outcome","occurred":"2013-09-14","case":"19121212-1212","municipality":"Borås","outcome":"studies"}"#)
        guard case .outcome(let o) = outcome.fact else { Issue.record("not an outcome"); return }
        #expect(o.caseID == "19121212-1212")
    }

    /// The reader marks the fields it reads for the first 64 members only; an object with more
    /// still has its first unknown field named, wherever the known ones stand.
    @Test func anObjectWithManyFieldsNamesItsFirstUnknownOne() {
        let known = #""type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":1"#
        let unknown = (1...70).map { #""extra\#($0)":1"# }.joined(separator: ",")
        for json in ["{\(known),\(unknown)}", "{\(unknown),\(known)}"] {
            #expect { try Self.decode(json) } throws: { error in
                let error = error as? InputError
                return error?.field == "extra1" && error?.message.contains("unknown field") == true
            }
        }
    }

    @Test func rejectsLongStrings() {
        let long = String(repeating: "å", count: 201)
        #expect(throws: InputError.self) {
            try Self.decode(#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"school":"\#(long)"}"#)
        }
        let fine = String(repeating: "å", count: 200)
        #expect(throws: Never.self) {
            try Self.decode(#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"school":"\#(fine)"}"#)
        }
    }

    static func school(_ text: String) -> String {
        #"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"school":"\#(text)"}"#
    }

    /// `count` Unicode scalar values: those of `unit`, over and over.
    static func text(_ unit: String, scalars count: Int) -> String {
        let scalars = Array(unit.unicodeScalars)
        var view = String.UnicodeScalarView()
        for i in 0..<count { view.append(scalars[i % scalars.count]) }
        return String(view)
    }

    /// The limit counts Unicode scalar values (SPEC §2), not characters as Swift counts them
    /// (grapheme clusters): 200 pass and 201 do not, of 1 to 4 bytes each, standing alone or
    /// combining with the scalar before (an accent, a flag's two halves).
    @Test(arguments: ["a", "å", "€", "😀", "e\u{301}", "🇸🇪", "👩‍👩‍👧"])
    func countsUnicodeScalarValues(_ unit: String) throws {
        for count in [199, 200] {
            let event = try Self.decode(Self.school(Self.text(unit, scalars: count)))
            guard case .visit(let visit) = event.fact else { Issue.record("not a visit"); continue }
            #expect(visit.school?.unicodeScalars.count == count)
        }
        // Over 800 bytes, the message says so without counting.
        let long = Self.text(unit, scalars: 201)
        let counted = long.utf8.count <= 800 ? "201 characters long" : "\(long.utf8.count) bytes, more than 200 characters long"
        #expect { try Self.decode(Self.school(long)) } throws: { error in
            let error = error as? InputError
            return error?.field == "school" && error?.message.contains(counted) == true
        }
    }

    /// "a" and 200 combining accents are one character to Swift but 201 scalars; a text of
    /// millions of them is refused by its byte count alone; a CSV cell obeys the same limit.
    @Test func aTextOfCombiningMarksIsCountedByItsScalars() throws {
        let accented = "a" + String(repeating: "\u{301}", count: 200)
        #expect(accented.count == 1)
        #expect { try Self.decode(Self.school(accented)) } throws: { ($0 as? InputError)?.message.contains("201 characters long") == true }
        let huge = "a" + String(repeating: "\u{301}", count: 1_000_000)
        #expect { try Self.decode(Self.school(huge)) } throws: { error in
            let error = error as? InputError
            return error?.field == "school" && error?.message.contains("2000001 bytes, more than 200 characters long") == true
        }
        let csv = "type,occurred,pupils,teachers,note\nnavet.visit,2013-09-12,1,1,ok\nnavet.visit,2013-09-12,1,1,\(accented)\n"
        #expect { try CSVReader.decode(Array(csv.utf8), today: Self.today) } throws: { error in
            let error = error as? InputError
            return error?.line == 3 && error?.field == "note" && error?.message.contains("201 characters long") == true
        }
        #expect(try CSVReader.decode(Array(csv.utf8.dropLast(3)), today: Self.today).count == 2)
    }

    @Test func acceptsDaysAsNumberOrString() throws {
        for (given, quarters) in [("0.5", 2), ("\"1.25\"", 5), ("2", 8), ("\"0.75\"", 3), ("1.50", 6)] {
            let event = try Self.decode(#"{"type":"navet.training","occurred":"2013-09-12","participants":3,"days":\#(given)}"#)
            guard case .training(let training) = event.fact else { Issue.record("not a training"); continue }
            #expect(training.days.quarters == quarters)
        }
    }

    @Test func rejectsDaysThatAreNotQuarterSteps() {
        for text in ["1.", ".5", "1.2", "1.255", "1.05", "1..5", "1,5", "", "1234567", "0x1", "1e2", "1.251"] {
            #expect(TrainingDays(decimal: text) == nil, "\(text)")
        }
        for (text, quarters) in [("0.25", 1), ("1.250", 5), ("001.5", 6), ("366", 1464), ("2.0", 8), ("2.7500", 11)] {
            #expect(TrainingDays(decimal: text)?.quarters == quarters, "\(text)")
        }
    }

    @Test func stringsMustBeWellFormedUTF8() {
        let valid: [[UInt8]] = [Array("Borås".utf8), Array("𝄞 €".utf8), [0x7F], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF]]
        let invalid: [[UInt8]] = [
            [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xE2, 0x28, 0xA1],
        ]
        for bytes in valid { #expect(bytes.withUnsafeBufferPointer(isValidUTF8), "\(bytes)") }
        for bytes in invalid {
            #expect(!bytes.withUnsafeBufferPointer(isValidUTF8), "\(bytes)")
            // And the parser refuses such a string with a message.
            let json = Array(#"{"type":"navet.visit","occurred":"2013-09-12","pupils":1,"teachers":0,"school":""#.utf8) + bytes + Array(#""}"#.utf8)
            #expect(throws: JSONSyntaxError.self) { try json.withUnsafeBufferPointer { try JSONParser.parse($0) } }
        }
    }

    @Test func municipalitiesAreFoundByCodeNameOrFoldedName() throws {
        for text in ["1490", "Borås", "boras", "BORÅS", " Borås "] {
            #expect(try Municipality.lookup(text).code == "1490")
        }
        #expect(Municipality.all.count == 290)
        #expect(Set(Municipality.all.map(\.code)).count == 290)
        #expect(throws: MunicipalityLookupError.self) { try Municipality.lookup("Atlantis") }
    }

    @Test(arguments: [("Borås kommun", "Borås"), ("Marks kommun", "Mark"), ("Göteborgs stad", "Göteborg"), ("tranemo kommun", "Tranemo"), ("Håbo kommun", "Håbo"), ("Habo kommun", "Habo")])
    func aNameWithKommunOrStadSuggestsTheMunicipality(_ text: String, _ name: String) {
        #expect { try Municipality.lookup(text) } throws: { ($0 as? MunicipalityLookupError)?.suggestions == [name] }
    }

    @Test func swedishOrderPutsÅBeforeÄBeforeÖ() {
        let names = ["Övriga", "Ödeshög", "Åre", "Älmhult", "Borås", "Zzz", "Ulricehamn"]
        #expect(names.sorted(by: Municipality.swedishOrder) == ["Borås", "Ulricehamn", "Zzz", "Åre", "Älmhult", "Ödeshög", "Övriga"])
    }
}
