import EventLog
import Foundation
import Registry

/// One line of Swedish that says what an event records, for lists and confirmations.
enum EventSummary {
    /// The line for `event`; `seq` gives the log number of a retraction's or correction's
    /// target, since people know events by number (the log's "Nr"), never by id.
    static func text(_ event: Event, seq: (EventID) -> Position? = { _ in nil }) -> String {
        func origin(_ origin: Origin) -> String? {
            switch origin {
            case .unknown: nil
            case .municipality(let m): m.name
            case .organisation(let name): name
            }
        }
        func join(_ parts: String?...) -> String { parts.compactMap { $0 }.joined(separator: " · ") }
        switch event.fact {
        case .visit(let v):
            return join(origin(v.origin), v.school, v.theme.map { "tema \($0)" }, "\(v.pupils.counted("elev", "elever")), \(v.teachers) lärare")
        case .training(let t):
            return join(origin(t.origin), t.programme, "\(t.participants) deltagare × \(days(t.days)) \(t.days.quarters == 4 ? "dag" : "dagar")")
        case .publicVisit(let p):
            return join(origin(p.origin), "\(p.children) barn, \(p.adults.counted("vuxen", "vuxna"))")
        case .conference(let c):
            return join(origin(c.origin), c.name, "\(c.participants) deltagare")
        case .lecture(let l):
            return join(origin(l.origin), l.title, "\(l.attendees) åhörare")
        case .mcCase(let c):
            return join("ärende \(c.caseID)", c.municipality.name, c.service.label, c.gender?.label)
        case .outcome(let o):
            return join("ärende \(o.caseID)", o.municipality.name, o.outcome.label)
        case .grant(let g):
            return join(g.grant, g.project, g.applicant, g.area.label, "\(amount(g.amountSEK)) kr", g.decision.label)
        case .membership(let m):
            let end = m.to.map { " till \($0)" } ?? ""
            return join(m.municipality.name, m.unit.label, m.role == .member ? "medlem" : "adjungerad", "från \(m.from)\(end)")
        case .retraction(let r):
            return "ångrar \(numbered(r.target)) · orsak: \(r.reason)"
        case .correction(let c):
            return "rättar \(numbered(c.target)) till: \(text(c.replacement)) · orsak: \(c.reason)"
        case .activity(let a):
            return join(a.kind.label, a.programme, a.title, a.municipality?.name, a.participants.counted("deltagare", "deltagare"))
        case .target(let t):
            return join(t.unit.label, t.period, t.text, t.minimum.map { "lägst \(amount($0))" })
        case .assessment(let a):
            return join("mål \(a.target)", Report.codeLabels[a.status.rawValue], a.value.map(amount), a.comment)
        }
        func numbered(_ id: EventID) -> String { seq(id).map { "händelse \($0)" } ?? "en tidigare händelse" }
    }

    /// The note on one line (a correction's: its replacement's), at most `limit` characters
    /// with "…" where it was cut; nil when there is none.
    static func note(_ event: Event, limit: Int = 80) -> String? {
        let note = if case .correction(let c) = event.fact { c.replacement.note } else { event.note }
        guard let words = note?.split(whereSeparator: \.isWhitespace), !words.isEmpty else { return nil }
        return shortened(words.joined(separator: " "), limit: limit)
    }

    /// `text` cut to at most `limit` Unicode scalars, with "…" where it was cut. Counted in
    /// scalars, not characters: one character can hold any number of combining marks, and
    /// a list must stay small whatever was typed.
    static func shortened(_ text: String, limit: Int) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(max(limit - 1, 0)))
        return String(scalars).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// How many scalars of an event's line a list shows (a confirmation shows all of it).
    static let listLimit = 160

    /// The event a retraction or correction refers to.
    static func target(of event: Event) -> EventID? {
        switch event.fact {
        case .retraction(let r): r.target
        case .correction(let c): c.target
        default: nil
        }
    }

    /// The log numbers of the events that `events` retract or correct.
    static func targetSeqs(_ events: [Event], in store: Store) throws -> [EventID: Position] {
        var seqs: [EventID: Position] = [:]
        for id in events.compactMap(target(of:)) where seqs[id] == nil {
            seqs[id] = try store.event(id: id)?.seq
        }
        return seqs
    }

    /// Days with a decimal comma, as Swedes write them (`0,5`).
    static func days(_ days: TrainingDays) -> String {
        days.description.replacingOccurrences(of: ".", with: ",")
    }

    /// An amount with thin spaces between thousands (`1 250 000`).
    static func amount(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(digit)
        }
        return out
    }
}
