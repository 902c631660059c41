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
        // Ids as an import makes them: increasing, and known to be fresh.
        let sequence = EventID.TimeOrderedSequence(milliseconds: 1, using: &random)
        try log.reserve(bytes: events * 400)
        var commit = 0.0
        let time = try seconds {
            try log.write { txn in
                for i in 0..<events { _ = try txn.append(id: sequence.id(i), fresh: true) { _, _ in payload } }
                commit = Date().timeIntervalSince1970
            }
            commit = Date().timeIntervalSince1970 - commit
        }
        print("log: \(events) bare appends of 150 bytes in one transaction: \(String(format: "%.2f", time)) s = \(Int(Double(events) / time)) events/s (of which the commit \(String(format: "%.2f", commit)) s)")
    }
}
