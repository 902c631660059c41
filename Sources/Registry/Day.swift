import EventLog
import Foundation

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// The first date input may name (SPEC §2): 1583-01-01, the first whole year of the
    /// Gregorian calendar, before which a proleptic date means nothing to anyone.
    public static let earliest = Day(ordinal: -141_349)

    /// The date, or nil when it does not exist (2013-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = Int32(era * 146_097 + doe - 719_468)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        var text = String(text) // ten bytes: a small string, no allocation
        guard let day = text.withUTF8({ Day(isoBytes: $0) }) else { return nil }
        self = day
    }

    private init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// (year, month, day), Hinnant's civil_from_days.
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { Int((Int64(ordinal) + 3) %% 7) }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + Int32(days)) }

    public var description: String {
        let (y, m, d) = components
        return String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var v = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[i] = UInt8(48 + v % 10); v /= 10
                }
            }
            put(y, 4, at: 0); buffer[4] = UInt8(ascii: "-")
            put(m, 2, at: 5); buffer[7] = UInt8(ascii: "-")
            put(d, 2, at: 8)
            return 10
        }
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Today's date in Sweden.
    public static func today(at instant: Date = Date()) -> Day {
        // Asked on every request: the calendar is consulted once a day, not every time.
        if let known = todayCache.withLock({ $0 }), known.start <= instant, instant < known.end { return known.day }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .stockholm
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        let day = Day(year: c.year!, month: c.month!, day: c.day!)!
        let start = calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day))!
        todayCache.withLock { $0 = (start, day.endInstant, day) }
        return day
    }

    private static let todayCache = Locked<(start: Date, end: Date, day: Day)?>(nil)

    /// The first instant of the next day in Stockholm: "end of this day" is just before it.
    public var endInstant: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .stockholm
        let next = adding(days: 1).components
        return calendar.date(from: DateComponents(year: next.year, month: next.month, day: next.day))!
    }

    /// 4 big-endian bytes whose byte order is date order: the day index key.
    var key: [UInt8] { withKey { Array($0) } }

    /// Calls `body` with the day index key, without an allocation.
    func withKey<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var biased = (UInt32(bitPattern: ordinal) ^ 0x8000_0000).bigEndian
        return try withUnsafeBytes(of: &biased, body)
    }

    init(key biased: UInt32) { ordinal = Int32(bitPattern: biased ^ 0x8000_0000) }
}

infix operator %%: MultiplicationPrecedence
/// Modulo with a non-negative result.
func %% (a: Int64, b: Int64) -> Int64 { ((a % b) + b) % b }

extension TimeZone {
    /// The registry's time zone: dates are Swedish dates.
    static let stockholm = TimeZone(identifier: "Europe/Stockholm")!
}

