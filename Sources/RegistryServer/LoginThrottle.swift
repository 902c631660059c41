import EventLog

/// Slows password guessing: after `allowed` failed sign-ins (five by default) for one key (an
/// address, an address and a user name, a token), that key is locked for a minute, and each
/// further failure doubles the lock (up to an hour). Failures are forgotten a quarter of an
/// hour after the last one.
final class LoginThrottle: Sendable {
    private struct Entry {
        var failures = 0
        var last: ContinuousClock.Instant
        var lockedUntil: ContinuousClock.Instant?
    }

    static let allowedFailures = 5
    /// Failures from one address for all names together: an office behind one address has
    /// several people who mistype.
    static let allowedFailuresPerAddress = 20
    private let allowed: Int
    private let entries = Locked<[String: Entry]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    init(allowed: Int = LoginThrottle.allowedFailures, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.allowed = allowed
        self.now = now
    }

    /// How long until any of `keys` may try again; nil when none is locked.
    func wait(for keys: [String]) -> Duration? {
        let now = now()
        return entries.withLock { entries in
            keys.compactMap { entries[$0]?.lockedUntil }.filter { $0 > now }.max().map { now.duration(to: $0) }
        }
    }

    /// Counts a failed attempt against every key.
    func fail(_ keys: [String]) {
        let now = now()
        entries.withLock { entries in
            if entries.count > 10_000 {
                entries = entries.filter { $0.value.last.duration(to: now) < .seconds(900) }
                // Still many (from many addresses): keep only the locks, so memory stays bounded.
                if entries.count > 10_000 { entries = entries.filter { ($0.value.lockedUntil ?? now) > now } }
            }
            for key in keys {
                var entry = entries[key] ?? Entry(last: now)
                if entry.last.duration(to: now) > .seconds(900) { entry = Entry(last: now) }
                entry.failures += 1
                entry.last = now
                let excess = entry.failures - allowed
                if excess >= 0 {
                    entry.lockedUntil = now + .seconds(min(60 << min(excess, 6), 3600))
                }
                entries[key] = entry
            }
        }
    }

    /// Forgets the failures of `keys` after a successful sign-in.
    func succeed(_ keys: [String]) {
        entries.withLock { entries in
            for key in keys { entries[key] = nil }
        }
    }
}
