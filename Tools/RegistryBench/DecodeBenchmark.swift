import Foundation
import Registry

/// Where an import's decoding time goes, one thread, one stage added at a time: the JSON
/// parse, then validation into an `Event`, then the canonical JSON the log stores.
struct DecodeBenchmark {
    let events: Int

    func run() throws {
        let data = Synthetic.lines2013(events)
        let lines = data.split(separator: 0x0A).map { Array($0) }
        let today = Day.today()
        var sink = 0
        let parse = try seconds {
            for line in lines {
                let value = try line.withUnsafeBufferPointer { try JSONParser.parse($0) }
                if case .object(let members) = value { sink &+= members.count }
            }
        }
        let decode = try seconds {
            for line in lines {
                let value = try line.withUnsafeBufferPointer { try JSONParser.parse($0) }
                sink &+= try Event.decode(value, today: today).occurred.ordinal > 0 ? 1 : 0
            }
        }
        let canonical = try seconds {
            for (i, line) in lines.enumerated() {
                let value = try line.withUnsafeBufferPointer { try JSONParser.parse($0) }
                sink &+= try Event.decode(value, today: today).canonical(seq: UInt64(i + 1), recorded: 1_700_000_000_000).count
            }
        }
        let texts = lines.map { String(decoding: $0, as: UTF8.self) }
        let direct = try seconds {
            for text in texts { sink &+= try Event.decode(json: text, today: today).occurred.ordinal > 0 ? 1 : 0 }
        }
        let events = try lines.map { line in try Event.decode(line.withUnsafeBufferPointer { try JSONParser.parse($0) }, today: today) }
        let writeOnly = seconds { for event in events { sink &+= event.json.utf8.count } }
        print("write canonical (event.json) only: \(String(format: "%.2f µs", writeOnly / Double(events.count) * 1e6))")
        let parallel = try seconds { sink &+= try Store.decodeLines(data, today: today).count }
        func perEvent(_ time: Double) -> String { String(format: "%.2f µs", time / Double(lines.count) * 1e6) }
        print("decode, one thread, per event: parse \(perEvent(parse)); + validate into Event \(perEvent(decode)); + canonical JSON \(perEvent(canonical)); bytes into Event without a JSON tree \(perEvent(direct))")
        print("decode: Store.decodeLines on \(ProcessInfo.processInfo.activeProcessorCount) cores: \(perEvent(parallel)) wall per event (checksum \(sink % 10))")
    }
}
