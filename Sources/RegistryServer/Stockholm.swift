import EventLog
import Foundation

/// Times as people in Sweden read them.
enum Stockholm {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        // Foundation carries its own time zone data; should it lack Stockholm, the machine's
        // zone (in Sweden, the same) is better than no page.
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .current
        return calendar
    }()

    /// `14:05` for a recorded time.
    static func time(_ ms: Milliseconds) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date(ms))
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// `2013-09-12 14:05` for a recorded time.
    static func dateTime(_ ms: Milliseconds) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date(ms))
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour ?? 0, c.minute ?? 0)
    }

    private static func date(_ ms: Milliseconds) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}
