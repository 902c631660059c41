import EventLog
import Foundation
import Registry

/// Deterministic synthetic Navet activity as JSON Lines, spread evenly over the given years.
struct Synthetic {
    static let origins = [
        #""municipality":"1490""#, #""municipality":"1443""#, #""municipality":"1463""#, #""municipality":"1465""#,
        #""municipality":"1452""#, #""municipality":"1491""#, #""municipality":"1480""#, #""municipality":"1383""#,
        #""organisation":"HB""#, "",
    ]
    var random = SeededRandom(seed: 0x2013)

    mutating func next() -> UInt64 { random.next() }

    /// One event line on `day`.
    mutating func line(on day: Day) -> String {
        let r = next()
        let origin = Self.origins[Int(r % 10)]
        let o = origin.isEmpty ? "" : origin + ","
        let n = Int(r >> 8 % 40) % 40 + 1
        switch (r >> 16) % 5 {
        case 0: return #"{"type":"navet.visit","occurred":"\#(day)",\#(o)"school":"Skola \#(n)","theme":"Draken Berta","pupils":\#(n),"teachers":2}"#
        case 1: return #"{"type":"navet.training","occurred":"\#(day)",\#(o)"programme":"Matematiklyftet","participants":\#(n),"days":"0.5"}"#
        case 2: return #"{"type":"navet.public","occurred":"\#(day)",\#(o)"children":\#(n),"adults":\#(n / 2 + 1)}"#
        case 3: return #"{"type":"navet.conference","occurred":"\#(day)",\#(o)"name":"Kuben","participants":\#(n * 5)}"#
        default: return #"{"type":"navet.lecture","occurred":"\#(day)",\#(o)"title":"Föreläsning","attendees":\#(n)}"#
        }
    }

    /// The lines of the import and decode benchmarks: `count` over 2013.
    static func lines2013(_ count: Int) -> [UInt8] {
        var generator = Synthetic()
        return generator.lines(count, from: Day(year: 2013, month: 1, day: 1)!, days: 365)
    }

    /// `count` lines, in date order, from `first` over `days` days.
    mutating func lines(_ count: Int, from first: Day, days: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 150)
        for i in 0..<count {
            out += line(on: first.adding(days: Int(Int64(i) * Int64(days) / Int64(count)))).utf8
            out.append(0x0A)
        }
        return out
    }
}
