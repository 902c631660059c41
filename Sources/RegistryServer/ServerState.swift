import EventLog
import Logging
import Registry

/// What every route shares: the store, its single writer, the users, the page projections.
struct ServerState: Sendable {
    let store: Store
    let writer: GroupCommitter
    let users: UserDirectory
    let activity: Activity
    /// Failed sign-ins by address and user name.
    let throttle: LoginThrottle
    /// Failed sign-ins by address, whatever the name.
    let addressThrottle: LoginThrottle
    let configuration: ServerConfiguration

    init(store: Store, configuration: ServerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        writer = GroupCommitter(store: store, logger: logger)
        users = UserDirectory(store: store)
        activity = Activity(store: store)
        throttle = LoginThrottle()
        addressThrottle = LoginThrottle(allowed: LoginThrottle.allowedFailuresPerAddress)
    }

    /// Appends `events` on behalf of `user`, all or nothing: stamps `by` with the user's
    /// name (whatever was given) and checks the role may append every event. Throws
    /// `PermissionDenied`, `InputError` (with the index of the rejected event) or a `LogError`.
    func append(_ events: [Event], as user: User) async throws -> [Appended] {
        var events = events
        for index in events.indices {
            events[index].by = user.name
            if case .correction(var correction) = events[index].fact {
                correction.replacement.by = user.name
                events[index].fact = .correction(correction)
            }
        }
        for (index, event) in events.enumerated() {
            for type in try governingTypes(of: event, batch: events) where !user.role.mayAppend(type) {
                throw PermissionDenied(message: user.role.refusal(type), index: index)
            }
        }
        // An id already in the log answers with the event stored under it (an idempotent
        // retry), so that event must be one this user could have sent: otherwise posting any
        // id would read any event. Checked before the append, so that such a request appends
        // nothing, and after it for an event stored meanwhile by someone else.
        // (The ids are looked up in one read transaction: a retried batch may be large.)
        let given = events.indices.compactMap { index in events[index].id.map { (index, $0) } }
        if !given.isEmpty {
            let stored = try store.log.read { txn in try given.compactMap { index, id in try txn.position(of: id).map { (index, $0) } } }
            for (index, seq) in stored {
                guard let existing = try store.event(at: seq) else { continue }
                try checkRepeat(of: existing.event, posted: events[index], index: index, as: user)
            }
        }
        let appended = try await writer.append(events)
        for (index, item) in appended.enumerated() where !item.isNew {
            try checkRepeat(of: item.event.event, posted: events[index], index: index, as: user)
        }
        return appended
    }

    /// Refuses a repeat of an id stored with another type of event, or with one the user's
    /// role may not append (or read), saying nothing of that event.
    private func checkRepeat(of existing: Event, posted: Event, index: Int, as user: User) throws {
        guard existing.type == posted.type, try mayAccess(existing, as: user) else {
            throw IDTaken(id: existing.id, index: index)
        }
    }

    /// Whether `user` may see `event` on the work pages: its role may append every type that
    /// governs it (an analyst or admin reads everything anyway).
    func mayAccess(_ event: Event, as user: User) throws -> Bool {
        try user.role.mayRead || governingTypes(of: event, batch: []).allSatisfy(user.role.mayAppend)
    }

    /// Refuses, before they are decoded, the objects of a request that `user` may not append
    /// whatever their content: by their type, a correction's replacement type, or the type of
    /// a target in the log (`append` judges the decoded events again, with targets in the
    /// same request too).
    func checkRole(_ values: [JSONValue], as user: User) throws {
        guard user.role.mayAppendAny else { throw PermissionDenied(message: "role \(user.role.rawValue) may not append events", index: nil) }
        for (index, value) in values.enumerated() {
            for type in declaredTypes(of: value) where !user.role.mayAppend(type) {
                throw PermissionDenied(message: user.role.refusal(type), index: index)
            }
        }
    }

    /// `governingTypes` of an object not yet decoded, as far as it can be read.
    private func declaredTypes(of value: JSONValue) -> [EventType] {
        func member(_ key: String, of value: JSONValue?) -> JSONValue? {
            guard case .object(let members)? = value else { return nil }
            return members.first { $0.key == key }?.value
        }
        func type(of value: JSONValue?) -> EventType? {
            guard case .string(let name)? = member("type", of: value) else { return nil }
            return EventType(rawValue: name)
        }
        guard let own = type(of: value) else { return [] }
        guard own.isAmendment else { return [own] }
        var types = type(of: member("replacement", of: value)).map { [$0] } ?? []
        if case .string(let text)? = member("target", of: value), let id = EventID(text), let target = try? store.event(id: id) {
            types.append(target.event.type)
        }
        return types
    }

    /// The types whose rules decide who may append `event`: its own type, or for a
    /// retraction or correction the type of its target (when the target cannot be found,
    /// the append itself rejects the event).
    private func governingTypes(of event: Event, batch: [Event]) throws -> [EventType] {
        func typeOfEvent(_ id: EventID) throws -> EventType? {
            try batch.first(where: { $0.id == id })?.type ?? store.event(id: id)?.event.type
        }
        switch event.fact {
        case .retraction(let retraction):
            return try typeOfEvent(retraction.target).map { [$0] } ?? []
        case .correction(let correction):
            return try [correction.replacement.type] + (typeOfEvent(correction.target).map { [$0] } ?? [])
        default:
            return [event.type]
        }
    }
}

/// An event was posted with the id of a stored event of another type, or of one the user may
/// not read: the id is taken, and nothing more is said of that event.
struct IDTaken: Error {
    let id: EventID?
    let index: Int
}

extension ServerState {
    /// The municipalities that belong to `unit` on `day`, in Swedish order.
    func members(of unit: Registry.Unit, on day: Day = .today()) throws -> [Municipality] {
        let codes = Set(try store.memberships().filter { $0.unit == unit && $0.overlaps(day, day) }.map(\.municipality.code))
        return Municipality.all.filter { codes.contains($0.code) }.sorted { Municipality.swedishOrder($0.name, $1.name) }
    }

    /// The page projections, brought up to date off the cooperative threads.
    func recentActivity() async throws -> Activity.State {
        let activity = activity
        return try await Blocking.run { try activity.current() }
    }
}
