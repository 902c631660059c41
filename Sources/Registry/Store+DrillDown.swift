import EventLog

/// What has happened to an original event now: the retraction that undid it and the newest
/// correction that replaced it (each its position, nil when none).
public struct Supersession: Sendable, Equatable {
    public var retraction: Position?
    public var correction: Position?
}

extension Store {
    /// The supersessions of `originals` (their positions and occurred days) as of the head,
    /// for those that have one; read in one transaction, for a page of the log.
    public func supersessions(of originals: [(position: Position, occurred: Day)]) throws -> [Position: Supersession] {
        try log.read { txn in
            let effective = EffectiveEvents(store: self, txn: txn, asOf: try txn.head().position)
            var result: [Position: Supersession] = [:]
            for original in originals {
                let fate = try effective.fate(ofOriginal: original.position, day: original.occurred.ordinal)
                guard fate.retraction > 0 || fate.latestCorrection > 0 else { continue }
                result[original.position] = Supersession(
                    retraction: fate.retraction > 0 ? fate.retraction : nil, correction: fate.latestCorrection > 0 ? fate.latestCorrection : nil)
            }
            return result
        }
    }
}

/// One event behind a report figure: the event as it counts (an original, or the correction
/// whose replacement counts instead), and what it adds to the figure.
public struct CountedEvent: Sendable {
    /// The event at the record's position: the original, or the correction that replaced it.
    public let recorded: RecordedEvent
    /// The position of the original event.
    public let original: Position
    public let value: Int
}

/// The events behind one report figure (`Store.eventsBehind`).
public struct DrillDown: Sendable {
    public let asOfSeq: Position
    /// What the figure holds without any event of the period.
    public let base: Int
    public let events: [CountedEvent]
}

extension Store {
    /// The effective events of `period` (as of `asOf`) that make up the figure at `row` and
    /// `column` of report `name`, in log order, with what each adds: each is tallied alone by
    /// the report's own projection, so the values and `base` sum to the figure. `base` is what
    /// the figure holds with no event of the period at all (the memberships in force, which the
    /// events report counts by their intervals).
    public func eventsBehind(_ name: ReportName, period: Period, row: String, column: String, asOf: AsOf = .latest) throws -> DrillDown {
        switch name {
        case .navet: try eventsBehind(NavetTable.self, period: period, row: row, column: column, asOf: asOf)
        case .mc: try eventsBehind(OutcomeMatrix.self, period: period, row: row, column: column, asOf: asOf)
        case .grants: try eventsBehind(GrantTable.self, period: period, row: row, column: column, asOf: asOf)
        case .events: try eventsBehind(EventCounts.self, period: period, row: row, column: column, asOf: asOf)
        case .targets: throw InputError(field: "report", "the targets report has no events behind its figures to list; open a target's measure as a report instead")
        }
    }

    private func eventsBehind<P: Projection>(_ projection: P.Type, period: Period, row: String, column: String, asOf: AsOf) throws -> DrillDown {
        let position = try resolve(asOf)
        return try log.read { txn in
            let effective = EffectiveEvents(store: self, txn: txn, asOf: position)
            let context = ProjectionContext(period: period, memberships: try effective.memberships()) { code in
                try self.organisationName(code, in: txn)
            }
            var empty = try P(context: context)
            try empty.finish()
            let base = empty.value(row: row, column: column)
            var records: [CompactRecord] = []
            try effective.forEach(from: period.first, through: period.last) { records.append($0) }
            func tally(_ group: some Sequence<CompactRecord>) throws -> Int {
                var projection = try P(context: context)
                for record in group { projection.add(record) }
                try projection.finish()
                return projection.value(row: row, column: column) - base
            }
            // A tally costs a whole table, so records are tallied in groups first: by type and
            // origin (a figure of one municipality and column draws on few), and a group that adds
            // nothing is skipped whole (every report counts non-negative numbers, so no record in
            // it adds anything). Then each content in a group that adds is tallied once: records
            // alike but for where they lie in the log add the same.
            let groups = Dictionary(grouping: records) { GroupKey(type: $0.type, origin: $0.origin) }
            var found: [(CompactRecord, Int)] = []
            for group in groups.values where try tally(group) != 0 {
                var added: [ContentKey: Int] = [:]
                for record in group {
                    let key = ContentKey(record)
                    let value = try added[key] ?? tally([record])
                    added[key] = value
                    if value != 0 { found.append((record, value)) }
                }
            }
            let events = try found.sorted { $0.0.position < $1.0.position }.compactMap { record, value in
                try txn.event(at: record.position).map { CountedEvent(recorded: try RecordedEvent($0), original: record.original, value: value) }
            }
            return DrillDown(asOfSeq: position, base: base, events: events)
        }
    }
}

/// What a projection reads of a record: all of it but where it lies in the log.
private struct ContentKey: Hashable {
    let type: EventType
    let flags: UInt8
    let origin: UInt64
    let a: UInt32, b: UInt32, c: UInt32

    init(_ record: CompactRecord) {
        (type, flags, origin, a, b, c) = (record.type, record.flags, record.origin, record.a, record.b, record.c)
    }
}

/// Records of one type from one origin, tallied together before one by one.
private struct GroupKey: Hashable {
    let type: EventType
    let origin: UInt64
}
