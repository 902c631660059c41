import Foundation
import Registry

/// Importing a JSON Lines file: validated, hashed, indexed, durable.
struct ImportBenchmark {
    let directory: String
    let events: Int

    func run() throws {
        let data = Synthetic.lines2013(events)
        let store = try Store(path: directory + "/import")
        var result: ImportResult?
        let time = try seconds { result = try store.importEvents(data) }
        precondition(result?.appended == events)
        print("import: \(events) events (\(data.count / 1_000_000) MB) in \(String(format: "%.2f", time)) s = \(Int(Double(events) / time)) events/s (target ≥ 500000): decoded on \(ProcessInfo.processInfo.activeProcessorCount) cores while one thread appends, validated, hashed, indexed, one durable commit")
    }
}
