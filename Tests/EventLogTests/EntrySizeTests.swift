import Foundation
import TestSupport
import Testing
@testable import EventLog

/// An index entry LMDB cannot take must be refused with the append that brings it, never
/// when the tail is written later: then it would fail that write and every one after it.
@Suite("Entry sizes")
struct EntrySizeTests {
    /// Events whose bytes are "NAME DAY", indexed as in `TailTests` (names: NAME → first
    /// position; days: DAY → every position).
    static func open(_ path: String) throws -> EventLog { try TailTests.open(path) }

    /// Appends one "NAME DAY" event with its entries, in a transaction of its own.
    static func append(_ log: EventLog, name: String, day: String = "d1") throws {
        _ = try TailTests.append(log, [(name, day)])
    }

    @Test func aKeyLongerThanLMDBTakesIsRefusedAtItsAppend() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        let limit = log.environment.maxKeySize
        #expect(limit >= 511)
        // The longest key is taken; one byte more is refused, naming the index, and nothing
        // of that event is written.
        try Self.append(log, name: String(repeating: "a", count: limit))
        #expect(throws: LogError.entryTooLarge(index: "names", bytes: limit + 1, limit: limit)) {
            try Self.append(log, name: String(repeating: "b", count: limit + 1))
        }
        #expect(throws: LogError.entryTooLarge(index: "days", bytes: limit + 1, limit: limit)) {
            try Self.append(log, name: "c", day: String(repeating: "9", count: limit + 1))
        }
        #expect(try log.head().position == 1)
        // Many more appends write the tail into the B-trees more than once, and all succeed.
        for i in 0..<80 { try Self.append(log, name: "n\(i)") }
        #expect(try log.read { try $0.watermark() } > 32)
        #expect(try TailTests.verify(log) == 81)
    }

    @Test func bulkModeRefusesALongKeyAsTheTailDoes() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        let limit = log.environment.maxKeySize
        let long = [UInt8](repeating: 0x61, count: limit + 1)
        #expect(throws: LogError.entryTooLarge(index: "days", bytes: limit + 1, limit: limit)) {
            try log.write { txn in
                try txn.beginBulk()
                _ = try txn.append(id: .random()) { _, _ in Array("x d1".utf8) }
                try long.withUnsafeBytes { key in
                    try Position(1).key.withUnsafeBytes { value in try txn.putEntry(value, forKey: key, in: log.index("days")) }
                }
            }
        }
        #expect(throws: LogError.entryTooLarge(index: "names", bytes: limit + 1, limit: limit)) {
            try log.write { txn in try txn.put(Position(1).key, forKey: long, in: log.index("names")) }
        }
        #expect(try log.head().position == 0)
        try Self.append(log, name: "after")
        #expect(try TailTests.verify(log) == 1)
    }

    /// A derived index that a store made before it existed lacks the entries of the events in
    /// the B-trees; it is marked unbuilt when opened, and `build` fills it once.
    @Test func anIndexAddedToAnOlderStoreIsBuiltOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        do {
            // The program of before: the names index only.
            let log = try EventLog(path: dir.path, options: LogOptions(indexes: [TailTests.names]))
            let names = log.index("names")
            @Sendable func entries(_ stored: StoredEvent, _ txn: ReadTransaction) throws -> [IndexEntry] {
                let name = Array(stored.bytes.split(separator: 0x20)[0])
                let first = try txn.value(forKey: name, in: names)
                return first == nil || first == stored.position.key ? [IndexEntry(names, key: name, value: stored.position.key)] : []
            }
            log.setIndexer { stored, txn in try entries(stored, txn) }
            for i in 0..<40 {
                try log.write { txn in
                    let (stored, _) = try txn.append(id: .random()) { _, _ in Array("n\(i % 7) d\(i % 3)".utf8) }
                    for entry in try entries(stored, txn) { try txn.put(entry) }
                }
            }
            #expect(log.unbuiltIndexes.isEmpty)
        }
        do {
            let log = try Self.open(dir.path)
            #expect(log.unbuiltIndexes.map(\.spec.name) == ["days"])
            // Unbuilt, the days index lacks the entries below the watermark.
            #expect(throws: LogError.self) { try TailTests.verify(log) }
            try log.build(log.index("days")) { stored, txn in try TailTests.entries(log, stored.bytes, stored.position, txn) }
            #expect(try TailTests.verify(log) == 40)
            try Self.append(log, name: "n1")
            #expect(try TailTests.verify(log) == 41)
        }
        let log = try Self.open(dir.path)
        #expect(log.unbuiltIndexes.isEmpty)
        #expect(try TailTests.verify(log) == 41)
    }
}
