import EventLog
import Foundation

extension Store {
    /// Builds a report from the effective events as of the chosen position (§3, §4).
    public func report(_ query: ReportQuery) throws -> Report {
        switch query.name {
        case .navet: return try report(query, NavetTable.self)
        case .mc: return try report(query, OutcomeMatrix.self)
        case .grants: return try report(query, GrantTable.self)
        case .events: return try report(query, EventCounts.self)
        case .targets: return try targetsReport(query)
        }
    }

    /// The position a report reads up to. An instant after today (in Stockholm) is refused
    /// (SPEC §4): the log cannot say yet what it will hold then. Today's date, which stands for
    /// the end of today, is allowed.
    public func resolve(_ asOf: AsOf, now: Date = Date()) throws -> Position {
        switch asOf {
        case .latest: return try head().position
        case .seq(let seq):
            // A position past the head is one the log has not reached: the future.
            let head = try head().position
            guard seq <= head else { throw InputError(field: "as_of_seq", "position \(seq) is past the newest, \(head)") }
            return seq
        case .instant(let date):
            let today = Day.today(at: now)
            guard date < today.endInstant else {
                throw InputError(field: "as_of", "\(Day.today(at: date)) is in the future (today is \(today)); give a date or instant up to now")
            }
            return try position(recordedAtOrBefore: date)
        }
    }

    private func report<P: Projection>(_ query: ReportQuery, _ projection: P.Type) throws -> Report {
        let position = try resolve(query.asOf)
        return try log.read { txn in
            let effective = EffectiveEvents(store: self, txn: txn, asOf: position)
            let memberships = try effective.memberships()
            // As of an instant, the report states that instant; otherwise the position's time.
            let recorded: Milliseconds?
            let head = try position > 0 ? txn.event(at: position) : nil
            if case .instant(let date) = query.asOf {
                recorded = Milliseconds((date.timeIntervalSince1970 * 1000).rounded())
            } else {
                recorded = head?.recorded
            }
            func tally(_ period: Period) throws -> P {
                let context = ProjectionContext(period: period, memberships: memberships) { code in
                    try self.organisationName(code, in: txn)
                }
                var projection = try P(context: context)
                try effective.forEach(from: period.first, through: period.last) { projection.add($0) }
                try projection.finish()
                return projection
            }
            let main = try tally(query.period)
            let other = try query.compare.map(tally)
            let parts = try query.by.map { try Self.subPeriods(of: query.period, by: $0) } ?? []
            let series = try parts.map(tally)
            var rows = try main.rows(), columns = main.columns()
            for part in [other].compactMap({ $0 }) + series {
                rows += try part.rows()
                columns += part.columns()
            }
            let orderedRows = Line.ordered(rows), orderedColumns = Line.ordered(columns)
            func render(_ projection: P, _ period: Period, compare: Report?) -> Report {
                Report(
                    name: query.name.rawValue, period: period, asOfSeq: position, asOfRecorded: recorded,
                    columns: orderedColumns.map { Report.Column(key: $0.key, label: $0.label) },
                    rows: orderedRows.map { row in
                        Report.Row(key: row.key, label: row.label, cells: orderedColumns.map { projection.value(row: row.key, column: $0.key) })
                    },
                    notes: projection.notes, compare: compare)
            }
            let comparison = other.map { render($0, query.compare!, compare: nil) }
            var report = render(main, query.period, compare: comparison)
            report.series = zip(series, parts).map { render($0, $1, compare: nil) }
            report.headHash = head?.hashHex
            return report
        }
    }

    /// The sub-periods `--by` asks for, bounded so that a query cannot ask for a tally per
    /// month over centuries.
    static func subPeriods(of period: Period, by granularity: Granularity) throws(InputError) -> [Period] {
        let parts = period.split(by: granularity)
        guard parts.count <= maxSubPeriods else {
            throw InputError(field: "by", "\(period.label) by \(granularity.rawValue) gives \(parts.count) sub-periods; at most \(maxSubPeriods) are shown, choose a coarser split or a shorter period")
        }
        return parts
    }

    /// At most this many sub-periods in one report (40 years by quarter, 20 by month).
    static let maxSubPeriods = 240
}
