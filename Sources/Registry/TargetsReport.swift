import EventLog
import Foundation

/// The `targets` report (§4): one row per live plan target whose period overlaps the report's,
/// with its minimum, the outcome its measure gives from the effective events, the share of the
/// minimum, the status, the pace during a running period, and the newest assessment's comment.
extension Store {
    /// The targets report; `query.today` (or the real today) decides whether a period runs.
    func targetsReport(_ query: ReportQuery) throws -> Report {
        if query.compare != nil {
            throw InputError(field: "compare", "the targets report has no comparison; ask for each period on its own")
        }
        let position = try resolve(query.asOf)
        let today = query.today ?? Day.today()
        // The day the outcome runs to: an as-of instant's day, or today.
        var day = today
        if case .instant(let date) = query.asOf { day = min(today, Day.today(at: date)) }
        return try log.read { txn in
            let effective = EffectiveEvents(store: self, txn: txn, asOf: position)
            let recorded: Milliseconds?
            if case .instant(let date) = query.asOf {
                recorded = Milliseconds((date.timeIntervalSince1970 * 1000).rounded())
            } else {
                recorded = try position > 0 ? txn.event(at: position)?.recorded : nil
            }
            let targets = try liveVersions(kind: .target, in: txn, effective: effective).compactMap { live -> (PlanTarget, Period)? in
                guard case .target(let target) = live.event.fact, let period = try? Period.parse(target.period) else { return nil }
                guard period.first <= query.period.last, period.last >= query.period.first else { return nil }
                guard query.unit == nil || query.unit == target.unit else { return nil }
                return (target, period)
            }
            let assessments = try liveVersions(kind: .assessment, in: txn, effective: effective)
            var rows: [Report.Row] = []
            for (target, period) in targets {
                // The newest assessment of this target: made on or after its period began (so an
                // older target's under a reused key does not count), latest by date, then log order.
                let newest = assessments.compactMap { live -> (Day, Position, PlanAssessment)? in
                    guard case .assessment(let a) = live.event.fact, a.target == target.key, live.event.occurred >= period.first else { return nil }
                    return (live.event.occurred, live.original, a)
                }.max { ($0.0, $0.1) < ($1.0, $1.1) }?.2
                let running = period.first <= day && day <= period.last
                var texts: [String: String] = [:], absent: Set<String> = []
                var outcome: Int?
                var status: AssessmentStatus?
                if let measure = target.measure, let minimum = target.minimum {
                    let soFar = try self.outcome(of: measure, from: period.first, through: min(period.last, day), effective: effective, in: txn)
                    outcome = soFar
                    status = soFar >= minimum ? .achieved : (day > period.last ? .notAchieved : .ongoing)
                    if running {
                        texts["pace"] = try onTrack(measure, minimum: minimum, soFar: soFar, period: period, day: day, effective: effective, in: txn) ? "on-track" : "behind"
                    }
                } else {
                    outcome = newest?.value
                    if newest == nil, day <= period.last { status = .ongoing }
                }
                if let newest {
                    status = newest.status
                    if let comment = newest.comment { texts["comment"] = comment }
                }
                if let status { texts["status"] = status.rawValue }
                let share: Int? = if let outcome, let minimum = target.minimum, minimum > 0 { (outcome * 100 + minimum / 2) / minimum } else { nil }
                if target.minimum == nil { absent.insert("minimum") }
                if outcome == nil { absent.insert("outcome") }
                if share == nil { absent.insert("share") }
                rows.append(Report.Row(
                    key: target.key, label: target.text, cells: [target.minimum ?? 0, outcome ?? 0, share ?? 0, 0, 0, 0],
                    texts: texts, absent: absent))
            }
            var report = Report(
                name: ReportName.targets.rawValue, period: query.period, asOfSeq: position, asOfRecorded: recorded,
                columns: Self.targetColumns, rows: rows, notes: targetNotes(targets.map(\.0)), compare: nil)
            // `--by`: each target's outcome within each sub-period of its own period (SPEC §4:
            // status and pace belong to the whole period, so the groups hold the numbers only).
            if let by = query.by {
                let columns = Array(Self.targetColumns.prefix { $0.kind == .number })
                report.series = try Self.subPeriods(of: query.period, by: by).map { part in
                    let rows = try targets.map { target, period -> Report.Row in
                        let from = max(period.first, part.first), to = min(period.last, part.last, day)
                        var absent: Set<String> = target.minimum == nil ? ["minimum"] : []
                        var outcome = 0, share = 0
                        if let measure = target.measure, from <= to {
                            outcome = try self.outcome(of: measure, from: from, through: to, effective: effective, in: txn)
                            if let minimum = target.minimum, minimum > 0 { share = (outcome * 100 + minimum / 2) / minimum } else { absent.insert("share") }
                        } else {
                            absent.formUnion(["outcome", "share"])
                        }
                        return Report.Row(key: target.key, label: target.text, cells: [target.minimum ?? 0, outcome, share], texts: [:], absent: absent)
                    }
                    return Report(
                        name: ReportName.targets.rawValue, period: part, asOfSeq: position, asOfRecorded: recorded,
                        columns: columns, rows: rows, notes: [], compare: nil)
                }
            }
            return report
        }
    }

    static let targetColumns = [
        Report.Column(key: "minimum", label: "Lägsta nivå"),
        Report.Column(key: "outcome", label: "Utfall"),
        Report.Column(key: "share", label: "Andel"),
        Report.Column(key: "status", label: "Status", kind: .code),
        Report.Column(key: "pace", label: "Takt", kind: .code),
        Report.Column(key: "comment", label: "Kommentar", kind: .text),
    ]

    /// The footnotes of the demo's 2013 targets (`History.targetNotes`), where the printed
    /// annual report disagrees with its tables or the events: shown beside those targets.
    private func targetNotes(_ targets: [PlanTarget]) -> [(key: String, value: String)] {
        let keys = Set(targets.filter { $0.period == "2013" }.map(\.key))
        return History.targetNotes.filter { keys.contains($0.key) }
    }

    /// Whether the outcome so far keeps pace: against the same days of the previous year when
    /// that year has events for the measure, else against a straight line from 0 to the minimum.
    private func onTrack(
        _ measure: Measure, minimum: Int, soFar: Int, period: Period, day: Day, effective: EffectiveEvents, in txn: ReadTransaction
    ) throws -> Bool {
        let before = period.yearBefore
        let previousYear = try outcome(of: measure, from: before.first, through: before.last, effective: effective, in: txn)
        if previousYear > 0 {
            return soFar >= (try outcome(of: measure, from: before.first, through: day.yearBefore, effective: effective, in: txn))
        }
        let elapsed = Int(day.ordinal - period.first.ordinal) + 1, total = Int(period.last.ordinal - period.first.ordinal) + 1
        return soFar * total >= minimum * elapsed
    }

    /// What `measure` sums over the effective events that occurred in `first...last`.
    func outcome(of measure: Measure, from first: Day, through last: Day, effective: EffectiveEvents, in txn: ReadTransaction) throws -> Int {
        let kind = measure.kind.map { UInt32(ActivityKind.allCases.firstIndex(of: $0)!) }
        let fields = Measure.countFields(of: measure.type) ?? []
        let parts = measure.sum.split(separator: "+").compactMap { fields.firstIndex(of: String($0)) }
        let needle = measure.match?.contains.lowercased()
        var quarters = 0, total = 0
        try effective.forEach(from: first, through: last) { record in
            guard record.type == measure.type else { return }
            if let kind, record.b != kind { return }
            if let needle, let field = measure.match?.field {
                // Only a text filter needs the event itself.
                guard let text = try matchedText(field, at: record.position, in: txn), text.lowercased().contains(needle) else { return }
            }
            switch measure.sum {
            case "events": total += 1
            case "teacher_training_days": quarters += Int(record.a) * Int(record.b)
            default:
                for part in parts { total += Int(part == 0 ? record.a : record.b) }
            }
        }
        // Whole days, rounded down.
        return measure.sum == "teacher_training_days" ? quarters / 4 : total
    }

    /// The text of `field` in the event at `position` (a correction's replacement for a correction).
    private func matchedText(_ field: String, at position: Position, in txn: ReadTransaction) throws -> String? {
        guard let stored = try txn.event(at: position) else { return nil }
        var event = try RecordedEvent(stored).event
        if case .correction(let c) = event.fact { event = c.replacement }
        switch (event.fact, field) {
        case (.visit(let v), "theme"): return v.theme
        case (.training(let t), "programme"): return t.programme
        case (.conference(let c), "name"): return c.name
        case (.lecture(let l), "title"): return l.title
        case (.activity(let a), "programme"): return a.programme
        case (.activity(let a), "title"): return a.title
        default: return nil
        }
    }

    /// The live version of every event that claims under `kind` as of the effective events'
    /// position, in log order of the originals.
    private func liveVersions(kind: Claim.Kind, in txn: ReadTransaction, effective: EffectiveEvents) throws -> [(original: Position, event: Event)] {
        var claims: [Claim] = []
        try txn.scanBlocks(self.claims, from: [kind.rawValue], through: [kind.rawValue] + [UInt8](repeating: 0xFF, count: 32)) { _, values in
            for offset in stride(from: 0, to: values.count, by: Claim.size) { claims.append(Claim(values, at: offset)) }
        }
        var result: [(original: Position, event: Event)] = []
        for claim in claims where claim.by <= effective.asOf {
            let fate = try effective.fate(ofOriginal: claim.original, day: claim.day.ordinal)
            guard !fate.retracted, fate.latestCorrection == (claim.by == claim.original ? 0 : claim.by) else { continue }
            guard let stored = try txn.event(at: claim.by) else { continue }
            var event = try RecordedEvent(stored).event
            if case .correction(let c) = event.fact { event = c.replacement }
            result.append((claim.original, event))
        }
        return result.sorted { $0.original < $1.original }
    }
}

extension Day {
    /// The same day a year earlier (29 February becomes 28 February).
    var yearBefore: Day {
        let (y, m, d) = components
        return Day(year: y - 1, month: m, day: min(d, Day.daysIn(month: m, year: y - 1))) ?? self
    }
}
