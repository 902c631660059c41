import EventLog

/// The federation's 2012–2013 history (SPEC §7): individual Navet visits, training sessions,
/// public days, conferences and lectures, MC cases and outcomes, grant decisions and a few
/// mistakes fixed later, spread over the Swedish school calendar so that the effective events
/// reproduce the published tables cell for cell.
public enum History {
    /// The deterministic 2012–2013 history (fixed seed, fixed ids), in the order to append it.
    public static func events() -> [Event] {
        var builder = HistoryBuilder(seed: 0x4E61_7665_7432_3013)
        for year in [2012, 2013] { builder.navet(year: year) }
        builder.coaching()
        builder.grants()
        builder.mistakes()
        // The 2013 plan and MC's activities, in date order among the rest (after them on the
        // same day); their ids come from a stream of their own, so no other event's changes.
        let base = builder.ordered(), plan = HistoryPlan.events()
        var merged: [Event] = []
        merged.reserveCapacity(base.count + plan.count)
        var i = 0, j = 0
        while i < base.count || j < plan.count {
            if j == plan.count || (i < base.count && base[i].occurred <= plan[j].occurred) {
                merged.append(base[i]); i += 1
            } else {
                merged.append(plan[j]); j += 1
            }
        }
        return merged
    }
}

// MARK: - Published targets

/// One row of a published Navet table.
private struct NavetRow {
    enum Kind { case member(String), other, organisation(String) }
    let kind: Kind
    let pupils, teachers, training, children, adults, conference, lecture: Int
}

private enum HistoryTargets {
    static let navet: [Int: [NavetRow]] = [
        2012: [
            NavetRow(kind: .member("1443"), pupils: 1205, teachers: 70, training: 91, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1490"), pupils: 12259, teachers: 1300, training: 3183, children: 600, adults: 1200, conference: 0, lecture: 0),
            NavetRow(kind: .member("1463"), pupils: 3618, teachers: 502, training: 3343, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1465"), pupils: 1268, teachers: 100, training: 543, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1452"), pupils: 1901, teachers: 535, training: 497, children: 150, adults: 100, conference: 0, lecture: 0),
            NavetRow(kind: .member("1491"), pupils: 2212, teachers: 145, training: 1299, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .other, pupils: 3208, teachers: 600, training: 2944, children: 7684, adults: 6382, conference: 637, lecture: 0),
        ],
        2013: [
            NavetRow(kind: .member("1443"), pupils: 538, teachers: 45, training: 49, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1490"), pupils: 7879, teachers: 441, training: 3932, children: 700, adults: 500, conference: 0, lecture: 825),
            NavetRow(kind: .member("1463"), pupils: 1428, teachers: 125, training: 147, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1465"), pupils: 814, teachers: 65, training: 14, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1452"), pupils: 700, teachers: 62, training: 96, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .member("1491"), pupils: 957, teachers: 54, training: 1149, children: 0, adults: 0, conference: 0, lecture: 0),
            NavetRow(kind: .other, pupils: 1080, teachers: 75, training: 4382, children: 7122, adults: 8465, conference: 3644, lecture: 0),
            NavetRow(kind: .organisation("HB"), pupils: 0, teachers: 0, training: 900, children: 0, adults: 0, conference: 0, lecture: 0),
        ],
    ]

    /// Lärarutbildningsdagar (Σ participants × days) of the annual report's footnotes.
    static let trainingDays = [2012: 5439, 2013: 4794]

    /// MC outcomes 2013: one row per `Outcome` (in its order), columns Bollebygd, Borås, Mark, Svenljunga, Tranemo.
    static let outcomes2013: [[Int]] = [
        [0, 9, 2, 1, 0], [0, 49, 3, 1, 2], [0, 6, 2, 3, 2], [0, 11, 3, 1, 0], [0, 4, 1, 1, 0],
        [0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 2, 0, 0, 1],
    ]
    static let mcMembers = ["1443", "1490", "1463", "1465", "1452"]
}

// MARK: - Calendar

/// Swedish school and holiday calendar for 2012–2013, as Navet and MC plan by it.
private enum HistoryCalendar {
    /// Red days plus the de facto holidays midsummer, Christmas and New Year's Eve.
    static let holidays: Set<Day> = Set([
        "2012-01-01", "2012-01-06", "2012-04-06", "2012-04-08", "2012-04-09", "2012-05-01", "2012-05-17",
        "2012-05-27", "2012-06-06", "2012-06-22", "2012-06-23", "2012-11-03", "2012-12-24", "2012-12-25",
        "2012-12-26", "2012-12-31",
        "2013-01-01", "2013-01-06", "2013-03-29", "2013-03-31", "2013-04-01", "2013-05-01", "2013-05-09",
        "2013-05-19", "2013-06-06", "2013-06-21", "2013-06-22", "2013-11-02", "2013-12-24", "2013-12-25",
        "2013-12-26", "2013-12-31",
    ].map(isoDay))

    /// Navet is closed to the public on these holidays.
    static let closed: Set<Day> = Set(["2012-01-01", "2012-06-22", "2012-12-24", "2012-12-25", "2012-12-31",
                                       "2013-01-01", "2013-06-21", "2013-12-24", "2013-12-25", "2013-12-31"].map(isoDay))

    static func isWeekend(_ d: Day) -> Bool { d.weekday >= 5 }
    static func isWorkday(_ d: Day) -> Bool { !isWeekend(d) && !holidays.contains(d) }

    /// Workdays in the given inclusive ranges, minus the excluded ranges.
    static func workdays(_ ranges: [(String, String)], except breaks: [(String, String)] = []) -> [Day] {
        dates(ranges, except: breaks).filter(isWorkday)
    }

    static func dates(_ ranges: [(String, String)], except breaks: [(String, String)] = []) -> [Day] {
        let excluded = breaks.map { (isoDay($0.0), isoDay($0.1)) }
        return ranges.flatMap { range -> [Day] in
            let (first, last) = (isoDay(range.0), isoDay(range.1))
            return (0...Int(last.ordinal - first.ordinal)).map { first.adding(days: $0) }
        }.filter { d in !excluded.contains { $0.0 <= d && d <= $0.1 } }
    }

    /// Class visits: term days, without sportlov, påsklov, klämdag and höstlov; none in spring 2013 (rebuilding).
    static func schoolDays(_ year: Int) -> [Day] {
        year == 2012
            ? workdays([("2012-01-09", "2012-06-14"), ("2012-08-20", "2012-12-20")],
                       except: [("2012-02-13", "2012-02-17"), ("2012-04-10", "2012-04-13"), ("2012-05-18", "2012-05-18"), ("2012-10-29", "2012-11-02")])
            : workdays([("2013-08-19", "2013-12-20")], except: [("2013-10-28", "2013-11-01")])
    }

    /// Teacher training: terms plus the teachers' planning weeks in June and August.
    static func trainingDays(_ year: Int) -> [Day] {
        year == 2012
            ? workdays([("2012-01-09", "2012-06-20"), ("2012-08-08", "2012-12-20")], except: [("2012-02-13", "2012-02-17"), ("2012-10-29", "2012-11-02")])
            : workdays([("2013-01-07", "2013-06-20"), ("2013-08-07", "2013-12-20")], except: [("2013-02-11", "2013-02-15"), ("2013-10-28", "2013-11-01")])
    }

    /// Weekends and holidays the house is open; in 2013 closed from mid-March until Nya Navet opened (2013-05-18).
    static func publicDays(_ year: Int) -> [Day] {
        let all = year == 2012
            ? dates([("2012-01-01", "2012-12-31")])
            : dates([("2013-01-01", "2013-12-31")], except: [("2013-03-16", "2013-05-17")])
        return all.filter { (isWeekend($0) || holidays.contains($0)) && !closed.contains($0) }
    }

    /// Conferences: weekdays in term; in 2013 only once Kuben was ready.
    static func conferenceDays(_ year: Int) -> [Day] {
        year == 2012
            ? workdays([("2012-01-16", "2012-06-15"), ("2012-08-20", "2012-12-14")])
            : workdays([("2013-05-20", "2013-06-14"), ("2013-08-19", "2013-12-13")])
    }

    static let lectureDays = workdays([("2013-05-20", "2013-06-13"), ("2013-09-02", "2013-12-12")])

    /// MC is open on workdays except the summer close and Christmas.
    static func mcDays(_ year: Int) -> [Day] {
        year == 2012
            ? workdays([("2012-01-02", "2012-12-21")], except: [("2012-07-02", "2012-08-03")])
            : workdays([("2013-01-02", "2013-12-20")], except: [("2013-07-01", "2013-08-02")])
    }
}

private func isoDay(_ iso: String) -> Day { Day(iso: iso)! }
private func kommun(_ code: String) -> Municipality { Municipality.byCode(code)! }

// MARK: - Vocabulary of the history

private enum HistoryNames {
    static let schools: [String: [String]] = [
        "1443": ["Bollebygdskolan", "Olsfors skola", "Töllsjö skola"],
        "1490": ["Sandgärdskolan", "Engelbrektskolan", "Daltorpskolan", "Bodaskolan", "Särlaskolan", "Erikslundskolan",
                 "Björkhöjdskolan", "Fristadskolan", "Sjöboskolan", "Dalsjöskolan", "Sörmarkskolan", "Trandaredskolan",
                 "Myråsskolan", "Aplareds skola", "Viskafors skola", "Gula skolan"],
        "1463": ["Kunskapens hus", "Sätilaskolan", "Ängskolan", "Kinnaskolan", "Berghemsskolan", "Fritslaskolan"],
        "1465": ["Mogaskolan", "Kindbo skola", "Östra Frölunda skola"],
        "1452": ["Tranängskolan", "Limmaredsskolan", "Grimsås skola", "Länghemsskolan"],
        "1491": ["Ätradalsskolan", "Hössnaskolan", "Timmele skola", "Stenbockskolan", "Tingsholmsgymnasiet"],
        "1480": ["Bräckeskolan", "Kvibergsskolan", "Hvitfeldtska gymnasiet"],
        "1383": ["Påskbergsskolan", "Östra skolan"],
        "1382": ["Tröingebergsskolan", "Falkenbergs gymnasieskola"],
        "1489": ["Stadsskogenskolan", "Noltorpsskolan"],
        "1442": ["Ljungskolan", "Nygårdsskolan"],
        "1466": ["Altorpskolan", "Mörlandaskolan"],
        "0662": ["Gyllenfors skola", "Åsenskolan"],
        "0680": ["Bäckalyckeskolan"],
        "1401": ["Landvetterskolan", "Mölnlycke skola"],
    ]
    static let themes = [
        2012: [("Draken Berta", 6), ("Kriminalfallen", 5), ("Matematikpalatset", 5), ("Ljus och färg", 2), ("Rymden", 2), ("Energi", 2)],
        2013: [("Hållbara val", 6), ("Draken Berta", 4), ("Kriminalfallen", 4), ("Matematikpalatset", 4), ("Styr- och reglerteknik", 1), ("Livets vatten", 2)],
    ]
    static let programmes = [
        2012: [("Entreprenöriellt lärande (STEPS)", 5), ("Kunskap och känsla", 4), ("Nya läroplanen", 5), ("Naturvetenskap och teknik i förskolan", 2)],
        2013: [("Entreprenöriellt lärande (ESIF)", 4), ("Kunskap och känsla", 5), ("Nya läroplanen", 4), ("Matematiklyftet", 3), ("Naturvetenskap och teknik i förskolan", 2)],
    ]
    static let conferences = [
        2012: ["STEPS avslutningskonferens", "Spridningskonferens Våga vilja välja", "Energikonferens", "NO-biennal"],
        2013: ["Miljökonferens: resfria möten och elbilar", "IPLA Global Forum", "NO-biennal", "Pedagogisk konferens i Kuben",
               "Skolledarkonferens Boråsregionen", "Riksringens nätverksträff", "Konferens i Kuben", "Energikonferens"],
    ]
    static let lectures = ["Hållbar utveckling i vardagen", "Kemins magi med Draken Berta", "Hjärnan och lärandet",
                           "Matematik överallt", "Rymden just nu", "Energi för framtiden"]

    /// Where Övriga comes from, per kind of activity (nil: unknown origin).
    static let otherVisits: [(String?, Int)] = [("1442", 4), ("1466", 4), ("1489", 3), ("1480", 3), ("1383", 2), ("1382", 2), ("0662", 2), ("0680", 1), ("1401", 1), (nil, 1)]
    static let otherTraining: [(String?, Int)] = [("1401", 5), ("1480", 3), ("1489", 2), ("1442", 2), ("1466", 2), ("1441", 2), ("1383", 1), ("1382", 1), ("0680", 1), ("0662", 1), ("1384", 1), (nil, 2)]
    static let otherConferences: [(String?, Int)] = [(nil, 8), ("1480", 2), ("0680", 1), ("1383", 1), ("1380", 1)]
    static let publicGroups = ["1480", "1383", "1489", "1442", "1466", "1382"]
}

// MARK: - Builder

/// Helpers over the platform-independent `SeededRandom` (the standard library's may change).
private extension SeededRandom {
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var ticket = int(0...items.reduce(0) { $0 + $1.1 } - 1)
        for (item, weight) in items {
            if ticket < weight { return item }
            ticket -= weight
        }
        return items[items.count - 1].0
    }

    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, int(0...i)) }
    }

    /// `count` weights around 100, ± `spread`.
    mutating func weights(_ count: Int, spread: Int) -> [Int] { (0..<count).map { _ in 100 + int(-spread...spread) } }
}

/// Splits `total` into one part per weight, each at least `minimum`, the rest shared by weight;
/// cumulative rounding makes the parts add up to `total` exactly.
private func splitExactly(_ total: Int, weights: [Int], minimum: Int = 0) -> [Int] {
    precondition(!weights.isEmpty && total >= minimum * weights.count, "cannot split \(total) into \(weights.count) parts")
    let rest = total - minimum * weights.count, sum = weights.reduce(0, +)
    var parts: [Int] = [], cumulative = 0, given = 0
    parts.reserveCapacity(weights.count)
    for weight in weights {
        cumulative += weight
        let upTo = rest * cumulative / sum
        parts.append(minimum + upTo - given)
        given = upTo
    }
    return parts
}

private struct HistoryBuilder {
    private var random: SeededRandom
    /// Ids come from their own stream, so they depend only on the order events are made in.
    private var ids: SeededRandom
    private var events: [Event] = []

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        ids = SeededRandom(seed: ~seed)
    }

    /// Appends an event with the next fixed id; returns its index.
    @discardableResult
    private mutating func add(_ occurred: Day, by: String, note: String? = nil, _ fact: Fact) -> Int {
        events.append(Event(id: .random(using: &ids), occurred: occurred, by: by, note: note, fact: fact))
        return events.count - 1
    }

    /// Date order; ties (and a fix made the day its target occurred) keep the order of making.
    func ordered() -> [Event] {
        events.indices.sorted { (events[$0].occurred, $0) < (events[$1].occurred, $1) }.map { events[$0] }
    }

    private mutating func origin(_ row: NavetRow, from others: [(String?, Int)]) -> Origin {
        switch row.kind {
        case .member(let code): return .municipality(kommun(code))
        case .organisation(let name): return .organisation(name)
        case .other: return random.weighted(others).map { .municipality(kommun($0)) } ?? .unknown
        }
    }

    // MARK: Navet

    mutating func navet(year: Int) {
        let rows = HistoryTargets.navet[year]!
        for row in rows { visits(year: year, row: row) }
        training(year: year, rows: rows)
        for row in rows { publicDays(year: year, row: row) }
        for row in rows { conferences(year: year, row: row) }
        for row in rows { lectures(row: row) }
    }

    /// One event per class: about 22 pupils, and enough visits that each has 1–4 adults
    /// (preschool groups bring more staff per child, hence the smaller groups in some rows).
    private mutating func visits(year: Int, row: NavetRow) {
        guard row.pupils + row.teachers > 0 else { return }
        var count = max(1, (row.pupils + 11) / 22, (row.teachers + 3) / 4)
        if row.teachers > 0 { count = min(count, row.teachers) }
        let meanPupils = row.pupils / count
        let pupils = splitExactly(row.pupils, weights: random.weights(count, spread: 80), minimum: meanPupils / 2)
        let teachers = splitExactly(row.teachers, weights: random.weights(count, spread: 90), minimum: row.teachers >= count ? 1 : 0)
        let days = HistoryCalendar.schoolDays(year)
        for i in 0..<count {
            let origin = origin(row, from: HistoryNames.otherVisits)
            var school: String?
            if case .municipality(let m) = origin, let names = HistoryNames.schools[m.code] { school = random.pick(names) }
            add(random.pick(days), by: "reception", .visit(NavetVisit(
                origin: origin, school: school, theme: random.weighted(HistoryNames.themes[year]!), pupils: pupils[i], teachers: teachers[i])))
        }
    }

    private struct Session {
        var row: Int
        var participants: Int
        var quarters: Int
    }

    /// Sessions of about 21 participants, mostly a quarter to a whole day, whose participants ×
    /// days add up to the year's published teacher training days exactly.
    private mutating func training(year: Int, rows: [NavetRow]) {
        var sessions: [Session] = []
        for (index, row) in rows.enumerated() where row.training > 0 {
            let count = max(1, (row.training + 10) / 21)
            let minimum = min(5, row.training / count)
            for participants in splitExactly(row.training, weights: random.weights(count, spread: 70), minimum: minimum) {
                sessions.append(Session(row: index, participants: participants, quarters: random.weighted([(1, 45), (2, 40), (3, 3), (4, 9), (6, 2), (8, 1)])))
            }
        }
        balance(&sessions, quarterDays: 4 * HistoryTargets.trainingDays[year]!)

        let days = HistoryCalendar.trainingDays(year)
        for session in sessions {
            let row = rows[session.row]
            let origin = origin(row, from: HistoryNames.otherTraining)
            let programme = if case .organisation = origin { "Lärarstudenter, Högskolan i Borås" } else { random.weighted(HistoryNames.programmes[year]!) }
            add(random.pick(days), by: "reception", .training(TeacherTraining(
                origin: origin, programme: programme, participants: session.participants, days: TrainingDays(quarters: session.quarters))))
        }
    }

    /// Hits Σ participants × quarters exactly: first whole steps of session length while they fit,
    /// then single participants moved between sessions of one row (which keeps the row's total)
    /// whose lengths differ by no more than what is left.
    private mutating func balance(_ sessions: inout [Session], quarterDays target: Int) {
        let steps = [1, 2, 3, 4, 6, 8]
        var delta = target - sessions.reduce(0) { $0 + $1.participants * $1.quarters }
        var order = Array(sessions.indices)
        random.shuffle(&order)
        var progress = true
        while delta != 0 && progress {
            progress = false
            for i in order where delta != 0 {
                let s = sessions[i], step = steps.firstIndex(of: s.quarters)!
                if delta > 0, step + 1 < steps.count, s.participants * (steps[step + 1] - s.quarters) <= delta {
                    delta -= s.participants * (steps[step + 1] - s.quarters)
                    sessions[i].quarters = steps[step + 1]
                    progress = true
                } else if delta < 0, step > 0, s.participants * (s.quarters - steps[step - 1]) <= -delta {
                    delta += s.participants * (s.quarters - steps[step - 1])
                    sessions[i].quarters = steps[step - 1]
                    progress = true
                }
            }
        }
        let byRow = Dictionary(grouping: sessions.indices, by: { sessions[$0].row })
        var attempts = 0
        while delta != 0 {
            attempts += 1
            precondition(attempts < 1_000_000, "teacher training days cannot be balanced")
            let a = random.int(0...sessions.count - 1)
            let b = random.pick(byRow[sessions[a].row]!)
            let gain = sessions[b].quarters - sessions[a].quarters
            guard a != b, sessions[a].participants > 5, sessions[b].participants < 45,
                  delta > 0 ? (1...delta).contains(gain) : (delta...(-1)).contains(gain) else { continue }
            sessions[a].participants -= 1
            sessions[b].participants += 1
            delta -= gain
        }
    }

    /// One unknown-origin event per open weekend or holiday (busier in the dark half of the year),
    /// plus a few groups from other municipalities; member rows are such groups only.
    private mutating func publicDays(year: Int, row: NavetRow) {
        guard row.children + row.adults > 0 else { return }
        let open = HistoryCalendar.publicDays(year)
        var slots: [(day: Day, origin: Origin, note: String?, weight: Int)] = []
        switch row.kind {
        case .other:
            for d in open {
                let season = [1, 2, 3, 10, 11, 12].contains(d.month) ? 130 : [6, 7, 8].contains(d.month) ? 70 : 100
                slots.append((d, .unknown, nil, season + random.int(-40...40)))
            }
            for _ in 0..<6 {
                slots.append((random.pick(open), .municipality(kommun(random.pick(HistoryNames.publicGroups))), "Gruppbesök", random.int(20...60)))
            }
        default:
            for _ in 0..<max(1, (row.children + row.adults) / 250) {
                slots.append((random.pick(open), origin(row, from: []), "Familjedag", random.int(60...140)))
            }
        }
        let weights = slots.map(\.weight)
        let children = splitExactly(row.children, weights: weights, minimum: row.children >= slots.count ? 1 : 0)
        let adults = splitExactly(row.adults, weights: weights, minimum: row.adults >= slots.count ? 1 : 0)
        for (i, slot) in slots.enumerated() {
            precondition(children[i] + adults[i] > 0)
            add(slot.day, by: "reception", note: slot.note, .publicVisit(PublicVisit(origin: slot.origin, children: children[i], adults: adults[i])))
        }
    }

    /// Conferences of roughly 40–350 participants.
    private mutating func conferences(year: Int, row: NavetRow) {
        guard row.conference > 0 else { return }
        let count = max(1, (row.conference + 90) / 180)
        let days = HistoryCalendar.conferenceDays(year)
        for participants in splitExactly(row.conference, weights: random.weights(count, spread: 70), minimum: 20) {
            add(random.pick(days), by: "reception", .conference(Conference(
                origin: origin(row, from: HistoryNames.otherConferences), name: random.pick(HistoryNames.conferences[year]!), participants: participants)))
        }
    }

    /// Lectures (2013 only) of a few dozen to about 130 attendees.
    private mutating func lectures(row: NavetRow) {
        guard row.lecture > 0 else { return }
        let count = max(1, (row.lecture + 37) / 75)
        for attendees in splitExactly(row.lecture, weights: random.weights(count, spread: 60), minimum: 15) {
            add(random.pick(HistoryCalendar.lectureDays), by: "reception", .lecture(Lecture(
                origin: origin(row, from: []), title: random.pick(HistoryNames.lectures), attendees: attendees)))
        }
    }

    // MARK: Medarbetarcentrum

    private struct OpenCase {
        let caseID: String
        let municipality: Municipality
        let day: Day
        var closed = false
    }

    /// About 500 cases a year (Borås most; 71 % women, 84 % core service), the 2013 outcome
    /// matrix exactly, and some outcomes of 2012.
    mutating func coaching() {
        var cases = openCases(year: 2012, count: 492) + openCases(year: 2013, count: 507)
        let members = HistoryTargets.mcMembers.map(kommun)
        let window2013 = (isoDay("2012-06-01"), isoDay("2013-11-15"))
        for (column, municipality) in members.enumerated() {
            var candidates = cases.indices.filter {
                cases[$0].municipality == municipality && window2013.0 <= cases[$0].day && cases[$0].day <= window2013.1
            }
            random.shuffle(&candidates)
            var next = 0
            for (outcome, counts) in zip(Outcome.allCases, HistoryTargets.outcomes2013) {
                for _ in 0..<counts[column] {
                    let c = candidates[next]
                    next += 1
                    cases[c].closed = true
                    let first = max(cases[c].day.adding(days: 14), isoDay("2013-01-02"))
                    let last = min(cases[c].day.adding(days: 240), isoDay("2013-12-20"))
                    record(outcome, of: cases[c], between: first, and: last, year: 2013)
                }
            }
        }
        var candidates2012 = cases.indices.filter { !cases[$0].closed && cases[$0].day <= isoDay("2012-10-31") }
        random.shuffle(&candidates2012)
        // 2012's outcomes are drawn in roughly 2013's proportions.
        let shares = zip(Outcome.allCases, HistoryTargets.outcomes2013).map { ($0, $1.reduce(1, +)) }
        for c in candidates2012.prefix(94) {
            let last = min(cases[c].day.adding(days: 200), isoDay("2012-12-20"))
            record(random.weighted(shares), of: cases[c], between: cases[c].day.adding(days: 14), and: last, year: 2012)
        }
    }

    private mutating func record(_ outcome: Outcome, of openCase: OpenCase, between first: Day, and last: Day, year: Int) {
        let days = HistoryCalendar.mcDays(year).filter { first <= $0 && $0 <= last }
        add(days.isEmpty ? first : random.pick(days), by: "coach", .outcome(CaseOutcome(
            caseID: openCase.caseID, municipality: openCase.municipality, outcome: outcome)))
    }

    private mutating func openCases(year: Int, count: Int) -> [OpenCase] {
        let byMunicipality = splitExactly(count, weights: [5, 66, 13, 8, 8])
        var municipalities = zip(HistoryTargets.mcMembers, byMunicipality).flatMap { Array(repeating: kommun($0), count: $1) }
        let female = (count * 71 + 50) / 100, core = (count * 84 + 50) / 100
        var genders = [Gender](repeating: .female, count: female) + [.other] + [Gender](repeating: .unspecified, count: 3)
        genders += [Gender](repeating: .male, count: count - genders.count)
        var services = [Service](repeating: .core, count: core) + [Service](repeating: .purchased, count: count - core)
        random.shuffle(&municipalities)
        random.shuffle(&genders)
        random.shuffle(&services)
        let workdays = HistoryCalendar.mcDays(year)
        let days = (0..<count).map { _ in random.pick(workdays) }.sorted()
        return (0..<count).map { i in
            let number = String(i + 1)
            let caseID = "MC-\(year)-" + String(repeating: "0", count: 4 - number.count) + number
            add(days[i], by: "coach", .mcCase(CoachingCase(caseID: caseID, municipality: municipalities[i], service: services[i], gender: genders[i])))
            return OpenCase(caseID: caseID, municipality: municipalities[i], day: days[i])
        }
    }

    // MARK: Growth grants

    /// The board's decisions; 2013's approved amounts stay within the 8 000 tkr available.
    mutating func grants() {
        typealias Row = (date: String, project: String, applicant: String, area: Area, lead: String?, tkr: Int, approved: Bool, funding: Funding?)
        let decisions: [Row] = [
            ("2012-09-21", "Drivhuset – idéutveckling för unga", "Drivhuset Borås", .tillvaxt, "1490", 400, true, .mixed),
            ("2012-09-21", "STEPS spridningsinsatser", "Navet Science Center", .utbildning, "1490", 250, true, .forbund),
            ("2012-09-21", "Sjuhärads kulturnatt", "Kulturföreningen Sjuhärad", .kultur, nil, 120, false, nil),
            ("2012-11-23", "Ung Företagsamhet Sjuhärad 2012/13", "Ung Företagsamhet Sjuhärad", .tillvaxt, nil, 300, true, .region),
            ("2012-11-23", "Laddinfrastruktur för elbilar", "Energikontor Sjuhärad", .miljo, nil, 350, true, .mixed),
            ("2012-11-23", "Ridled längs Viskan", "Viskadalens ridklubb", .infrastruktur, "1463", 90, false, nil),
            ("2013-02-08", "VO-college Boråsregionen, förstudie", "Boråsregionen Sjuhärads kommunalförbund", .utbildning, "1490", 350, true, .forbund),
            ("2013-02-08", "Drivhuset", "Drivhuset Borås", .tillvaxt, "1490", 550, true, .mixed),
            ("2013-02-08", "Inkubatorn i Borås", "Inkubatorn i Borås AB", .tillvaxt, "1490", 900, true, .region),
            ("2013-02-08", "Ung Företagsamhet", "Ung Företagsamhet Sjuhärad", .tillvaxt, nil, 400, true, .mixed),
            ("2013-02-08", "Handelsdagar i Ulricehamn", "Ulricehamns handelsförening", .tillvaxt, "1491", 150, false, nil),
            ("2013-04-19", "Kompetenscentrum luftfilter", "SP Sveriges Tekniska Forskningsinstitut", .miljo, "1490", 700, true, .region),
            ("2013-04-19", "Ett laboratorium för handelsforskning", "Högskolan i Borås", .tillvaxt, "1490", 750, true, .mixed),
            ("2013-04-19", "Probiz", "Almi Företagspartner Väst", .tillvaxt, nil, 350, true, .region),
            ("2013-04-19", "Resfria möten i Sjuhärad", "Boråsregionen Sjuhärads kommunalförbund", .miljo, nil, 200, true, .forbund),
            ("2013-04-19", "Bredband till landsbygden i Tranemo", "Tranemo kommun", .infrastruktur, "1452", 400, false, nil),
            ("2013-06-14", "Dans för alla Sjuhärad", "Dans för alla Sjuhärad", .kultur, nil, 250, true, .mixed),
            ("2013-06-14", "Kalvfestivalen", "Föreningen Kalvfestivalen", .kultur, "1465", 150, true, .forbund),
            ("2013-06-14", "Levande rollspel", "Studieförbundet Vuxenskolan Sjuhärad", .kultur, nil, 120, true, .forbund),
            ("2013-06-14", "Kulturskolans sommarläger", "Bollebygds kommun", .kultur, "1443", 80, true, .forbund),
            ("2013-06-14", "Sommarmusik i Ulricehamn", "Ulricehamns musiksällskap", .kultur, "1491", 180, false, nil),
            ("2013-06-14", "Mottagning av ensamkommande barn i samverkan", "Boråsregionen Sjuhärads kommunalförbund", .socialValfard, nil, 250, true, .mixed),
            ("2013-09-20", "Barnhus Sjuhärad, förstudie", "Boråsregionen Sjuhärads kommunalförbund", .socialValfard, nil, 150, true, .forbund),
            ("2013-09-20", "Besöksnäringen i Sjuhärad", "Västsvenska turistrådet", .tillvaxt, nil, 500, true, .mixed),
            ("2013-09-20", "Götalandsbanan – gemensamt påverkansarbete", "Boråsregionen Sjuhärads kommunalförbund", .infrastruktur, nil, 250, true, .forbund),
            ("2013-09-20", "Cykelled Ätradalen", "Ulricehamns kommun", .infrastruktur, "1491", 350, false, nil),
            ("2013-09-20", "Viskans vattenråd – fiskevård", "Viskans vattenråd", .miljo, "1463", 100, true, .region),
            ("2013-11-22", "Teknikcollege Sjuhärad, processledning", "Teknikcollege Sjuhärad", .utbildning, nil, 300, true, .forbund),
            ("2013-11-22", "Yrkesvux i Boråsregionen", "Boråsregionen Sjuhärads kommunalförbund", .utbildning, nil, 200, true, .forbund),
            ("2013-11-22", "Smart Textiles Showroom", "Textilhögskolan, Högskolan i Borås", .tillvaxt, "1490", 600, true, .region),
            ("2013-11-22", "Unga entreprenörer i Tranemo", "Tranemo Företagarförening", .tillvaxt, "1452", 120, false, nil),
            ("2013-11-22", "Integration genom idrott", "Svenljunga IF", .socialValfard, "1465", 200, false, nil),
            ("2013-11-22", "Hälsofrämjande skola i Mark", "Marks kommun", .socialValfard, "1463", 150, true, .mixed),
        ]
        var numbers: [Int: Int] = [:]
        for d in decisions {
            let date = isoDay(d.date)
            numbers[date.year, default: 0] += 1
            let number = String(numbers[date.year]!)
            add(date, by: "kansliet", .grant(GrantDecision(
                grant: "TM-\(date.year)-" + (number.count < 2 ? "0" : "") + number, project: d.project, applicant: d.applicant,
                area: d.area, municipality: d.lead.map(kommun), amountSEK: d.tkr * 1000,
                decision: d.approved ? .approved : .rejected, funding: d.funding)))
        }
    }

    // MARK: Mistakes and their fixes

    /// Four slips found later: two typos corrected, a double registration retracted, and a
    /// 2013 figure fixed in January 2014 (so reports as of 2013-12-31 still show the slip).
    /// Each original is made wrong in place and fixed by a later event, so the effective events
    /// are exactly the right ones.
    mutating func mistakes() {
        // A class of 24 typed as 240.
        if let i = firstIndex(year: 2012, month: 10, where: { if case .visit(let v) = $0, v.origin == .municipality(kommun("1490")) { true } else { false } }),
           case .visit(var visit) = events[i].fact {
            let right = events[i].withoutID
            visit.pupils *= 10
            events[i].fact = .visit(visit)
            add(right.occurred.adding(days: 3), by: "reception", .correction(Correction(
                target: events[i].id!, reason: "Fel antal elever: \(visit.pupils) skulle vara \(visit.pupils / 10)", replacement: right)))
        }
        // The same class registered twice.
        if let i = firstIndex(year: 2012, month: 3, where: { if case .visit(let v) = $0, v.origin == .municipality(kommun("1463")) { true } else { false } }) {
            let duplicate = add(events[i].occurred, by: "reception", events[i].fact)
            add(events[i].occurred.adding(days: 6), by: "reception", .retraction(Retraction(
                target: events[duplicate].id!, reason: "Dubbelregistrerad: samma klass finns redan registrerad")))
        }
        // Participants with swapped digits (21 entered as 12), found at the year-end check.
        if let i = firstIndex(year: 2013, month: 11, where: {
            if case .training(let t) = $0 { t.participants >= 10 && t.participants < 100 && t.participants % 10 != 0 && t.participants / 10 != t.participants % 10 } else { false }
        }), case .training(var training) = events[i].fact {
            let right = events[i].withoutID
            training.participants = training.participants % 10 * 10 + training.participants / 10
            events[i].fact = .training(training)
            add(isoDay("2014-01-14"), by: "reception", .correction(Correction(
                target: events[i].id!, reason: "Siffrorna omkastade: \(training.participants) deltagare skulle vara \("\(training.participants % 10 * 10 + training.participants / 10)")", replacement: right)))
        }
        // A day's adults undercounted by a hundred, found in the visitor statistics.
        if let i = firstIndex(year: 2013, month: 12, where: { if case .publicVisit(let p) = $0 { p.origin == .unknown && p.adults > 100 } else { false } }),
           case .publicVisit(var visit) = events[i].fact {
            let right = events[i].withoutID
            visit.adults -= 100
            events[i].fact = .publicVisit(visit)
            add(isoDay("2014-01-20"), by: "reception", .correction(Correction(
                target: events[i].id!, reason: "Vuxna enligt kassarapporten: \(visit.adults + 100), inte \(visit.adults)", replacement: right)))
        }
    }

    private func firstIndex(year: Int, month: Int, where matches: (Fact) -> Bool) -> Int? {
        events.indices.first { events[$0].occurred.year == year && events[$0].occurred.month == month && matches(events[$0].fact) }
    }
}

private extension Event {
    /// The same event as a correction's replacement.
    var withoutID: Event {
        var copy = self
        copy.id = nil
        return copy
    }
}
