import CSQLite
import Foundation
import Registry

/// The navet report for a year and a month of a 10-year log, against SQLite's GROUP BY over
/// the same rows indexed by day, in the same run.
struct ReportBenchmark {
    let directory: String
    let events: Int
    let years: Int

    func run() throws {
        let store = try Store(path: directory + "/report")
        var db: OpaquePointer?
        sqlite3_open(directory + "/report.sqlite", &db)
        defer { sqlite3_close(db) }
        exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        exec(db, "CREATE TABLE events(day INTEGER NOT NULL, type INTEGER NOT NULL, origin TEXT, a INTEGER, b INTEGER);")
        exec(db, "CREATE INDEX events_day ON events(day);")
        var insert: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?)", -1, &insert, nil)
        defer { sqlite3_finalize(insert) }

        let first = Day(year: 2016, month: 1, day: 1)!
        let totalDays = Int(Day(year: 2016 + years, month: 1, day: 1)!.ordinal - first.ordinal)
        let perYear = events / years
        var generator = Synthetic()
        var earlyMonth = 0.0
        let build = try seconds {
            for year in 0..<years {
                let yearStart = Day(year: 2016 + year, month: 1, day: 1)!
                let days = Int(Day(year: 2017 + year, month: 1, day: 1)!.ordinal - yearStart.ordinal)
                let lines = generator.lines(perYear, from: yearStart, days: days)
                let decoded = try Store.decodeLines(lines, today: .today())
                _ = try store.append(decoded.map(\.event))
                exec(db, "BEGIN")
                for (_, event) in decoded { bind(insert, event) }
                exec(db, "COMMIT")
                if year == 0 { earlyMonth = try time(store, "2016-05", repeat: 20).median }
            }
        }
        print("report: built \(events) events over \(years) years (\(totalDays) days) in registry and SQLite in \(String(format: "%.0f", build)) s")

        // A year and a month in the middle of the log (2020 for the default ten years).
        let middle = 2016 + years / 2 - (years > 1 ? 1 : 0)
        let year = "\(middle)", month = "\(middle)-05"
        let registryYear = try time(store, year, repeat: 15)
        let registryMonth = try time(store, month, repeat: 50)
        let lateMonth = try time(store, "2016-05", repeat: 20).median
        let sqliteYear = try (0..<5).map { _ in try seconds { try sqliteNavet(db, year) } }
        let sqliteMonth = try (0..<20).map { _ in try seconds { try sqliteNavet(db, month) } }
        print("report navet \(year) (\(perYear) events): registry median \(format(registryYear.median)) p99 \(format(registryYear.p99)); SQLite median \(format(median(sqliteYear))); \(String(format: "%.1f", median(sqliteYear) / registryYear.median))× faster (targets ≤ 50 ms, ≥ 8×)")
        print("report navet \(month): registry median \(format(registryMonth.median)) p99 \(format(registryMonth.p99)); SQLite median \(format(median(sqliteMonth))) (target ≤ 5 ms)")
        print("report navet 2016-05 with a 1-year log \(format(earlyMonth)), with the \(years)-year log \(format(lateMonth)) (time follows the period, not the log)")
    }

    private func time(_ store: Store, _ period: String, repeat count: Int) throws -> (median: Double, p99: Double) {
        let query = ReportQuery(name: .navet, period: try Period.parse(period))
        var check = 0
        let samples = try (0..<count).map { _ in try seconds { check &+= try store.report(query).value(row: "total", column: "total") } }
        precondition(check > 0)
        return (median(samples), percentile(samples, 0.99))
    }

    private func bind(_ statement: OpaquePointer?, _ event: Event) {
        let (type, origin, a, b): (Int32, Origin, Int, Int)
        switch event.fact {
        case .visit(let v): (type, origin, a, b) = (0, v.origin, v.pupils, v.teachers)
        case .training(let t): (type, origin, a, b) = (1, t.origin, t.participants, t.days.quarters)
        case .publicVisit(let p): (type, origin, a, b) = (2, p.origin, p.children, p.adults)
        case .conference(let c): (type, origin, a, b) = (3, c.origin, c.participants, 0)
        case .lecture(let l): (type, origin, a, b) = (4, l.origin, l.attendees, 0)
        default: return
        }
        let key: String
        switch origin {
        case .unknown: key = "?"
        case .municipality(let m): key = m.code
        case .organisation(let name): key = "org:" + name
        }
        sqlite3_reset(statement)
        sqlite3_bind_int(statement, 1, event.occurred.ordinal)
        sqlite3_bind_int(statement, 2, type)
        sqlite3_bind_text(statement, 3, key, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        sqlite3_bind_int64(statement, 4, Int64(a))
        sqlite3_bind_int64(statement, 5, Int64(b))
        sqlite3_step(statement)
    }

    /// The same table in SQL: sums per origin and category over the period's rows.
    private func sqliteNavet(_ db: OpaquePointer?, _ text: String) throws {
        let period = try Period.parse(text)
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, """
            SELECT origin, SUM(CASE WHEN type=0 THEN a END), SUM(CASE WHEN type=0 THEN b END),
                   SUM(CASE WHEN type=1 THEN a END), SUM(CASE WHEN type=1 THEN a*b END),
                   SUM(CASE WHEN type=2 THEN a END), SUM(CASE WHEN type=2 THEN b END),
                   SUM(CASE WHEN type=3 THEN a END), SUM(CASE WHEN type=4 THEN a END)
            FROM events WHERE day BETWEEN ? AND ? GROUP BY origin
            """, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_int(statement, 1, period.first.ordinal)
        sqlite3_bind_int(statement, 2, period.last.ordinal)
        var rows = 0
        while sqlite3_step(statement) == SQLITE_ROW { rows += 1 }
        precondition(rows > 0)
    }

    private func exec(_ db: OpaquePointer?, _ sql: String) {
        sqlite3_exec(db, sql, nil, nil, nil)
    }
}
