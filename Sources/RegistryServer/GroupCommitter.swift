import Dispatch
import EventLog
import Logging
import Registry

/// The server's single writer. Requests wait in a queue; one thread takes everything that
/// is waiting and appends it in ONE durable transaction, so many concurrent requests share
/// one commit (one fsync). Each request of several events runs in its own savepoint (one
/// event needs none: a rejected event writes nothing): a rejected request
/// fails alone and appends nothing, the others still commit.
///
/// LMDB wants a write transaction to begin and commit on one thread, with no `await` in
/// between; a serial Dispatch queue gives exactly that, away from the cooperative pool.
final class GroupCommitter: Sendable {
    private struct Request {
        let events: [Event]
        let continuation: CheckedContinuation<[Appended], any Error>
    }

    private struct State {
        var waiting: [Request] = []
        var isDraining = false
        var commits = 0
        var readersChecked = ContinuousClock.now
        /// Why the last commit that wrote events failed (not an input error), until one succeeds.
        var failure: String?
    }

    private let store: Store
    private let logger: Logger
    let queue = DispatchQueue(label: "registry.writer", qos: .userInitiated)
    private let state = Locked(State())

    init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Appends `events` all or nothing and returns them as stored; an `InputError` names the
    /// index of the rejected event. An empty request checks that the store takes writes.
    func append(_ events: [Event]) async throws -> [Appended] {
        try await withCheckedThrowingContinuation { continuation in
            let startsDrain = state.withLock { state in
                state.waiting.append(Request(events: events, continuation: continuation))
                defer { state.isDraining = true }
                return !state.isDraining
            }
            if startsDrain { queue.async { self.drain() } }
        }
    }

    /// Transactions committed so far (for tests of the grouping).
    var commits: Int { state.withLock { $0.commits } }

    /// Why the store did not take the last events it was given, when no later ones have been
    /// committed since: the store is then not known to be writable (`/healthz` says 503). An
    /// empty write does not clear it: it commits whatever the store's trouble is.
    var failure: String? { state.withLock { $0.failure } }

    /// Requests waiting for the writer (for tests of the grouping).
    var waiting: Int { state.withLock { $0.waiting.count } }

    private func drain() {
        while true {
            let batch = state.withLock { state in
                let batch = state.waiting
                state.waiting.removeAll()
                if batch.isEmpty { state.isDraining = false }
                return batch
            }
            if batch.isEmpty { return }
            clearStaleReadersNowAndThen()
            let writesEvents = batch.contains { !$0.events.isEmpty }
            do {
                let results = try commit(batch.map(\.events))
                // Only a commit that wrote an event shows the store takes them again.
                if results.contains(where: { (try? $0.get())?.contains(where: \.isNew) == true }) {
                    state.withLock { $0.failure = nil }
                }
                for (request, result) in zip(batch, results) { request.continuation.resume(with: result) }
            } catch {
                if writesEvents { state.withLock { $0.failure = "\(error)" } }
                logger.error("append failed", metadata: ["error": "\(error)", "registry.requests": "\(batch.count)"])
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
    }

    /// Reader slots left by crashed processes pin old pages, so the map grows instead of
    /// reusing them; that matters only when writing, so the writer clears them once a minute.
    private func clearStaleReadersNowAndThen() {
        let due = state.withLock { state in
            guard state.readersChecked.duration(to: .now) > .seconds(60) else { return false }
            state.readersChecked = .now
            return true
        }
        guard due else { return }
        let cleared = store.log.clearStaleReaders()
        if cleared > 0 { logger.notice("cleared stale readers", metadata: ["store.readers": "\(cleared)"]) }
    }

    /// Appends every request in one transaction, each inside its own savepoint.
    private func commit(_ requests: [[Event]]) throws -> [Result<[Appended], any Error>] {
        let total = requests.reduce(0) { $0 + $1.count }
        // As Store.append does (but no bulk mode: requests have savepoints of their own).
        try store.reserve(forEvents: total)
        // `write` runs the closure again from the start if the map must grow, so results are
        // collected inside it and handed out only after the commit.
        let results = try store.log.write { txn in
            var context = AppendContext()
            return try requests.map { events -> Result<[Appended], any Error> in
                let before = context
                do {
                    // A rejected event writes nothing (Store.append checks everything first), so a
                    // request of one event needs no savepoint of its own.
                    if events.count == 1 {
                        do {
                            return .success([try store.append(events[0], in: txn, context: &context)])
                        } catch var error as InputError {
                            error.index = 0
                            throw error
                        }
                    }
                    return .success(try txn.savepoint { nested in
                        try events.enumerated().map { index, event in
                            do {
                                return try store.append(event, in: nested, context: &context)
                            } catch var error as InputError {
                                error.index = index
                                throw error
                            }
                        }
                    })
                } catch let error as InputError {
                    // The savepoint undid this request's writes; forget what it taught the context too.
                    context = before
                    return .failure(error)
                }
            }
        }
        state.withLock { $0.commits += 1 }
        logger.debug("group commit", metadata: ["registry.requests": "\(requests.count)", "registry.events": "\(total)"])
        return results
    }
}
