/// An inclusive range of occurred dates: a year, half, quarter, month, school year, or range.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public let first: Day
    public let last: Day
    /// The text it was written as (`2013-H1`), or `first..last`.
    public let label: String

    public init(first: Day, last: Day, label: String? = nil) {
        self.first = first
        self.last = last
        self.label = label ?? "\(first)..\(last)"
    }

    public var description: String { label }

    /// Parses `2013`, `2013-H1`, `2013-Q3`, `2013-05`, `2013/14`, `2013-05-14`,
    /// `2013-03-01..2013-06-30` or a range of periods such as `2012..2013`.
    public static func parse(_ text: String) throws(InputError) -> Period {
        let text = text.trimmingCharacters(in: " ")
        func fail(_ message: String) -> InputError { InputError(field: "period", "\"\(text)\": \(message)") }
        let usage = "expected 2013, 2013-H1, 2013-Q3, 2013-05, 2013/14, 2013-05-14 or 2013-03-01..2013-06-30"
        let earliest = "dates before \(Day.earliest) are not accepted"
        func year(_ part: Substring) throws(InputError) -> Int {
            guard part.count == 4, part.allSatisfy(\.isASCIIDigit), let y = Int(part) else { throw fail(usage) }
            guard y >= Day.earliest.year else { throw fail(earliest) }
            return y
        }
        if let range = text.range(of: "..") {
            let lower = text[..<range.lowerBound], upper = text[range.upperBound...]
            // `2012..2013`, `2012-Q3..2013-Q2`: from the start of one period to the end of another.
            if Day(iso: lower) == nil, Day(iso: upper) == nil, !lower.contains(".."), !upper.contains(".."),
               let from = try? parse(String(lower)), let to = try? parse(String(upper)) {
                guard from.first <= to.last else { throw fail("the range ends before it starts") }
                return Period(first: from.first, last: to.last, label: text)
            }
            guard let first = Day(iso: lower) else { throw fail("\(lower) is not a date YYYY-MM-DD that exists") }
            guard let last = Day(iso: upper) else { throw fail("\(upper) is not a date YYYY-MM-DD that exists") }
            guard first <= last else { throw fail("the range ends before it starts") }
            guard first >= .earliest else { throw fail(earliest) }
            return Period(first: first, last: last, label: text)
        }
        if let slash = text.firstIndex(of: "/") {
            let y = try year(text[..<slash])
            // The school year 9999/00 would end in a year no date has.
            guard y < 9999 else { throw fail("a school year ends by 9999") }
            let next = text[text.index(after: slash)...]
            guard (next.count == 2 && Int(next) == (y + 1) % 100) || (next.count == 4 && Int(next) == y + 1) else {
                throw fail("a school year is written 2013/14 (the second year follows the first)")
            }
            return Period(first: Day(year: y, month: 7, day: 1)!, last: Day(year: y + 1, month: 6, day: 30)!, label: text)
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let y = try year(parts[0])
        func months(_ from: Int, _ to: Int) -> Period {
            Period(first: Day(year: y, month: from, day: 1)!, last: Day(year: y, month: to, day: Day.daysIn(month: to, year: y))!, label: text)
        }
        switch parts.count {
        case 1:
            return months(1, 12)
        case 2:
            let part = parts[1].uppercased()
            if part.hasPrefix("H") {
                guard part == "H1" || part == "H2" else { throw fail("a half year is H1 or H2") }
                return part == "H1" ? months(1, 6) : months(7, 12)
            }
            if part.hasPrefix("Q") {
                guard let q = Int(part.dropFirst()), (1...4).contains(q), part.count == 2 else { throw fail("a quarter is Q1, Q2, Q3 or Q4") }
                return months(q * 3 - 2, q * 3)
            }
            guard part.count == 2, part.allSatisfy(\.isASCIIDigit), let m = Int(part) else { throw fail(usage) }
            guard (1...12).contains(m) else { throw fail("month \(part) does not exist") }
            return months(m, m)
        case 3:
            guard let day = Day(iso: text) else { throw fail("not a date YYYY-MM-DD that exists") }
            guard day >= .earliest else { throw fail(earliest) }
            return Period(first: day, last: day, label: text)
        default:
            throw fail(usage)
        }
    }

    /// The same period one year earlier (29 February becomes 28 February).
    public var yearBefore: Period {
        func back(_ day: Day) -> Day {
            let (y, m, d) = day.components
            return Day(year: y - 1, month: m, day: min(d, Day.daysIn(month: m, year: y - 1)))!
        }
        let label: String
        if let y = Int(self.label.prefix(4)), self.label.count >= 4, self.label.prefix(4).allSatisfy(\.isASCIIDigit), !self.label.contains("..") {
            var rest = String(self.label.dropFirst(4))
            if rest.hasPrefix("/") {
                rest = rest.count == 3 ? "/" + scbCodeTwoDigits(y % 100) : "/\(y)"
            } else if rest.count == 6 {
                rest = "-" + String(back(first).description.dropFirst(5))
            }
            label = "\(y - 1)\(rest)"
        } else {
            label = "\(back(first))..\(back(last))"
        }
        return Period(first: back(first), last: back(last), label: label)
    }
}

private func scbCodeTwoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
