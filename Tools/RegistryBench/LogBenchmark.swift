import EventLog
import Foundation

/// The bare log without the domain: 1 000 000 pre-rendered events in one transaction, to
/// separate the log's own cost (LMDB, ids, hash chain) from validation and indexing.
struct LogBenchmark {
    let directory: String
    let events: Int

    func run() throws {
        let log = try EventLog(path: directory + "/log")
        let payload = Array(String(repeating: "x", count: 150).utf8)
        var random = SecureRandom()
        let ids = (0..<events).map { _ in EventID.timeOrdered(milliseconds: 1, using: &random) }
        try log.reserve(bytes: events * 400)
        let time = try seconds {
            try log.write { txn in
                for id in ids { _ = try txn.append(id: id) { _, _ in payload } }
            }
        }
        print("log: \(events) bare appends of 150 bytes in one transaction: \(String(format: "%.2f", time)) s = \(Int(Double(events) / time)) events/s")
    }
}
