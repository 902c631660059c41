import EventLog
import Foundation

/// A rendered report (§4): columns, rows with a cell for every column, notes, and optionally
/// the same report for a comparison period.
public struct Report: Sendable {
    public struct Column: Sendable, Equatable {
        public let key: String
        public let label: String
        /// Numbers for every report but `targets`, which has text columns too.
        public var kind: Kind = .number

        /// What a column's cells hold.
        public enum Kind: Sendable, Equatable {
            /// `cells`.
            case number
            /// Free text in `texts` (a comment).
            case text
            /// A code in `texts` (a status), shown in Swedish in tables (`Report.codeLabels`).
            case code
        }
    }

    public struct Row: Sendable, Equatable {
        public let key: String
        public let label: String
        public let cells: [Int]
        /// The cells of text and code columns, by column key; absent: no value (JSON null).
        public var texts: [String: String] = [:]
        /// Number columns without a value in this row (JSON null, blank in tables).
        public var absent: Set<String> = []
    }

    public let name: String
    public let period: Period
    public let asOfSeq: Position
    public let asOfRecorded: Milliseconds?
    public let columns: [Column]
    public let rows: [Row]
    public let notes: [(key: String, value: String)]
    private let comparison: [Report]
    /// With `--by`: the same rows and columns for each sub-period (SPEC §4), else empty.
    public internal(set) var series: [Report] = []
    /// The hash of the event at `asOfSeq` (the head the report read), or nil for an empty log.
    public internal(set) var headHash: String?

    /// The comparison period's report, lined up with this one.
    public var compare: Report? { comparison.first }

    init(name: String, period: Period, asOfSeq: Position, asOfRecorded: Milliseconds?, columns: [Column], rows: [Row], notes: [(key: String, value: String)], compare: Report?) {
        self.name = name
        self.period = period
        self.asOfSeq = asOfSeq
        self.asOfRecorded = asOfRecorded
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.comparison = compare.map { [$0] } ?? []
    }

    /// The cell at `row`, `column` keys (0 when absent).
    public func value(row: String, column: String) -> Int {
        guard let c = columns.firstIndex(where: { $0.key == column }), let r = rows.first(where: { $0.key == row }) else { return 0 }
        return r.cells[c]
    }
}

/// Which reports exist.
public enum ReportName: String, CaseIterable, Sendable {
    case navet, mc, grants, events, targets

    /// The Swedish title, for pages and table headings.
    public var title: String {
        switch self {
        case .targets: "Mål och utfall"
        case .navet: "Navet – besökare per kommun"
        case .mc: "Medarbetarcentrum – utfall per kommun"
        case .grants: "Tillväxtmedel – beslut per område"
        case .events: "Händelser per typ"
        }
    }

    /// The heading of the row-label column in tables and CSV.
    var rowHeading: String {
        switch self {
        case .targets: "Mål"
        case .navet: "Kommun"
        case .mc: "Utfall"
        case .grants: "Område"
        case .events: "Typ"
        }
    }
}

/// Which log position a report reads up to.
public enum AsOf: Sendable, Equatable {
    case latest
    case seq(Position)
    case instant(Date)

    /// Parses an RFC 3339 instant or a date (the end of that day in Stockholm).
    public static func parse(_ text: String) throws(InputError) -> AsOf {
        let early = InputError(field: "as_of", "\"\(text)\" is before \(Day.earliest); dates before it are not accepted")
        if let day = Day(iso: text) {
            guard day >= .earliest else { throw early }
            return .instant(day.endInstant.addingTimeInterval(-0.001))
        }
        guard let date = instant(text) else {
            throw InputError(field: "as_of", "\"\(text)\" is not an RFC 3339 instant (2014-02-15T12:00:00Z) or a date (2014-02-15)")
        }
        // Offsets reach ±18:00 at most; the formatter would take +99:00.
        if let offset = text.suffix(6).wholeMatch(of: /[+-](\d\d):(\d\d)/) {
            guard let hours = Int(offset.1), let minutes = Int(offset.2), minutes < 60, hours * 60 + minutes <= 18 * 60 else {
                throw InputError(field: "as_of", "\"\(text)\" has the offset \(offset.0); an offset lies between -18:00 and +18:00")
            }
        }
        guard date >= Day.earliest.endInstant.addingTimeInterval(-86_400) else { throw early }
        return .instant(date)
    }

    /// An RFC 3339 instant, with or without fractional seconds.
    private static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // RFC 3339 allows "t" and "z" in lower case; the formatter takes capitals only.
        let instant = text.uppercased()
        if let date = formatter.date(from: instant) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: instant)
    }
}

/// What a report asks for.
public struct ReportQuery: Sendable {
    public var name: ReportName
    public var period: Period
    public var compare: Period?
    public var asOf: AsOf
    /// `--by`: split the period into sub-periods.
    public var by: Granularity?
    /// `targets` only: one unit's targets.
    public var unit: Unit?
    /// `targets` only: the day that decides whether a period is running (nil: today).
    public var today: Day?

    public init(name: ReportName, period: Period, compare: Period? = nil, asOf: AsOf = .latest, unit: Unit? = nil, today: Day? = nil) {
        self.name = name
        self.period = period
        self.compare = compare
        self.asOf = asOf
        self.unit = unit
        self.today = today
    }
}

/// A row or column heading with its place in the order: by `group`, then Swedish
/// alphabetical order of the label within groups that are not fixed.
struct Line: Hashable {
    let key: String
    let label: String
    let group: Int
    var alphabetical = false

    static func ordered(_ lines: [Line]) -> [Line] {
        var seen = Set<String>()
        let unique = lines.filter { seen.insert($0.key).inserted }
        return unique.sorted { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.alphabetical { return Municipality.swedishOrder(a.label, b.label) }
            return false
        }
    }
}

/// What a projection may consult while folding and laying out.
struct ProjectionContext {
    let period: Period
    let memberships: [Membership]
    let organisationName: (UInt64) throws -> String

    /// Municipalities that belong to `unit` at some time in the period.
    func members(of unit: Unit) -> Set<Municipality> {
        Set(memberships.filter { $0.unit == unit && $0.overlaps(period.first, period.last) }.map(\.municipality))
    }
}

/// A report's fold over effective records, then its layout: a projection is a fold
/// `(state, record) -> state` plus the rows and columns it needs.
protocol Projection {
    init(context: ProjectionContext) throws
    mutating func add(_ record: CompactRecord)
    /// Called once after the fold (resolves names).
    mutating func finish() throws
    /// Rows and columns this period needs (the report takes the union over compared periods).
    func rows() throws -> [Line]
    func columns() -> [Line]
    func value(row: String, column: String) -> Int
    var notes: [(key: String, value: String)] { get }
}
