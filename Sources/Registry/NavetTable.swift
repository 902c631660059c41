/// The Navet table of the annual report: visitors per member municipality and category,
/// `Övriga`, organisations, `Summa`, and the teacher-training-days note.
struct NavetTable: Projection {
    static let columnKeys = ["pupils", "teachers", "training", "children", "adults", "conference", "lecture"]
    static let columnLabels = ["Elever", "Lärare", "Kompetensutveckling lärare", "Allmänhet barn", "Allmänhet vuxna", "Konferenser", "Föreläsningar"]
    private static let width = 7
    private static let codes = 10_000

    private let context: ProjectionContext
    private let members: Set<Municipality>
    /// Counts by SCB code number (0: unknown origin) × column.
    private var byCode: [Int]
    private var byOrganisation: [UInt64: [Int]] = [:]
    private var organisations: [String: [Int]] = [:]
    private var other = [Int](repeating: 0, count: width)
    private var total = [Int](repeating: 0, count: width)
    private var quarterDays = 0

    init(context: ProjectionContext) {
        self.context = context
        members = context.members(of: .navet)
        byCode = [Int](repeating: 0, count: Self.codes * Self.width)
    }

    mutating func add(_ record: CompactRecord) {
        let a = Int(record.a), b = Int(record.b)
        switch record.type {
        case .navetVisit: add(record.origin, 0, a); add(record.origin, 1, b)
        case .navetTraining: add(record.origin, 2, a); quarterDays += a * b
        case .navetPublic: add(record.origin, 3, a); add(record.origin, 4, b)
        case .navetConference: add(record.origin, 5, a)
        case .navetLecture: add(record.origin, 6, a)
        default: return
        }
    }

    @inline(__always)
    private mutating func add(_ origin: UInt64, _ column: Int, _ value: Int) {
        if OriginCode.isOrganisation(origin) {
            byOrganisation[origin, default: [Int](repeating: 0, count: Self.width)][column] += value
        } else {
            byCode[Int(origin) * Self.width + column] += value
        }
    }

    mutating func finish() throws {
        for (code, counts) in byOrganisation {
            let name = try context.organisationName(code)
            organisations[name] = zip(organisations[name] ?? [Int](repeating: 0, count: Self.width), counts).map(+)
        }
        let memberCodes = Set(members.compactMap { Int($0.code) })
        for code in 0..<Self.codes where !memberCodes.contains(code) {
            for column in 0..<Self.width { other[column] += byCode[code * Self.width + column] }
        }
        for column in 0..<Self.width {
            total[column] = (0..<Self.codes).reduce(0) { $0 + byCode[$1 * Self.width + column] }
                + organisations.values.reduce(0) { $0 + $1[column] }
        }
    }

    func rows() -> [Line] {
        members.map { Line(key: $0.code, label: $0.name, group: 0, alphabetical: true) }
            + [Line(key: "other", label: "Övriga", group: 1)]
            + organisations.filter { $0.value.contains { $0 != 0 } }.map { Line(key: "org:" + $0.key, label: $0.key, group: 2, alphabetical: true) }
            + [Line(key: "total", label: "Summa", group: 3)]
    }

    func columns() -> [Line] {
        Self.columnKeys.indices.filter { total[$0] != 0 }.map { Line(key: Self.columnKeys[$0], label: Self.columnLabels[$0], group: $0) }
            + [Line(key: "total", label: "Summa", group: Self.width)]
    }

    func value(row: String, column: String) -> Int {
        let counts: [Int]
        switch row {
        case "total": counts = total
        case "other": counts = other
        case let key where key.hasPrefix("org:"): counts = organisations[String(key.dropFirst(4))] ?? []
        default:
            guard let municipality = Municipality.byCode(row), members.contains(municipality), let code = Int(row) else { return 0 }
            counts = Array(byCode[(code * Self.width)..<((code + 1) * Self.width)])
        }
        guard !counts.isEmpty else { return 0 }
        if column == "total" { return counts.reduce(0, +) }
        guard let index = Self.columnKeys.firstIndex(of: column) else { return 0 }
        return counts[index]
    }

    var notes: [(key: String, value: String)] {
        [("teacher_training_days", TrainingDays(quarters: quarterDays).description)]
    }
}
