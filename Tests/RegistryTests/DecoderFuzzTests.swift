import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

/// A seeded fuzz test of the decoders, run in CI for a bounded time (issue 14): inputs mutated
/// from a seed corpus of valid events and of JSON that conformance suites such as
/// JSONTestSuite probe (written here, not copied: deep nesting, huge and odd numbers, lone
/// surrogates, overlong and invalid UTF-8, raw control characters, BOMs, trailing commas,
/// duplicate keys …) go through the JSON parser, the event decoder (the fast path and the full
/// parser) and the CSV reader. Every outcome is an event or an `InputError`/`JSONSyntaxError`:
/// never a crash, a hang or another error; and an event decoded once decodes again from its
/// canonical form to the same bytes. `REGISTRY_FUZZ_SEED` picks another seed,
/// `REGISTRY_FUZZ_SECONDS` another time budget (default 10 s).
@Suite("Decoder fuzzing")
struct DecoderFuzzTests {
    static let events = [
        #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","school":"Sjöbo skola","theme":"Draken Berta","pupils":24,"teachers":2}"#,
        #"{"type":"navet.training","occurred":"2013-10-01","organisation":"HB","programme":"Kunskap och känsla","participants":30,"days":"1.25"}"#,
        #"{"type":"navet.public","occurred":"2013-11-02","children":40,"adults":22,"note":"\"id\": in a note \\ \u0007"}"#,
        #"{"type":"navet.conference","occurred":"2013-05-20","name":"Kuben","participants":120}"#,
        #"{"type":"navet.lecture","occurred":"2013-03-14","municipality":"1490","title":"Rymden","attendees":80}"#,
        #"{"type":"mc.case","occurred":"2013-01-10","case":"C-1","municipality":"boras","service":"core","gender":"female"}"#,
        #"{"type":"mc.outcome","occurred":"2013-03-01","case":"C-1","municipality":"Borås","outcome":"studies"}"#,
        #"{"type":"grant.decision","occurred":"2013-02-08","grant":"TM-2013-01","project":"VO-college","area":"utbildning","amount_sek":250000,"decision":"approved","funding":"mixed"}"#,
        #"{"type":"membership","occurred":"2013-01-01","unit":"mc","municipality":"Mark","role":"member","from":"2013-01-01","to":"2014-06-30"}"#,
        #"{"type":"retraction","occurred":"2013-09-13","target":"0190f3c2-7a5e-7000-8000-000000000001","reason":"dubbel"}"#,
        #"{"type":"correction","occurred":"2013-09-13","target":"0190f3c2-7a5e-7000-8000-000000000001","reason":"fel","replacement":{"type":"navet.public","occurred":"2013-11-02","children":41,"adults":22}}"#,
    ]

    /// JSON that conformance suites probe, each byte sequence written out here.
    static let tricky: [[UInt8]] = [
        "[]", "{}", "[{}]", "\"", "{\"a\":}", "{\"a\" 1}", "{,}", "[1,]", "{\"a\":1,}", "[1 2]", "{'a':1}", "{\"a\":1}}",
        "[-]", "[-0]", "[-0.0e-0]", "[1e999]", "[-1e-999]", "[0.1e+]", "[01]", "[+1]", "[.5]", "[1.]", "[NaN]", "[Infinity]",
        "[123456789012345678901234567890]", "[1E400]", "[0x10]", "[\"\\ud800\"]", "[\"\\udc00\\ud800\"]", "[\"\\ud83d\\ude00\"]",
        "[\"\\u0000\"]", "[\"\\uqqqq\"]", "[\"\\x41\"]", "[\"\\'\"]", "[\"a\tb\"]", "[\"\\/\"]", "[\"\u{2028}\u{2029}\"]",
        "{\"type\":\"navet.visit\",\"type\":\"navet.visit\"}", "{\"\":1}", "{\"type\":null}", "{\"type\":true}", "[null, true, false]",
        "\u{FEFF}{}", " \r\n\t{}", "{}\u{00A0}", "/* c */ {}", "{} // c", String(repeating: "[", count: 10_000),
        String(repeating: "{\"a\":", count: 5_000), "[\"" + String(repeating: "\\u00e5", count: 5_000) + "\"]",
    ].map { Array($0.utf8) } + [
        [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D], // overlong NUL
        [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], // an encoded surrogate
        [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], // past U+10FFFF
        [0x5B, 0x22, 0xE6, 0x22, 0x5D], // a truncated sequence
        [0x5B, 0x22, 0xFF, 0x22, 0x5D], [0x5B, 0x22, 0x80, 0x22, 0x5D], [0x7B, 0x00, 0x7D], [0xEF, 0xBB],
    ]

    static let csv = [
        "type,occurred,municipality,pupils,teachers\nnavet.visit,2013-09-12,Borås,24,2\n",
        "\u{FEFF}type;occurred;municipality;pupils;teachers\r\nnavet.visit;2013-09-12;\"Bor\"\"ås\";24;2\r\n",
        "type,occurred,children,adults,note\nnavet.public,2013-09-14,3,1,\"a,\nb\"\n",
    ].map { Array($0.utf8) }

    static var seed: UInt64 { ProcessInfo.processInfo.environment["REGISTRY_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED_2013 }
    static var seconds: Double { ProcessInfo.processInfo.environment["REGISTRY_FUZZ_SECONDS"].flatMap(Double.init) ?? 10 }

    @Test func mutatedInputEndsInAnEventOrANamedError() throws {
        var rng = SeededRandom(seed: Self.seed)
        let corpus = Self.events.map { Array($0.utf8) } + Self.tricky
        let deadline = Date().addingTimeInterval(Self.seconds)
        var runs = 0, decoded = 0, csvRuns = 0
        let today = Day.today()
        while Date() < deadline || runs < 2_000 {
            var input = corpus.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                input = Self.mutate(input, other: corpus.randomElement(using: &rng)!, using: &rng)
            }
            runs += 1
            // The JSON parser on its own.
            _ = input.withUnsafeBufferPointer { try? JSONParser.parse($0) }
            // The event decoder: the fast path and, where it declines, the full parser.
            let event: Event?
            do throws(InputError) {
                event = try input.withUnsafeBufferPointer { (bytes) throws(InputError) in try Event.decode(json: bytes, today: today) }
            } catch {
                #expect(!error.description.isEmpty)
                event = nil
            }
            if let event {
                decoded += 1
                // What decoded once decodes again from its canonical form to the same bytes.
                let canonical = CanonicalTemplate(event).render(seq: 1, recorded: 0)
                let again = try canonical.withUnsafeBufferPointer { try Event.decode(json: $0, today: today, stored: true) }
                #expect(CanonicalTemplate(again).render(seq: 1, recorded: 0) == canonical, "\(String(decoding: input, as: UTF8.self))")
            }
            // The file readers: JSON Lines (several lines at once) and CSV.
            if runs % 8 == 0 {
                let file = input + [0x0A] + corpus.randomElement(using: &rng)!
                do { _ = try Store.decodeLines(file, today: today) } catch is InputError {}
                var sheet = Self.csv.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...3, using: &rng) { sheet = Self.mutate(sheet, other: input, using: &rng) }
                csvRuns += 1
                do { _ = try Store.decodeLines(sheet, today: today) } catch is InputError {}
            }
        }
        #expect(decoded > 0, "no mutated input decoded: the corpus lost its valid events")
        print("decoder fuzzing: \(runs) inputs, \(decoded) decoded, \(csvRuns) CSV files, seed \(Self.seed)")
    }

    static func mutate(_ input: [UInt8], other: [UInt8], using rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case 1 where !bytes.isEmpty: bytes.remove(at: position)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
        case 3: bytes.insert(contentsOf: Array("\"{}[],:\\0-.eE\u{FEFF}".utf8).shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)), at: position)
        case 4 where !other.isEmpty:
            let from = Int.random(in: 0..<other.count, using: &rng)
            bytes.insert(contentsOf: other[from..<min(other.count, from + Int.random(in: 1...40, using: &rng))], at: position)
        case 5 where bytes.count > 2:
            let end = Int.random(in: position...bytes.count, using: &rng)
            bytes.insert(contentsOf: bytes[position..<end], at: end)
        case 6:
            // A number at a bound, or a string at a length limit, where a value was.
            let values = ["100000", "100001", "-1", "0", "1e5", "18446744073709551616", "\"" + String(repeating: "é", count: 200) + "\"", "\"" + String(repeating: "😀", count: 201) + "\""]
            bytes.insert(contentsOf: Array(values.randomElement(using: &rng)!.utf8), at: position)
        default:
            bytes = Array(bytes.prefix(position))
        }
        return bytes
    }
}
