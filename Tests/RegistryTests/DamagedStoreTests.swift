import EventLog
import Foundation
import TestSupport
import Testing
@testable import Registry

/// A store whose file was cut short or had bits flipped: every command ends with a result or
/// an error (the CLI's exit 3), never with a trap or a signal.
@Suite("Hardening: damaged stores", .serialized)
struct DamagedStoreTests {
    /// A small store (the membership and a few hundred events with corrections and
    /// retractions), closed again; returns the size of its data file.
    static func makeStore(at path: String) throws -> Int {
        do {
            let store = try Store(path: path)
            _ = try ReportTests.load(ReportTests.randomEvents(seed: 14, count: 300), into: store)
            _ = try store.append([Event(occurred: Day(year: 2013, month: 3, day: 1)!, fact: .visit(NavetVisit(origin: .organisation("HB"), pupils: 3, teachers: 1)))])
        }
        return try #require(try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int)
    }

    /// A copy of the store at `source` in `destination` with `change` applied to its data file.
    static func damagedCopy(of source: String, to destination: String, _ change: (inout [UInt8]) -> Void) throws {
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source + "/data.mdb")))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: destination + "/data.mdb"))
    }

    /// Everything a command does with a store; any error is an acceptable answer.
    static func exercise(_ path: String) -> [String] {
        var errors: [String] = []
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch { errors.append("\(error)") }
        }
        guard let store = try? Store(path: path) else { return ["open"] }
        for name in ReportName.allCases {
            // The targets report has no comparison (it refuses one).
            let compare = name == .targets ? nil : try? Period.parse("2012")
            attempt { _ = try store.report(ReportQuery(name: name, period: Period.parse("2013"), compare: compare)) }
        }
        attempt { _ = try store.report(ReportQuery(name: .navet, period: Period.parse("2013"), asOf: .seq(100))) }
        attempt { try store.export(after: 0) { _ in } }
        attempt { _ = try store.verify() }
        attempt { _ = try store.events(after: 0) }
        attempt { _ = try store.memberships() }
        attempt {
            let first = try store.events(after: 30, limit: 1)
            if let id = first.first?.event.id { _ = try store.currentVersion(of: id) }
        }
        attempt {
            _ = try store.append([Event(occurred: Day(year: 2013, month: 9, day: 12)!, fact: .visit(NavetVisit(origin: .organisation("HB"), pupils: 1, teachers: 1)))])
        }
        return errors
    }

    @Test func aTruncatedStoreIsRefusedWhenOpened() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let size = try Self.makeStore(at: dir.sub("store"))
        for kept in [size / 2, size - 4096, 3 * 4096] {
            try Self.damagedCopy(of: dir.sub("store"), to: dir.sub("cut")) { $0.removeLast($0.count - kept) }
            #expect { try Store(path: dir.sub("cut")) } throws: { error in
                guard case LogError.corrupted(let what) = error else { return false }
                return what.contains("cut short")
            }
        }
    }

    @Test func bitFlipsAnywhereEndInAnErrorNeverACrash() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let size = try Self.makeStore(at: dir.sub("store"))
        #expect(Self.exercise(dir.sub("store")).isEmpty)
        var random = SeededRandom(seed: 2026)
        var refused = 0
        for i in 0..<200 {
            let offset = Int(random.next() % UInt64(size)), bit = UInt8(1) << (random.next() % 8)
            let copy = dir.sub("flipped-\(i)")
            try Self.damagedCopy(of: dir.sub("store"), to: copy) { $0[offset] ^= bit }
            if !Self.exercise(copy).isEmpty { refused += 1 }
            try? FileManager.default.removeItem(atPath: copy)
        }
        // Most flips land in free space; some must have been noticed.
        #expect(refused > 0)
    }
}
