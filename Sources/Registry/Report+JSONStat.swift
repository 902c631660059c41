import EventLog

extension Report {
    /// The report as a JSON-stat 2.0 dataset (SPEC §4 `json-stat`), shaped as SCB's PxWeb API
    /// serves tables: dimensions `id` = [rows, `ContentsCode` (the columns, role `metric`, a
    /// unit per category), `Tid` (the period, the compared periods or the sub-periods, role
    /// `time`)], the rows with role `geo` where they are municipalities (SCB codes as category
    /// ids, as are `other`, `org:…` and `total`), and `value` in row-major order of `id`.
    public func jsonStat() -> String {
        let string = jsonQuoted
        let kind = ReportName(rawValue: name) ?? .events
        // The periods along the time dimension, in time order.
        var periods: [Report] = series.isEmpty ? [self] + [compare].compactMap { $0 } : series
        periods.sort { $0.period.first < $1.period.first }
        var timeIDs: [String] = []
        for part in periods {
            var id = part.period.label, n = 1
            while timeIDs.contains(id) { n += 1; id = "\(part.period.label) (\(n))" }
            timeIDs.append(id)
        }
        func category(_ ids: [String], _ labels: [String], unit: [String]? = nil) -> String {
            var out = "{\"index\":{" + ids.enumerated().map { "\(string($1)):\($0)" }.joined(separator: ",") + "}"
            out += ",\"label\":{" + zip(ids, labels).map { "\(string($0)):\(string($1))" }.joined(separator: ",") + "}"
            if let unit { out += ",\"unit\":{" + zip(ids, unit).map { "\(string($0)):\($1)" }.joined(separator: ",") + "}" }
            return out + "}"
        }
        let (rowID, rowLabel) = kind.jsonStatRows
        // A dataset holds numbers: text and code columns (the targets' status, pace and
        // comment) stay out of it, and a number without a value is null.
        let numeric = self.columns.indices.filter { self.columns[$0].kind == .number }
        let columns = numeric.map { self.columns[$0] }
        let columnIDs = columns.map(\.key)
        let units = columns.map { kind.jsonStatUnit($0.key) }
        var out = "{\"version\":\"2.0\",\"class\":\"dataset\""
        out += ",\"label\":\(string("\(kind.title), \(period.label)"))"
        out += ",\"source\":\"Sjuhärads kommunalförbund\""
        if let asOfRecorded { out += ",\"updated\":\(string(Timestamp.rfc3339(asOfRecorded)))" }
        out += ",\"id\":[\(string(rowID)),\"ContentsCode\",\"Tid\"]"
        out += ",\"size\":[\(rows.count),\(columns.count),\(periods.count)]"
        out += ",\"role\":{" + (kind == .navet ? "\"geo\":[\(string(rowID))]," : "") + "\"metric\":[\"ContentsCode\"],\"time\":[\"Tid\"]}"
        out += ",\"dimension\":{"
        out += "\(string(rowID)):{\"label\":\(string(rowLabel)),\"category\":\(category(rows.map(\.key), rows.map(\.label)))}"
        out += ",\"ContentsCode\":{\"label\":\"tabellinnehåll\",\"category\":\(category(columnIDs, columns.map(\.label), unit: units))}"
        out += ",\"Tid\":{\"label\":\"period\",\"category\":\(category(timeIDs, periods.map { "\($0.period.label) (\($0.period.first)–\($0.period.last))" }))}"
        out += "}"
        var values: [String] = []
        values.reserveCapacity(rows.count * columns.count * periods.count)
        for r in rows.indices {
            for c in numeric {
                for part in periods {
                    let row = part.rows[r]
                    values.append(row.absent.contains(part.columns[c].key) ? "null" : String(row.cells[c]))
                }
            }
        }
        out += ",\"value\":[" + values.joined(separator: ",") + "]"
        let notes = footnotes()
        if !notes.isEmpty { out += ",\"note\":[" + notes.map(string).joined(separator: ",") + "]" }
        out += ",\"extension\":{\"report\":\(string(name))"
        out += ",\"period\":{\"from\":\"\(period.first)\",\"to\":\"\(period.last)\"}"
        out += ",\"as_of\":{\"seq\":\(asOfSeq),\"recorded\":\(asOfRecorded.map { string(Timestamp.rfc3339($0)) } ?? "null")}"
        out += ",\"head_hash\":\(headHash.map(string) ?? "null")"
        out += ",\"notes\":{" + self.notes.map { "\(string($0.key)):\(string($0.value))" }.joined(separator: ",") + "}"
        out += "}}"
        return out
    }
}

extension ReportName {
    /// The row dimension's id and label (PxWeb names municipalities `Region`).
    var jsonStatRows: (id: String, label: String) {
        // By name, so that a report added later falls to a plain row dimension.
        switch rawValue {
        case "navet": ("Region", "kommun")
        case "mc": ("Utfall", "utfall")
        case "grants": ("Omrade", "område")
        case "events": ("Handelsetyp", "händelsetyp")
        default: ("Rad", "rad")
        }
    }

    /// A column's unit as a JSON-stat unit object.
    func jsonStatUnit(_ column: String) -> String {
        let label = switch rawValue {
        case "navet": "personer"
        case "mc": "ärenden"
        case "grants": column == "approved_sek" ? "kr" : column == "applications" ? "ansökningar" : "beslut"
        case "events": "händelser"
        default: "antal"
        }
        let symbol = label == "kr" ? ",\"symbol\":\"kr\",\"position\":\"end\"" : ""
        return "{\"label\":\"\(label)\",\"decimals\":0\(symbol)}"
    }
}
