/// The MC outcome matrix: the nine outcomes × the unit's member municipalities.
struct OutcomeMatrix: Projection {
    private let members: Set<Municipality>
    /// counts[outcome][code number]
    private var counts: [[Int]] = Array(repeating: [], count: Outcome.allCases.count)
    private var byOutcome = [Int](repeating: 0, count: Outcome.allCases.count)

    init(context: ProjectionContext) {
        members = context.members(of: .mc)
        counts = Array(repeating: [Int](repeating: 0, count: 10_000), count: Outcome.allCases.count)
    }

    mutating func add(_ record: CompactRecord) {
        guard record.type == .mcOutcome else { return }
        counts[Int(record.a)][Int(record.origin)] += 1
        byOutcome[Int(record.a)] += 1
    }

    mutating func finish() {}

    func rows() -> [Line] {
        Outcome.allCases.enumerated().map { Line(key: $1.rawValue, label: $1.label, group: $0) }
            + [Line(key: "total", label: "Totalt, kommun", group: Outcome.allCases.count)]
    }

    func columns() -> [Line] {
        members.map { Line(key: $0.code, label: $0.name, group: 0, alphabetical: true) }
            + [Line(key: "total", label: "Totalt", group: 1)]
    }

    func value(row: String, column: String) -> Int {
        let outcomes = row == "total" ? Array(Outcome.allCases.indices) : Outcome.allCases.indices.filter { Outcome.allCases[$0].rawValue == row }
        if column == "total" { return outcomes.reduce(0) { $0 + byOutcome[$1] } }
        guard let code = Int(column), let municipality = Municipality.byCode(column), members.contains(municipality) else { return 0 }
        return outcomes.reduce(0) { $0 + counts[$1][code] }
    }

    let notes: [(key: String, value: String)] = []
}
