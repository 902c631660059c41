import Foundation
import Logging
import Registry
import TestSupport
import Testing

@testable import RegistryServer

@Suite struct GroupCommitTests {
    private func visit(_ pupils: Int) throws -> Event {
        try Event.decode(json: Sample.visit(pupils: pupils), today: .today())
    }

    @Test func concurrentRequestsShareOneCommitAndFailAlone() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let writer = GroupCommitter(store: store, logger: Logger(label: "test"))
        let before = try store.head().position

        // Hold the writer so that every request is waiting when it starts.
        writer.queue.suspend()
        let requests = 40
        let bad = try Event.decode(json: #"{"type":"mc.outcome","occurred":"2013-05-01","case":"MC-404","municipality":"1490","outcome":"studies"}"#, today: .today())
        let results = try await withThrowingTaskGroup(of: (Int, Result<[Appended], any Error>).self) { group in
            for i in 0..<requests {
                // Request 7 fails in its savepoint; request 11, a single event, fails alone too.
                let events = i == 7 ? [try visit(1), bad] : i == 11 ? [bad] : [try visit(i + 1)]
                group.addTask { (i, await Result { try await writer.append(events) }) }
            }
            while writer.waiting < requests { try await Task.sleep(for: .milliseconds(5)) }
            writer.queue.resume()
            var results: [Int: Result<[Appended], any Error>] = [:]
            for try await (i, result) in group { results[i] = result }
            return results
        }

        #expect(writer.commits == 1)
        #expect(try store.head().position == before + UInt64(requests - 2))
        guard case .failure(let error as InputError) = results[7] else { Issue.record("request 7 was not rejected"); return }
        #expect(error.index == 1)
        guard case .failure(let single as InputError) = results[11] else { Issue.record("request 11 was not rejected"); return }
        #expect(single.index == 0)
        let seqs = results.values.compactMap { try? $0.get().first?.event.seq }.sorted()
        #expect(seqs == Array((before + 1)...(before + UInt64(requests - 2))))
        #expect(try store.verify().position == before + UInt64(requests - 2))
    }

    @Test func anEmptyRequestProbesTheWriter() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.sub("store"))
        let writer = GroupCommitter(store: store, logger: Logger(label: "test"))
        let head = try store.head()
        #expect(try await writer.append([]).isEmpty)
        #expect(try store.head() == head)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
