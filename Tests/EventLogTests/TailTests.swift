import Foundation
import TestSupport
import Testing
@testable import EventLog

/// The newest events' ids and index entries wait in memory (the tail) until enough have
/// gathered; every read must see them merged with what the B-trees hold.
@Suite("Tail")
struct TailTests {
    static let names = IndexSpec(name: "names")
    static let days = IndexSpec(name: "days", fixedValueSize: 8)

    /// An event's bytes are "NAME DAY": `names` maps NAME to the first position that used it
    /// (read through `txn`, as the registry's case and organisation indexes do), `days` holds
    /// every position under its day.
    static func entries(_ log: EventLog, _ bytes: [UInt8], _ position: Position, _ txn: ReadTransaction) throws -> [IndexEntry] {
        let parts = bytes.split(separator: 0x20)
        let name = Array(parts[0]), first = try txn.value(forKey: name, in: log.index("names"))
        return (first == nil || first == position.key ? [IndexEntry(log.index("names"), key: name, value: position.key)] : [])
            + [IndexEntry(log.index("days"), key: Array(parts[1]), value: position.key)]
    }

    static func open(_ path: String) throws -> EventLog {
        let log = try EventLog(path: path, options: LogOptions(indexes: [names, days]))
        log.setIndexer { [unowned log] stored, txn in try entries(log, stored.bytes, stored.position, txn) }
        return log
    }

    static func verify(_ log: EventLog) throws -> Position {
        try log.read { txn in try log.verify { try entries(log, $0.bytes, $0.position, txn) }.position }
    }

    /// Appends "NAME DAY" events, one transaction each, with their entries.
    static func append(_ log: EventLog, _ events: [(String, String)]) throws -> [EventID] {
        try events.map { name, day in
            let id = EventID.random()
            try log.write { txn in
                let (stored, _) = try txn.append(id: id) { _, _ in Array("\(name) \(day)".utf8) }
                for entry in try entries(log, stored.bytes, stored.position, txn) { try txn.put(entry) }
            }
            return id
        }
    }

    /// What a reader sees: names in key order with values, days a block at a time, counts.
    static func view(_ log: EventLog) throws -> (names: [String], days: [String: [Position]], counts: [Int], watermark: Position) {
        try log.read { txn in
            var names: [String] = []
            try txn.scan(log.index("names"), from: []) { key, value in
                names.append("\(String(decoding: key, as: UTF8.self))=\(value.loadBigEndian(UInt64.self, at: 0))")
                return true
            }
            var days: [String: [Position]] = [:]
            try txn.scanBlocks(log.index("days"), from: [], through: [0xFF]) { key, values in
                for offset in stride(from: 0, to: values.count, by: 8) {
                    days[String(decoding: key, as: UTF8.self), default: []].append(values.loadBigEndian(UInt64.self, at: offset))
                }
            }
            return (names, days, [try txn.count(log.index("names")), try txn.count(log.index("days"))], try txn.watermark())
        }
    }

    @Test func readsMergeTheTailWithTheBTreesAndTheTailIsWrittenWhenLong() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        // Names repeat (the first position stays); days collect positions.
        let events = (1...100).map { i in ("n\(i % 7)", "d\(i % 3)") }
        var ids: [EventID] = []
        var expectedNames: [String: Position] = [:], expectedDays: [String: [Position]] = [:]
        for (offset, event) in events.enumerated() {
            ids += try Self.append(log, [event])
            let position = Position(offset + 1)
            if expectedNames[event.0] == nil { expectedNames[event.0] = position }
            expectedDays[event.1, default: []].append(position)
            let seen = try Self.view(log)
            #expect(seen.names == expectedNames.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            #expect(seen.days == expectedDays)
            #expect(seen.counts == [expectedNames.count, Int(position)])
            // The tail is written once it holds `tailToWrite` events.
            #expect(seen.watermark == position - position % Position(WriteTransaction.tailToWrite))
        }
        let (positions, name, day) = try log.read { txn in
            (try ids.map { try txn.position(of: $0) },
             try txn.value(forKey: Array("n3".utf8), in: log.index("names")),
             try txn.value(forKey: Array("d1".utf8), in: log.index("days")))
        }
        #expect(positions == (1...100).map { Position($0) })
        #expect(name == expectedNames["n3"]!.key)
        #expect(day == Position(1).key)
        #expect(try Self.verify(log) == 100)
    }

    @Test func anotherOpeningComputesTheTailFromTheLog() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        var before: (names: [String], days: [String: [Position]], counts: [Int], watermark: Position)
        do {
            let log = try Self.open(dir.path)
            _ = try Self.append(log, (1...(WriteTransaction.tailToWrite + 5)).map { ("n\($0 % 4)", "d\($0 % 2)") })
            before = try Self.view(log)
            #expect(before.watermark == Position(WriteTransaction.tailToWrite))
        }
        // A new opening has no cache: the tail's entries come from the indexer.
        let log = try Self.open(dir.path)
        let after = try Self.view(log)
        #expect(after.names == before.names)
        #expect(after.days == before.days)
        #expect(after.counts == before.counts)
        // A duplicate id in the tail is still refused.
        let id = try log.read { txn in try txn.event(at: after.watermark + 2)!.id }
        let again = try log.write { txn in try txn.append(id: id) { _, _ in Array("x y".utf8) } }
        #expect(!again.isNew)
        #expect(again.event.position == after.watermark + 2)
    }

    /// Bulk mode writes ids and entries straight into the B-trees. A reader that began before
    /// the bulk commit, another opening of the store and a later small append all see the same
    /// log as a store built without it; a duplicate id is refused before its event is written.
    @Test func bulkModeLeavesTheSameStoreAsTheTail() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        // Runs of one day, as an import's events come, then days that change at every event.
        let events = (1...3_000).map { ("n\($0 % 50)", $0 <= 1_500 ? "d\($0 / 200)" : "d\($0 % 9)") }
        // The same events through the tail, as a reference.
        let reference = try Self.open(dir.sub("reference"))
        _ = try Self.append(reference, Array(events.prefix(5)))
        try reference.write { txn in
            for (name, day) in events.dropFirst(5) {
                let (stored, _) = try txn.append(id: .random()) { _, _ in Array("\(name) \(day)".utf8) }
                for entry in try Self.entries(reference, stored.bytes, stored.position, txn) { try txn.put(entry) }
            }
        }
        let log = try Self.open(dir.sub("bulk"))
        _ = try Self.append(log, Array(events.prefix(5))) // a tail before the bulk transaction
        let (early, done) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        // A snapshot from before the bulk commit still reads its own tail after it.
        nonisolated(unsafe) var seenBefore: (head: Position, days: Int)?
        let reader = Thread {
            seenBefore = try? log.read { txn in
                early.signal()
                done.wait()
                return (try txn.head().position, try txn.count(log.index("days")))
            }
        }
        reader.start()
        early.wait()
        var ids: [EventID] = []
        try log.write { txn in
            try txn.beginBulk()
            for (i, (name, day)) in events.dropFirst(5).enumerated() {
                let (stored, _) = try txn.append(id: .random(), fresh: true) { _, _ in Array("\(name) \(day)".utf8) }
                ids.append(stored.id)
                for entry in try Self.entries(log, stored.bytes, stored.position, txn) {
                    // A day's values given as lent bytes wait to be written together.
                    guard entry.index.spec.name == "days" else { try txn.put(entry); continue }
                    try entry.key.withUnsafeBytes { key in
                        try entry.value.withUnsafeBytes { try txn.putEntry($0, forKey: key, in: entry.index) }
                    }
                }
                // Reading the index writes what waits first.
                if i == 999 { #expect(try txn.count(log.index("days")) == 1_005) }
            }
            // A fresh id that is not fresh fails before anything of its event is written.
            #expect(throws: LogError.self) { try txn.append(id: ids[0], fresh: true) { _, _ in Array("x y".utf8) } }
            #expect(try txn.head().position == 3_000)
        }
        done.signal()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(seenBefore?.head == 5)
        #expect(seenBefore?.days == 5)
        let bulk = try Self.view(log)
        let expected = try Self.view(reference)
        #expect(bulk.names == expected.names)
        #expect(bulk.days == expected.days)
        #expect(bulk.counts == expected.counts)
        #expect(bulk.watermark == 3_000)
        #expect(try log.read { txn in try ids.map { try txn.position(of: $0) } } == (6...3_000).map { Position($0) })
        #expect(try Self.verify(log) == 3_000)
        // Another opening, and a small append after the bulk transaction.
        let again = try Self.open(dir.sub("bulk"))
        _ = try Self.append(again, [("n1", "d1")])
        _ = try Self.append(reference, [("n1", "d1")])
        #expect(try Self.view(again).days == Self.view(reference).days)
        #expect(try Self.verify(again) == 3_001)
    }

    @Test func aLaterPutReplacesAValueAsInTheBTrees() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        let names = log.index("names")
        func put(_ value: UInt8) throws {
            try log.write { txn in
                _ = try txn.append(id: .random()) { _, _ in Array("x y".utf8) }
                try txn.put(IndexEntry(names, key: Array("k".utf8), value: [value]))
            }
        }
        func seen() throws -> ([UInt8]?, [[UInt8]], Int) {
            try log.read { txn in
                var values: [[UInt8]] = []
                try txn.scan(names, from: []) { key, value in
                    if Array(key) == Array("k".utf8) { values.append(Array(value)) }
                    return true
                }
                return (try txn.value(forKey: Array("k".utf8), in: names), values, try txn.count(names))
            }
        }
        // Stored below the watermark, then replaced from the tail.
        for value in 1...UInt8(WriteTransaction.tailToWrite) { try put(value) }
        #expect(try log.read { try $0.watermark() } == Position(WriteTransaction.tailToWrite))
        try put(200)
        let (value, values, count) = try seen()
        #expect(value == [200])
        #expect(values == [[200]])
        #expect(count == 1)
    }

    @Test func verifyFindsAnEntryMissingBelowTheWatermark() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        _ = try Self.append(log, (1...(WriteTransaction.tailToWrite + 3)).map { ("n\($0)", "d") })
        #expect(try Self.verify(log) == Position(WriteTransaction.tailToWrite + 3))
        try log.write { txn in _ = try txn.delete(Array("n2".utf8), in: log.index("names")) }
        #expect(throws: LogError.verificationFailed(position: 2, reason: "index names lacks this event's entry")) {
            try Self.verify(log)
        }
    }

    @Test func aStoreOfAnotherFormatIsRefused() throws {
        for format: UInt32 in [2, 4] {
            let dir = TemporaryDirectory(); defer { dir.remove() }
            do {
                let log = try EventLog(path: dir.path)
                try log.write { txn in
                    try WriteTransaction.put(txn.txn, log.databases.meta, key: MetaKey.format, value: withUnsafeBytes(of: format.bigEndian) { Array($0) }, flags: 0)
                }
            }
            #expect(throws: LogError.unsupportedFormat(found: format, supported: EventLog.formatVersion)) { try EventLog(path: dir.path) }
        }
    }

    @Test func anEventTheIndexerRejectsFailsEveryReadOfTheTail() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        do {
            let log = try Self.open(dir.path)
            _ = try Self.append(log, [("a", "d"), ("b", "d")])
        }
        struct Rejected: Error {}
        let log = try EventLog(path: dir.path, options: LogOptions(indexes: [Self.names, Self.days]))
        log.setIndexer { [unowned log] stored, txn in
            guard stored.position != 2 else { throw Rejected() }
            return try Self.entries(log, stored.bytes, stored.position, txn)
        }
        let failures = try log.read { txn in
            // Twice: a failed build must not leave half a tail behind.
            (1...2).map { _ in (try? txn.count(log.index("days"))) == nil }
        }
        #expect(failures == [true, true])
        #expect(throws: LogError.self) { try log.write { txn in _ = try txn.append(id: .random()) { _, _ in Array("c d".utf8) } } }
        #expect(try log.head().position == 2)
    }

    @Test func withoutItsIndexerALogRefusesToReadItsTail() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let ids: [EventID]
        do {
            let log = try Self.open(dir.path)
            ids = try Self.append(log, [("a", "d"), ("b", "d")])
        }
        do {
            let bare = try EventLog(path: dir.path, options: LogOptions(indexes: [Self.names, Self.days]))
            #expect(throws: LogError.self) { try bare.read { try $0.position(of: ids[0]) } }
            #expect(throws: LogError.self) { try bare.write { txn in _ = try txn.append(id: .random()) { _, _ in Array("c d".utf8) } } }
        }
        // Nothing was lost: with the indexer the entries are all there.
        let log = try Self.open(dir.path)
        #expect(try Self.view(log).days == ["d": [1, 2]])
    }

    @Test func aFreshIdAlreadyInTheTailAppendsNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try Self.open(dir.path)
        let ids = try Self.append(log, [("a", "d")])
        let again = try log.write { txn in try txn.append(id: ids[0], fresh: true) { _, _ in Array("a d".utf8) } }
        #expect(!again.isNew)
        #expect(try log.head().position == 1)
    }

    /// Regression: the indexer sat in a generic lock as a bare closure, and every read of it
    /// wrapped it in another reabstraction thunk. A server that had read it a few hundred
    /// thousand times crashed on shutdown, releasing the chain recursively.
    @Test func readingTheIndexerOftenLeavesItAsItWas() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        do {
            let log = try Self.open(dir.path)
            for _ in 0..<300_000 { _ = log.tailContext }
            #expect(try log.read { txn in try txn.watermark() } == 0)
        }
        // Releasing the log (and its indexer) must not run out of stack.
        let log = try Self.open(dir.path)
        #expect(try log.head().position == 0)
    }
}
