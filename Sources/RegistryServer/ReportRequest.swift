import EventLog
import Foundation
import Registry

/// Reads a report query from URL parameters, shared by the API and the report page:
/// `period`, `compare` (a period) or `compare_year` (the same period a year before),
/// `as_of` (an instant or date) or `as_of_seq`, `by` (year, half, quarter, month).
enum ReportRequest {
    static let periodExamples = "2013, 2013-H1, 2013-Q3, 2013-05, 2013/14 or 2013-03-01..2013-06-30"

    static func query(_ name: ReportName, from parameters: FormData) throws(InputError) -> ReportQuery {
        guard let periodText = parameters.text("period") else {
            throw InputError(field: "period", "is required, e.g. \(periodExamples)")
        }
        let period = try Period.parse(periodText)
        var compare: Period?
        if let text = parameters.text("compare") {
            do { compare = try Period.parse(text) } catch { throw InputError(field: "compare", error.message) }
        } else if parameters.isChecked("compare_year") {
            compare = period.yearBefore
        }
        var asOf = AsOf.latest
        let seqText = parameters.text("as_of_seq"), asOfText = parameters.text("as_of")
        if seqText != nil, asOfText != nil {
            throw InputError(field: "as_of", "as_of and as_of_seq cannot be given together; give one of them")
        }
        if let text = seqText {
            guard let seq = Position(text) else { throw InputError(field: "as_of_seq", "must be a log position (a whole number), got \"\(text)\"") }
            asOf = .seq(seq)
        } else if let text = asOfText {
            asOf = try self.asOf(text)
        }
        var unit: Registry.Unit?
        if let text = parameters.text("unit") {
            guard name == .targets else { throw InputError(field: "unit", "is only for the targets report") }
            guard let parsed = Registry.Unit(rawValue: text) else {
                throw InputError(field: "unit", "unknown unit \"\(text)\"; expected \(Registry.Unit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            unit = parsed
        }
        var query = ReportQuery(name: name, period: period, compare: compare, asOf: asOf, unit: unit)
        if let text = parameters.text("by") {
            query.by = try Granularity.parse(text)
            guard compare == nil else { throw InputError(field: "by", "by and a comparison cannot be given together; give one of them") }
        }
        return query
    }

    /// `as_of` parsed, and refused when it lies in the future (SPEC §4): a report "as known"
    /// then would change as events come, though it claims to be fixed. A date is in the future
    /// after today (today stands for the log as it is now).
    static func asOf(_ text: String, now: Date = Date()) throws(InputError) -> AsOf {
        let today = Day.today()
        if let day = Day(iso: text) {
            guard day <= today else { throw InputError(field: "as_of", "\(text) is in the future (today is \(today))") }
            return try AsOf.parse(text)
        }
        let asOf = try AsOf.parse(text)
        if case .instant(let instant) = asOf, instant > now {
            throw InputError(field: "as_of", "\(text) is in the future (now is \(now.formatted(.iso8601)))")
        }
        return asOf
    }

    /// A download name such as `navet-2013-H1.csv`.
    static func fileName(_ report: Report, format: String) -> String {
        let period = String(report.period.label.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
        return "\(report.name)-\(period).\(format)"
    }
}
