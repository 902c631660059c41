import EventLog
import Foundation

extension Store {
    /// Builds a report from the effective events as of the chosen position (§3, §4).
    public func report(_ query: ReportQuery) throws -> Report {
        switch query.name {
        case .navet: try report(query, NavetTable.self)
        case .mc: try report(query, OutcomeMatrix.self)
        case .grants: try report(query, GrantTable.self)
        case .events: try report(query, EventCounts.self)
        case .targets: try targetsReport(query)
        }
    }

    /// The position a report reads up to. An instant after today (in Stockholm) is refused
    /// (SPEC §4): the log cannot say yet what it will hold then. Today's date, which stands for
    /// the end of today, is allowed.
    public func resolve(_ asOf: AsOf, now: Date = Date()) throws -> Position {
        switch asOf {
        case .latest: return try head().position
        case .seq(let seq): return min(seq, try head().position)
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
            if case .instant(let date) = query.asOf {
                recorded = Milliseconds((date.timeIntervalSince1970 * 1000).rounded())
            } else {
                recorded = try position > 0 ? txn.event(at: position)?.recorded : nil
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
            var rows = try main.rows(), columns = main.columns()
            if let other {
                rows += try other.rows()
                columns += other.columns()
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
            return render(main, query.period, compare: comparison)
        }
    }
}
