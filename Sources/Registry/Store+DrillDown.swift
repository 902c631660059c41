import EventLog

/// What has happened to an original event now: the retraction that undid it and the newest
/// correction that replaced it (each its position, nil when none).
public struct Supersession: Sendable, Equatable {
    public var retraction: Position?
    public var correction: Position?
}

extension Store {
    /// The supersessions of `originals` (their positions and occurred days) as of the head,
    /// for those that have one; read in one transaction, for a page of the log.
    public func supersessions(of originals: [(position: Position, occurred: Day)]) throws -> [Position: Supersession] {
        try log.read { txn in
            let effective = EffectiveEvents(store: self, txn: txn, asOf: try txn.head().position)
            var result: [Position: Supersession] = [:]
            for original in originals {
                let fate = try effective.fate(ofOriginal: original.position, day: original.occurred.ordinal)
                guard fate.retraction > 0 || fate.latestCorrection > 0 else { continue }
                result[original.position] = Supersession(
                    retraction: fate.retraction > 0 ? fate.retraction : nil, correction: fate.latestCorrection > 0 ? fate.latestCorrection : nil)
            }
            return result
        }
    }
}
