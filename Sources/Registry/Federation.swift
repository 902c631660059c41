import EventLog

/// Sjuhärads kommunalförbund's membership as the 2013 annual report describes it.
public enum Federation {
    /// The membership events a new store starts with, with fixed ids so that they are never
    /// appended twice (DOMAIN.md).
    public static func membershipEvents() -> [Event] {
        let start = Day(year: 2012, month: 1, day: 1)!
        let forbund = ["1443", "1490", "1466", "1463", "1465", "1452", "1491", "1442"]
        let navet = ["1443", "1490", "1463", "1465", "1452", "1491"]
        let mc = ["1443", "1490", "1463", "1465", "1452"]
        var rows: [(Unit, String, Role, Day?)] = forbund.map { (.forbund, $0, .member, nil) }
        rows.append((.forbund, "1383", .adjunct, nil))
        rows.append((.forbund, "1382", .adjunct, Day(year: 2014, month: 6, day: 30)!))
        rows += navet.map { (.navet, $0, .member, nil) }
        rows += mc.map { (.mc, $0, .member, nil) }
        return rows.enumerated().map { offset, row in
            Event(
                // Version 8 (a fixed form of our own), below every time-ordered id, so that
                // ids made now still append at the end of the id index.
                id: EventID(high: 0x0000_0000_0000_8000, low: 0x8000_0000_0000_0000 | UInt64(offset + 1)),
                occurred: start, by: "kansliet",
                fact: .membership(Membership(unit: row.0, municipality: Municipality.byCode(row.1)!, role: row.2, from: start, to: row.3)))
        }
    }
}
