import EventLog

/// An event of an import that needs nothing from the log (`Store.plainRecord`): its id, its
/// day record and where its template lies among its chunk's, all plain values. The appending
/// thread copies, retains and frees nothing of it (see `ImportChunk`).
struct PlainEvent: Sendable {
    let id: EventID
    /// The id was generated here, so it cannot be in the log yet.
    let isFresh: Bool
    let occurred: Day
    let record: CompactRecord
    /// Where its template lies among its chunk's `templates`, and where it splits (see
    /// `TemplateView`).
    let template: Range<Int>
    let split: (Int, Int)
}

/// A chunk of an import, prepared for the log on a decoding thread: plain events (most of an
/// import) as `PlainEvent`s with their templates in one buffer, any other event prepared in
/// full.
struct ImportChunk: DecodedChunk {
    /// An item stays a plain value (an index, not the prepared event), so that walking the
    /// items retains nothing.
    enum Item {
        case plain(PlainEvent)
        /// An index into `prepared`.
        case prepared(Int)
    }

    /// Gives the fresh id of an event without one, by the offset of its line: ids then
    /// increase through the file.
    let ids: EventID.TimeOrderedSequence
    private(set) var items: [(line: Int, item: Item)] = []
    private(set) var templates: [UInt8] = []
    private(set) var prepared: [PreparedEvent] = []

    /// For the lines of `bytes` bytes: a line of 64 bytes is short, and a template is at most
    /// its line's fields with an id added (43 bytes).
    init(ids: EventID.TimeOrderedSequence, bytes: Int) {
        self.ids = ids
        items.reserveCapacity(bytes / 64)
        templates.reserveCapacity(bytes + bytes / 2)
    }

    mutating func add(_ event: Event, flat: FlatObject?, line: Int, offset: Int) {
        let (event, isFresh) = event.identified(by: { ids.id(offset) })
        guard let record = Store.plainRecord(for: event) else {
            items.append((line, .prepared(prepared.count)))
            prepared.append(PreparedEvent(event, isFresh: isFresh, flat: flat))
            return
        }
        let start = templates.count
        let split = CanonicalTemplate.append(event, flat: flat, to: &templates)
        let plain = PlainEvent(
            id: event.id!, isFresh: isFresh, occurred: event.occurred, record: record, template: start..<templates.count, split: split)
        items.append((line, .plain(plain)))
    }

    mutating func numberLines(from first: Int) {
        for i in items.indices { items[i].line += first - 1 }
    }
}
