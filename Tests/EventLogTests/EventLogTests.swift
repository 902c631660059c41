import Crypto
import Foundation
import TestSupport
import Testing
@testable import EventLog

@Suite("EventLog")
struct EventLogTests {
    static let tags = IndexSpec(name: "tags")

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @discardableResult
    func append(_ log: EventLog, _ texts: [String], ids: [EventID]? = nil) throws -> [(event: StoredEvent, isNew: Bool)] {
        try log.write { txn in
            try texts.enumerated().map { i, text in
                try txn.append(id: ids?[i] ?? .random()) { seq, _ in Array("\(seq):\(text)".utf8) }
            }
        }
    }

    @Test func aTimeOrderedSequenceIncreasesAndStaysVersion7() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<64 {
            let sequence = EventID.TimeOrderedSequence(milliseconds: 1_764_000_000_000, using: &random)
            let ids = (0..<5000).map { sequence.id($0 * 997_000_000_000) }
            #expect(ids == ids.sorted())
            #expect(Set(ids).count == ids.count)
            for id in ids {
                #expect(id.high >> 16 == 1_764_000_000_000)
                #expect((id.high >> 12) & 0xF == 7)
                #expect(id.low >> 62 == 0b10)
            }
        }
    }

    @Test func positionsAreConsecutiveAndTheChainIsSHA256() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path)
        try append(log, ["a", "b"])
        try append(log, ["c"])
        let events = try log.read { txn in
            var all: [StoredEvent] = []
            try txn.forEachEvent(after: 0) { all.append($0); return true }
            return all
        }
        #expect(events.map(\.position) == [1, 2, 3])
        var previous = [UInt8](repeating: 0, count: 32)
        for event in events {
            var hasher = SHA256()
            hasher.update(data: previous)
            hasher.update(data: event.bytes)
            #expect(event.hash.bytes == Array(hasher.finalize()))
            previous = event.hash.bytes
        }
        #expect(try log.head().position == 3)
        #expect(try log.head().hash.bytes == previous)
        #expect(events.map(\.recorded) == events.map(\.recorded).sorted())
    }

    @Test func anIdAlreadyInTheLogAppendsNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path)
        let id = EventID.random()
        let first = try append(log, ["x"], ids: [id])
        let again = try append(log, ["y", "y"], ids: [id, id])
        #expect(first[0].isNew)
        #expect(again.allSatisfy { !$0.isNew && $0.event.position == 1 && $0.event.bytes == Array("1:x".utf8) })
        #expect(try log.head().position == 1)
    }

    @Test func aThrowingWriteLeavesNothing() throws {
        struct Boom: Error {}
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path)
        try append(log, ["kept"])
        #expect(throws: Boom.self) {
            try log.write { txn in
                _ = try txn.append(id: .random()) { _, _ in [1, 2, 3] }
                throw Boom()
            }
        }
        #expect(try log.head().position == 1)
    }

    @Test func aFailedSavepointUndoesOnlyItsOwnWrites() throws {
        struct Boom: Error {}
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path)
        try log.write { txn in
            _ = try txn.append(id: .random()) { _, _ in [1] }
            _ = try? txn.savepoint { nested in
                _ = try nested.append(id: .random()) { _, _ in [2] }
                throw Boom()
            }
            try txn.savepoint { nested in _ = try nested.append(id: .random()) { _, _ in [3] } }
        }
        let bytes = try log.read { txn in try (1...2).map { try txn.event(at: $0)!.bytes } }
        #expect(bytes == [[1], [3]])
        #expect(try log.verify { _ in [] }.position == 2)
    }

    @Test func theMapGrowsPastItsFirstSize() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path, options: LogOptions(initialMapSize: 1 << 20))
        let first = log.mapSize
        let payload = String(repeating: "x", count: 2000)
        for _ in 0..<10 { try append(log, Array(repeating: payload, count: 300)) }
        #expect(log.mapSize > first)
        #expect(try log.head().position == 3000)
        #expect(try log.verify { _ in [] }.position == 3000)
    }

    /// `lastCommit` reads the meta pages in the map; while the map grows it must wait, or it
    /// reads from pages no longer mapped.
    @Test func lastCommitCanBeReadWhileTheMapGrows() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path, options: LogOptions(initialMapSize: 1 << 20))
        let writing = Locked(true)
        let reader = Thread {
            var last = 0
            while writing.withLock({ $0 }) {
                let commit = log.lastCommit
                precondition(commit >= last, "commit numbers only grow")
                last = commit
            }
        }
        reader.start()
        let payload = String(repeating: "x", count: 2000)
        for _ in 0..<10 { try append(log, Array(repeating: payload, count: 300)) }
        writing.withLock { $0 = false }
        #expect(log.mapSize >= 8 << 20)
        #expect(log.lastCommit > 10)
    }

    @Test func verifyFindsOneChangedByte() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        do {
            let log = try EventLog(path: dir.path)
            try append(log, ["first", "the-unique-marker-QZX", "third"])
        }
        // Tamper with the file as an attacker with disk access would: LMDB has no page checksums.
        let file = dir.sub("data.mdb")
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        let marker = Data("unique-marker-QZX".utf8)
        let range = try #require(data.range(of: marker))
        data[range.lowerBound] = UInt8(ascii: "U")
        try data.write(to: URL(fileURLWithPath: file))

        let log = try EventLog(path: dir.path)
        #expect(throws: LogError.verificationFailed(position: 2, reason: "hash does not match the event's bytes and the chain")) {
            try log.verify { _ in [] }
        }
    }

    @Test func verifyChecksSecondaryIndexes() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.path, options: LogOptions(indexes: [Self.tags]))
        let tags = log.index("tags")
        func entries(_ event: StoredEvent) -> [IndexEntry] { [IndexEntry(tags, key: event.bytes, value: event.position.key)] }
        try log.write { txn in
            for text in ["a", "b"] {
                let (event, _) = try txn.append(id: .random()) { _, _ in Array(text.utf8) }
                for entry in entries(event) { try txn.put(entry) }
            }
        }
        #expect(try log.verify(expectedEntries: entries).position == 2)
        try log.write { txn in try txn.put([9], forKey: Array("stray".utf8), in: tags) }
        #expect(throws: LogError.self) { try log.verify(expectedEntries: entries) }
        try log.write { txn in
            _ = try txn.delete(Array("stray".utf8), in: tags)
            _ = try txn.delete(Array("b".utf8), in: tags)
        }
        #expect(throws: LogError.verificationFailed(position: 2, reason: "index tags lacks this event's entry")) {
            try log.verify(expectedEntries: entries)
        }
    }

    @Test func fixedSizeIndexesAreReadAPageAtATime() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let spec = IndexSpec(name: "days", fixedValueSize: 8)
        let log = try EventLog(path: dir.path, options: LogOptions(indexes: [spec]))
        let days = log.index("days")
        try log.write { txn in
            for position: UInt64 in 1...5000 {
                try txn.put(position.key, forKey: [UInt8(position % 3)], in: days, appendDuplicate: true)
            }
        }
        var seen: [UInt64] = []
        var blocks = 0
        try log.read { txn in
            try txn.scanBlocks(days, from: [1], through: [2]) { _, values in
                blocks += 1
                for offset in stride(from: 0, to: values.count, by: 8) {
                    seen.append(values.loadBigEndian(UInt64.self, at: offset))
                }
            }
        }
        let ones: [UInt64] = (1...5000).filter { $0 % 3 == 1 }
        let twos: [UInt64] = (1...5000).filter { $0 % 3 == 2 }
        #expect(seen == ones + twos)
        #expect(blocks < seen.count / 10)
    }

    @Test func aBackupTakenDuringWritesVerifies() async throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let log = try EventLog(path: dir.sub("store"))
        try append(log, Array(repeating: "before", count: 1000))
        let writer = Task.detached {
            for _ in 0..<50 { try self.append(log, Array(repeating: "during", count: 100)) }
        }
        try log.backup(to: dir.sub("copy"))
        try await writer.value
        let copy = try EventLog(path: dir.sub("copy"))
        let head = try copy.verify { _ in [] }
        #expect(head.position >= 1000)
        #expect(head.position <= 6000)
        #expect(!FileManager.default.fileExists(atPath: dir.sub("copy") + ".partial-\(getpid())"))
        #expect(throws: LogError.self) { try log.backup(to: dir.sub("copy")) }
    }

    @Test func eventIDsRoundTrip() {
        let text = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
        #expect(EventID(text)?.description == text)
        #expect(EventID(text.uppercased())?.description == text)
        #expect(EventID("1b4e28ba2fa141d2883f0016d3cca427") == nil)
        #expect(EventID("not-a-uuid") == nil)
        var generator = SeededRandom(seed: 7)
        let a = EventID.random(using: &generator)
        var again = SeededRandom(seed: 7)
        #expect(a == EventID.random(using: &again))
        #expect(a.description.dropFirst(14).first == "4")
    }

    @Test func ownCommitsCoverOnlyAnUnbrokenRunOfThisProcesssNumbers() {
        var own = OwnCommits()
        #expect(!own.covers(1, through: 1))
        own.add(5); own.add(6); own.add(7)
        #expect(own.covers(5, through: 7))
        #expect(own.covers(6, through: 7))
        #expect(!own.covers(4, through: 7)) // 4 was another's
        own.add(9) // 8 was another's: a new run
        #expect(!own.covers(6, through: 9))
        #expect(own.covers(9, through: 9))
        own.add(8) // recorded late by another thread: never more than before
        #expect(!own.covers(8, through: 9))
        #expect(!own.covers(9, through: 9))
    }
}
