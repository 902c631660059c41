/// The MC outcome matrix: the nine outcomes × the unit's member municipalities. `Totalt` is
/// the sum of the member columns: an outcome of a municipality that is no member in the period
/// (its membership was corrected or retracted later) has no column and counts nowhere.
struct OutcomeMatrix: Projection {
    private let members: Set<Municipality>
    /// By SCB code number.
    private let isMember: [Bool]
    /// counts[outcome][code number]
    private var counts: [[Int]] = Array(repeating: [], count: Outcome.allCases.count)
    private var byOutcome = [Int](repeating: 0, count: Outcome.allCases.count)

    init(context: ProjectionContext) {
        members = context.members(of: .mc)
        var isMember = [Bool](repeating: false, count: 10_000)
        for member in members { isMember[Int(member.code)!] = true }
        self.isMember = isMember
        counts = Array(repeating: [Int](repeating: 0, count: 10_000), count: Outcome.allCases.count)
    }

    mutating func add(_ record: CompactRecord) {
        guard record.type == .mcOutcome, record.origin < isMember.count, isMember[Int(record.origin)] else { return }
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
        guard let code = Int(column), (0..<isMember.count).contains(code) else { return 0 }
        return outcomes.reduce(0) { $0 + counts[$1][code] }
    }

    let notes: [(key: String, value: String)] = []
}
