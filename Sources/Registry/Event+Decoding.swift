import EventLog

/// Limits of §2: typo guards on counts and amounts, and on text length.
public enum Limits {
    public static let maxCount = 100_000
    public static let maxAmountSEK = 1_000_000_000
    /// In Unicode scalar values (so at most 800 bytes).
    public static let maxTextLength = 200
    /// A plan target's `text` and an assessment's `comment`.
    public static let maxPlanTextLength = 500
    public static let maxDays = TrainingDays(quarters: 366 * 4)
}

extension Event {
    /// Decodes and validates one input object (§2). `today` is the latest allowed date.
    public static func decode(_ value: JSONValue, today: Day) throws(InputError) -> Event {
        try decode(value, today: today, stored: false)
    }

    /// `stored`: read back from the log.
    static func decode(_ value: JSONValue, today: Day, stored: Bool) throws(InputError) -> Event {
        guard case .object(let object) = value else { throw InputError("an event must be a JSON object, got \(value.kind)") }
        var reader = FieldReader(object: object, prefix: "", today: today, stored: stored)
        return try reader.event(isReplacement: false)
    }

    /// Decodes a JSON text holding one event object.
    public static func decode(json text: String, today: Day) throws(InputError) -> Event {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(InputError) in try decode(json: bytes, today: today) } }
        return try result.get()
    }

    /// Decodes one JSON text: an object of the common shape straight from its bytes (see
    /// `FlatObject`), any other through `JSONParser`. `stored`: read back from the log.
    static func decode(json bytes: UnsafeBufferPointer<UInt8>, today: Day, stored: Bool = false) throws(InputError) -> Event {
        try decode(json: bytes, today: today, stored: stored) { event, _ in event }
    }

    /// Decodes one JSON text and hands the event to `finish` with the flat object it was read
    /// from, if any, which is valid only until `finish` returns.
    static func decode<T>(
        json bytes: UnsafeBufferPointer<UInt8>, today: Day, stored: Bool = false, _ finish: (Event, FlatObject?) -> T
    ) throws(InputError) -> T {
        let flat = try withUnsafeTemporaryAllocation(of: FlatObject.Member.self, capacity: FlatObject.capacity) {
            (members) throws(InputError) -> T? in
            guard let object = FlatObject(scanning: bytes, into: members) else { return nil }
            var reader = FieldReader(object: object, prefix: "", today: today, stored: stored)
            return finish(try reader.event(isReplacement: false), object)
        }
        if let flat { return flat }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw InputError(error.description) }
        return finish(try decode(value, today: today, stored: stored), nil)
    }
}

/// Reads the members of one object, remembering which were used so that the rest can be
/// reported as unknown.
struct FieldReader<Object: EventFields> {
    let object: Object
    let prefix: String
    let today: Day
    /// Reading back from the log: `seq` and `recorded` are present and accepted.
    let stored: Bool
    /// A bit per member that was read, for the first 64 members. An object has fewer than 64
    /// known fields, so when it has more, one of its first 64 is unknown and `finish` finds it.
    private var used: UInt64 = 0

    init(object: Object, prefix: String, today: Day, stored: Bool = false) {
        self.object = object
        self.prefix = prefix
        self.today = today
        self.stored = stored
    }

    func error(_ field: FieldKey, _ message: String) -> InputError {
        error(field.text, message)
    }

    func error(_ field: String, _ message: String) -> InputError {
        InputError(field: prefix + field, message)
    }

    /// The value of the member named `key`, marked as used; nil when absent or null.
    mutating func take(_ key: FieldKey) -> JSONValue? {
        guard let (i, value) = object.member(key) else { return nil }
        if i < 64 { used |= 1 << i }
        if case .null = value { return nil }
        return value
    }

    /// Refuses a field that only the log gives.
    private mutating func refuse(_ key: FieldKey) throws(InputError) {
        if take(key) != nil { throw error(key, "is assigned by the log and cannot be given") }
    }

    mutating func event(isReplacement: Bool) throws(InputError) -> Event {
        guard let typeText = try string(.`type`, required: true, maxLength: 40) else { preconditionFailure() }
        guard let type = EventType.named(typeText) else {
            throw error(.`type`, "unknown event type \"\(typeText)\"; expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // An event read back from the log has its position and recorded time; never its hash.
        if stored, !isReplacement {
            _ = take(.seq)
            _ = take(.recorded)
        } else {
            try refuse(.seq)
            try refuse(.recorded)
        }
        try refuse(.hash)
        var id: EventID?
        if let text = try string(.id, required: false, maxLength: 36) {
            guard !isReplacement else { throw error(.id, "a replacement has no id of its own") }
            guard let parsed = EventID(text) else { throw error(.id, "must be a UUID, got \"\(text)\"") }
            id = parsed
        }
        if isReplacement, type.isAmendment {
            throw error(.`type`, "a replacement cannot be a \(type.rawValue)")
        }
        let occurred = try day(.occurred, required: true)!
        guard occurred <= today else { throw error(.occurred, "\(occurred) is in the future (today is \(today))") }
        let by = try string(.by, required: false)
        let note = try string(.note, required: false)
        let fact = try fact(type)
        try finish(type)
        return Event(id: id, occurred: occurred, by: by, note: note, fact: fact)
    }

    private mutating func fact(_ type: EventType) throws(InputError) -> Fact {
        switch type {
        case .navetVisit:
            let origin = try origin()
            let visit = NavetVisit(
                origin: origin, school: try string(.school, required: false), theme: try string(.theme, required: false),
                pupils: try count(.pupils), teachers: try count(.teachers))
            guard visit.pupils + visit.teachers > 0 else { throw error(.pupils, "pupils + teachers must be more than 0") }
            return .visit(visit)
        case .navetTraining:
            let origin = try origin()
            return .training(TeacherTraining(
                origin: origin, programme: try string(.programme, required: false),
                participants: try count(.participants, minimum: 1), days: try days(.days)))
        case .navetPublic:
            let visit = PublicVisit(origin: try origin(), children: try count(.children), adults: try count(.adults))
            guard visit.children + visit.adults > 0 else { throw error(.children, "children + adults must be more than 0") }
            return .publicVisit(visit)
        case .navetConference:
            let origin = try origin()
            return .conference(Conference(origin: origin, name: try string(.name, required: false), participants: try count(.participants, minimum: 1)))
        case .navetLecture:
            let origin = try origin()
            return .lecture(Lecture(origin: origin, title: try string(.title, required: false), attendees: try count(.attendees, minimum: 1)))
        case .mcCase:
            let caseID = try caseID()
            try requirePseudonymous(caseID)
            return .mcCase(CoachingCase(
                caseID: caseID, municipality: try municipality(.municipality, required: true)!,
                service: try choice(.service, required: true)!, gender: try choice(.gender, required: false)))
        case .mcOutcome:
            return .outcome(CaseOutcome(
                caseID: try caseID(), municipality: try municipality(.municipality, required: true)!,
                outcome: try choice(.outcome, required: true)!))
        case .grantDecision:
            return .grant(GrantDecision(
                grant: try string(.grant, required: true)!, project: try string(.project, required: true)!,
                applicant: try string(.applicant, required: false), area: try choice(.area, required: true)!,
                municipality: try municipality(.municipality, required: false),
                amountSEK: try count(.amountSek, maximum: Limits.maxAmountSEK),
                decision: try choice(.decision, required: true)!, funding: try choice(.funding, required: false)))
        case .membership:
            let membership = Membership(
                unit: try choice(.unit, required: true)!, municipality: try municipality(.municipality, required: true)!,
                role: try choice(.role, required: true)!, from: try day(.`from`, required: true)!, to: try day(.`to`, required: false))
            if let to = membership.to, to < membership.from {
                throw error(.`to`, "\(to) is before from (\(membership.from))")
            }
            return .membership(membership)
        case .retraction:
            return .retraction(Retraction(target: try target(), reason: try string(.reason, required: true)!))
        case .correction:
            let target = try target()
            let reason = try string(.reason, required: true)!
            guard let value = take(.replacement) else { throw error(.replacement, "is required") }
            guard case .object(let object) = value else { throw error(.replacement, "must be an event object, got \(value.kind)") }
            var nested = FieldReader<JSONObject>(object: object, prefix: prefix + "replacement.", today: today, stored: stored)
            return .correction(Correction(target: target, reason: reason, replacement: try nested.event(isReplacement: true)))
        case .mcActivity:
            return .activity(MCActivity(
                kind: try choice(.kind, required: true)!, programme: try string(.programme, required: false),
                municipality: try municipality(.municipality, required: false), participants: try count(.participants),
                title: try string(.title, required: false)))
        case .planTarget:
            let unit: Unit = try choice(.unit, required: true)!
            let key = try targetKey(.key)
            let periodText = try string(.period, required: true, maxLength: 40)!
            do { _ = try Period.parse(periodText) } catch { throw self.error(.period, error.message) }
            let text = try string(.text, required: true, maxLength: Limits.maxPlanTextLength)!
            var minimum: Int?
            if take(.minimum) != nil { minimum = try count(.minimum, maximum: Limits.maxAmountSEK) }
            let measure = try measure()
            if measure != nil, minimum == nil { throw error(.minimum, "is required with a measure (leave out both for a manual target)") }
            return .target(PlanTarget(unit: unit, key: key, period: periodText, text: text, minimum: minimum, measure: measure))
        case .planAssessment:
            let target = try targetKey(.target)
            let status: AssessmentStatus = try choice(.status, required: true)!
            var value: Int?
            if take(.value) != nil { value = try count(.value, maximum: Limits.maxAmountSEK) }
            return .assessment(PlanAssessment(
                target: target, status: status, value: value,
                comment: try string(.comment, required: false, maxLength: Limits.maxPlanTextLength)))
        }
    }

    /// A plan target's key: 1–40 characters of `[a-z0-9-]`.
    private mutating func targetKey(_ key: FieldKey) throws(InputError) -> String {
        let text = try string(key, required: true, maxLength: 40)!
        guard text.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) || $0 == UInt8(ascii: "-") }) else {
            throw error(key, "must be a target key of 1–40 characters a–z, 0–9 or '-', got \"\(text)\"")
        }
        return text
    }

    /// A plan target's `measure` (SPEC §2): nil when absent (a manual target).
    private mutating func measure() throws(InputError) -> Measure? {
        guard let value = take(.measure) else { return nil }
        let field = "measure"
        guard case .object(let object) = value else { throw error(field, "must be an object, got \(value.kind)") }
        var members: [String: JSONValue] = [:]
        for (name, member) in object {
            guard ["type", "kind", "match", "sum"].contains(name) else { throw error(field + "." + name, "unknown field for a measure; expected type, kind, match or sum") }
            guard members[name] == nil else { throw error(field + "." + name, "is given twice") }
            if case .null = member { continue }
            members[name] = member
        }
        func text(_ name: String, _ value: JSONValue?, path: String) throws(InputError) -> String {
            guard let value else { throw error(path, "is required") }
            guard case .string(let text) = value else { throw error(path, "must be a string, got \(value.kind)") }
            return text
        }
        let typeName = try text("type", members["type"], path: field + ".type")
        guard let type = EventType.named(typeName), let counts = Measure.countFields(of: type) else {
            let measurable = EventType.allCases.filter { Measure.countFields(of: $0) != nil }.map(\.rawValue)
            throw error(field + ".type", "\"\(typeName)\" is not a type a target can measure; expected one of \(measurable.joined(separator: ", "))")
        }
        var kind: ActivityKind?
        if let value = members["kind"] {
            guard type == .mcActivity else { throw error(field + ".kind", "only mc.activity has a kind, not \(type.rawValue)") }
            let name = try text("kind", value, path: field + ".kind")
            guard let parsed = ActivityKind(rawValue: name) else {
                throw error(field + ".kind", "unknown value \"\(name)\"; expected one of \(ActivityKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        var match: Measure.Match?
        if let value = members["match"] {
            guard case .object(let matchObject) = value else { throw error(field + ".match", "must be an object, got \(value.kind)") }
            var fieldName: String?, contains: String?
            for (name, member) in matchObject {
                switch name {
                case "field": guard fieldName == nil else { throw error(field + ".match.field", "is given twice") }; fieldName = try text(name, member, path: field + ".match.field")
                case "contains": guard contains == nil else { throw error(field + ".match.contains", "is given twice") }; contains = try text(name, member, path: field + ".match.contains")
                default: throw error(field + ".match." + name, "unknown field for a match; expected field and contains")
                }
            }
            guard let fieldName else { throw error(field + ".match.field", "is required") }
            let allowed = Measure.textFields(of: type)
            guard allowed.contains(fieldName) else {
                let expected = allowed.isEmpty ? "\(type.rawValue) has no text field to match" : "expected \(allowed.joined(separator: " or ")) for \(type.rawValue)"
                throw error(field + ".match.field", "\"\(fieldName)\" cannot be matched; \(expected)")
            }
            guard let contains, !contains.isBlank else { throw error(field + ".match.contains", "is required and must not be empty") }
            guard contains.unicodeScalars.count <= Limits.maxTextLength else {
                throw error(field + ".match.contains", "is \(contains.unicodeScalars.count) characters long; at most \(Limits.maxTextLength) are allowed")
            }
            match = Measure.Match(field: fieldName, contains: contains)
        }
        let sum = try text("sum", members["sum"], path: field + ".sum")
        let summable = ["events"] + (type == .navetTraining ? ["teacher_training_days"] : [])
        let parts = sum.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        guard summable.contains(sum) || (!parts.isEmpty && parts.allSatisfy(counts.contains) && Set(parts).count == parts.count) else {
            throw error(field + ".sum", "\"\(sum)\" is not a count of \(type.rawValue); expected one of \((counts + summable).joined(separator: ", "))")
        }
        return Measure(type: type, kind: kind, match: match, sum: sum)
    }

    private func finish(_ type: EventType) throws(InputError) {
        for i in 0..<min(64, object.count) where used & 1 << i == 0 {
            throw error(object.key(at: i), "unknown field for \(type.rawValue)")
        }
    }

    // MARK: - Field kinds

    mutating func string(_ key: FieldKey, required: Bool, maxLength: Int = Limits.maxTextLength) throws(InputError) -> String? {
        guard let value = take(key) else {
            if required { throw error(key, "is required") }
            return nil
        }
        guard case .string(let text) = value else { throw error(key, "must be a string, got \(value.kind)") }
        // The log keeps what earlier rules let in: a stored event is read back, never refused.
        if !stored { try requireLength(text, key, maxLength) }
        guard !text.isEmpty, stored || !text.isBlank else {
            let problem = text.isEmpty ? "must not be empty" : "must not be empty or only spaces"
            if required { throw error(key, problem) }
            throw error(key, problem + " (leave it out instead)")
        }
        return text
    }

    /// Refuses a text of more than `maxLength` characters, counted as Unicode scalar values
    /// (SPEC §2; a grapheme cluster can hold any number of them), so at most 4 × `maxLength`
    /// bytes. The bytes are counted first: a short text is within the limit, and a huge one is
    /// refused without counting its scalars.
    private func requireLength(_ text: String, _ key: FieldKey, _ maxLength: Int) throws(InputError) {
        let bytes = text.utf8.count
        if bytes <= maxLength { return }
        guard bytes <= 4 * maxLength else {
            throw error(key, "is \(bytes) bytes, more than \(maxLength) characters long; at most \(maxLength) are allowed")
        }
        let scalars = text.unicodeScalars.count
        guard scalars <= maxLength else {
            throw error(key, "is \(scalars) characters long; at most \(maxLength) are allowed")
        }
    }

    mutating func count(_ key: FieldKey, minimum: Int = 0, maximum: Int = Limits.maxCount) throws(InputError) -> Int {
        guard let value = take(key) else { throw error(key, "is required") }
        guard case .number(let text) = value else { throw error(key, "must be a whole number, got \(value.kind)") }
        guard let number = Int(text) else {
            if text.hasPrefix("-") { throw error(key, "must not be negative, got \(text)") }
            throw error(key, "must be a whole number, got \(text)")
        }
        guard number >= 0 else { throw error(key, "must not be negative, got \(number)") }
        guard number >= minimum else { throw error(key, "must be at least \(minimum), got \(number)") }
        guard number <= maximum else { throw error(key, "must be at most \(maximum), got \(number)") }
        return number
    }

    mutating func days(_ key: FieldKey) throws(InputError) -> TrainingDays {
        guard let value = take(key) else { throw error(key, "is required") }
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string
        default: throw error(key, "must be a decimal number of days, got \(value.kind)")
        }
        if text.hasPrefix("-") { throw error(key, "must be more than 0, got \(text)") }
        guard let days = TrainingDays(decimal: text) else {
            throw error(key, "must be a number of days in steps of 0.25 (0.5, 1.25, 2), got \(text)")
        }
        guard days.quarters > 0 else { throw error(key, "must be more than 0, got \(text)") }
        guard days <= Limits.maxDays else { throw error(key, "must be at most \(Limits.maxDays), got \(text)") }
        return days
    }

    mutating func day(_ key: FieldKey, required: Bool) throws(InputError) -> Day? {
        guard let text = try string(key, required: required, maxLength: 10) else { return nil }
        guard let day = Day(iso: text) else { throw error(key, "must be a date YYYY-MM-DD that exists, got \"\(text)\"") }
        guard stored || day >= .earliest else { throw error(key, "must be \(Day.earliest) or later, got \"\(text)\"") }
        return day
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: FieldKey, required: Bool) throws(InputError) -> T? where T.RawValue == String {
        guard let text = try string(key, required: required, maxLength: 40) else { return nil }
        guard let value = T(rawValue: text) else {
            throw error(key, "unknown value \"\(text)\"; expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    mutating func municipality(_ key: FieldKey, required: Bool) throws(InputError) -> Municipality? {
        guard let text = try string(key, required: required, maxLength: 60) else { return nil }
        do { return try Municipality.lookup(text) } catch {
            var problem = self.error(key, error.description)
            problem.unknownMunicipality = error
            throw problem
        }
    }

    mutating func origin() throws(InputError) -> Origin {
        let municipality = try municipality(.municipality, required: false)
        let organisation = try string(.organisation, required: false)
        switch (municipality, organisation) {
        case (let m?, nil): return .municipality(m)
        case (nil, let o?): return .organisation(o)
        case (nil, nil): return .unknown
        case (_?, _?): throw error(.organisation, "give municipality or organisation, not both")
        }
    }

    mutating func caseID() throws(InputError) -> String {
        let text = try string(.`case`, required: true, maxLength: 40)!
        guard text.utf8.allSatisfy({ byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == UInt8(ascii: "-")
        }) else {
            throw error(.`case`, "must be a pseudonymous id of 1–40 characters A–Z, a–z, 0–9 or '-' (never a name or personal number)")
        }
        return text
    }

    /// Refuses a case id that looks like a personal identity number, when a case is opened
    /// (an outcome names a case that exists; a stored event is read back as it is).
    private func requirePseudonymous(_ caseID: String) throws(InputError) {
        guard !stored, Self.looksLikePersonalNumber(caseID) else { return }
        throw error(.`case`, "looks like a personal identity number; use a pseudonymous id (never a name or personal number)")
    }

    /// A Swedish personal identity or coordination number: YYMMDD or YYYYMMDD (century 18–20),
    /// an optional '-', four digits; the date part could be a birth date (day + 60 for a
    /// coordination number) and the last digit is the Luhn check digit of the ten digits, so
    /// ids such as "20130915-0001" stay allowed.
    static func looksLikePersonalNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let all = bytes.filter { $0 != UInt8(ascii: "-") }
        guard all.count == 10 || all.count == 12, all.allSatisfy({ (48...57).contains($0) }) else { return false }
        let dateLength = all.count - 4
        guard bytes.count == all.count || (bytes.count == all.count + 1 && bytes[dateLength] == UInt8(ascii: "-")) else { return false }
        let digits = all.map { Int($0 - 48) }
        if digits.count == 12, !(18...20).contains(digits[0] * 10 + digits[1]) { return false }
        let ten = digits.suffix(10)
        let month = ten[ten.startIndex + 2] * 10 + ten[ten.startIndex + 3], day = ten[ten.startIndex + 4] * 10 + ten[ten.startIndex + 5]
        guard (1...12).contains(month), (1...31).contains(day) || (61...91).contains(day) else { return false }
        // Luhn: weights 2, 1, 2, 1 … over the ten digits; a product over 9 counts its digit sum.
        let sum = ten.enumerated().reduce(0) { sum, item in
            let product = item.element * (item.offset.isMultiple(of: 2) ? 2 : 1)
            return sum + product / 10 + product % 10
        }
        return sum.isMultiple(of: 10)
    }

    mutating func target() throws(InputError) -> EventID {
        let text = try string(.target, required: true, maxLength: 36)!
        guard let id = EventID(text) else { throw error(.target, "must be the UUID of an event, got \"\(text)\"") }
        return id
    }
}

extension String {
    /// Only white space (a first byte that is plain ASCII and not a space settles it quickly).
    var isBlank: Bool {
        if let first = utf8.first, first > 0x20, first < 0x80 { return false }
        return allSatisfy(\.isWhitespace)
    }
}
