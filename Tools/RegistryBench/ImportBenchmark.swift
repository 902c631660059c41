import Foundation
import Registry

/// Importing a JSON Lines file: validated, hashed, indexed, durable.
struct ImportBenchmark {
    let directory: String
    let events: Int

    func run() throws {
        var generator = Synthetic()
        let data = generator.lines(events, from: Day(year: 2013, month: 1, day: 1)!, days: 365)
        let store = try Store(path: directory + "/import")
        var decoded: [(line: Int, event: Event)] = []
        let decodeTime = try seconds { decoded = try Store.decodeLines(data, today: .today()) }
        var result: ImportResult?
        let appendTime = try seconds { result = try store.importEvents(decoded) }
        precondition(result?.appended == events)
        let total = decodeTime + appendTime
        print("import: \(events) events (\(data.count / 1_000_000) MB) in \(String(format: "%.2f", total)) s = \(Int(Double(events) / total)) events/s (target ≥ 500000): parse+validate \(String(format: "%.2f", decodeTime)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores, append+index+hash+commit \(String(format: "%.2f", appendTime)) s")
    }
}
