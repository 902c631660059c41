import EventLog
import Foundation
import Registry

/// The MC cases as the coach page lists them: each case with its latest outcome.
struct CaseList {
    struct Case {
        /// The id of the case's original event (what a fix or undo targets).
        let id: EventID?
        let caseID: String
        let municipality: Municipality
        let service: Service
        let gender: Gender?
        let opened: Day
        var outcome: (outcome: Outcome, on: Day, id: EventID?)?
    }

    /// Newest first.
    let cases: [Case]

    init(_ state: Activity.State) {
        var byID: [String: Case] = [:]
        var order: [String] = []
        // Oldest first, so that outcomes find their case and the latest outcome wins.
        for event in state.events([.mcCase, .mcOutcome]).reversed() {
            switch event.fact {
            case .mcCase(let c):
                if byID[c.caseID] == nil { order.append(c.caseID) }
                byID[c.caseID] = Case(id: event.id, caseID: c.caseID, municipality: c.municipality, service: c.service, gender: c.gender, opened: event.occurred)
            case .outcome(let o):
                byID[o.caseID]?.outcome = (o.outcome, event.occurred, event.id)
            default:
                break
            }
        }
        cases = order.reversed().compactMap { byID[$0] }
    }

    /// Cases without an outcome, newest first.
    var open: [Case] { cases.filter { $0.outcome == nil } }

    /// The cases whose id, municipality name or municipality code begins with `text`, in any
    /// letter case and with or without å ä ö (folded as municipality names are looked up),
    /// newest first.
    func matching(_ text: String) -> [Case] {
        let wanted = Municipality.fold(text)
        return cases.filter { c in
            Municipality.fold(c.caseID).hasPrefix(wanted) || Municipality.fold(c.municipality.name).hasPrefix(wanted)
                || c.municipality.code.hasPrefix(wanted)
        }
    }

    func find(_ caseID: String) -> Case? { cases.first { $0.caseID == caseID } }

    /// The one case whose id is `caseID` in other letter case; nil when none or several.
    func find(ignoringCase caseID: String) -> Case? {
        let wanted = caseID.lowercased()
        let found = cases.filter { $0.caseID.lowercased() == wanted }
        return found.count == 1 ? found[0] : nil
    }

    /// A fresh pseudonymous case id such as `MC-2026-K7QM`.
    func suggestedID(year: Int) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        while true {
            let id = "MC-\(year)-" + String((0..<4).map { _ in alphabet.randomElement()! })
            if find(id) == nil { return id }
        }
    }
}
