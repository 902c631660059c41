/// A quick health view: effective events per type in the period. A membership counts by its
/// `from`..`to` interval (§3): when the interval overlaps the period, not by its decision date.
struct EventCounts: Projection {
    static let types = EventType.allCases.filter { $0 != .retraction && $0 != .correction }
    private var counts = [Int](repeating: 0, count: EventType.allCases.count + 1)

    init(context: ProjectionContext) {
        counts[Int(EventType.membership.code)] = context.memberships.filter { $0.overlaps(context.period.first, context.period.last) }.count
    }

    mutating func add(_ record: CompactRecord) {
        guard record.type != .membership else { return } // counted from the intervals
        counts[Int(record.type.code)] += 1
    }

    mutating func finish() {}

    func rows() -> [Line] {
        Self.types.enumerated().map { Line(key: $1.rawValue, label: $1.rawValue, group: $0) }
            + [Line(key: "total", label: "Summa", group: Self.types.count)]
    }

    func columns() -> [Line] { [Line(key: "events", label: "Händelser", group: 0)] }

    func value(row: String, column: String) -> Int {
        if row == "total" { return counts.reduce(0, +) }
        guard let type = EventType(rawValue: row) else { return 0 }
        return counts[Int(type.code)]
    }

    let notes: [(key: String, value: String)] = []
}
