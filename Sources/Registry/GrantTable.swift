/// Growth-grant decisions per area: applications, approved (count and SEK), rejected.
struct GrantTable: Projection {
    static let columnKeys = ["applications", "approved", "approved_sek", "rejected"]
    static let columnLabels = ["Ansökningar", "Beviljade", "Beviljat belopp (kr)", "Avslag"]
    /// cells[area][column]
    private var cells = Array(repeating: [Int](repeating: 0, count: 4), count: Area.allCases.count)

    init(context: ProjectionContext) {}

    mutating func add(_ record: CompactRecord) {
        guard record.type == .grantDecision else { return }
        let area = Int(record.b)
        cells[area][0] += 1
        if Decision.allCases[Int(record.c & 0xFF)] == .approved {
            cells[area][1] += 1
            cells[area][2] += Int(record.a)
        } else {
            cells[area][3] += 1
        }
    }

    mutating func finish() {}

    func rows() -> [Line] {
        Area.allCases.enumerated().map { Line(key: $1.rawValue, label: $1.label, group: $0) }
            + [Line(key: "total", label: "Summa", group: Area.allCases.count)]
    }

    func columns() -> [Line] {
        Self.columnKeys.indices.map { Line(key: Self.columnKeys[$0], label: Self.columnLabels[$0], group: $0) }
    }

    func value(row: String, column: String) -> Int {
        guard let c = Self.columnKeys.firstIndex(of: column) else { return 0 }
        if row == "total" { return cells.reduce(0) { $0 + $1[c] } }
        guard let a = Area.allCases.firstIndex(where: { $0.rawValue == row }) else { return 0 }
        return cells[a][c]
    }

    let notes: [(key: String, value: String)] = []
}
