import Registry

/// The fields of the reception form for each kind of Navet event.
enum NavetForm {
    /// The fields in the order they are typed: the municipality first, the date (today unless
    /// changed) and the rarer organisation after the counts, so that a class visit is Kommun →
    /// Skola → Tema → Elever → Lärare and Enter. `municipality` (as typed, a name or code)
    /// narrows the schools offered to those recorded for it.
    static func fields(_ type: EventType, members: [Municipality], recent: Activity.State, today: Day, municipality: String? = nil) -> [FormField] {
        let municipalityField = FormField("municipality", "Kommun", .municipality(first: members, onlyFirst: false),
                                          hint: "Skriv namn eller kod; medlemskommunerna föreslås först. Lämna tomt om ursprunget är okänt.")
        let organisation = FormField("organisation", "Organisation", .suggest(recent.recentNames("organisation")),
                                     hint: "I stället för kommun, t.ex. HB (Högskolan i Borås).")
        let date = FormField("occurred", "Datum", .date(max: today), required: true)
        var fields = [municipalityField]
        switch type {
        case .navetVisit:
            let chosen = municipality.flatMap { try? Municipality.lookup($0) }
            let ofChosen = chosen.map { recent.recentNames("school@" + $0.code) } ?? []
            fields += [
                FormField("school", "Skola", .suggest(ofChosen.isEmpty ? recent.recentNames("school") : ofChosen)),
                FormField("theme", "Tema", .suggest(recent.recentNames("theme"))),
                FormField("pupils", "Elever", .count, required: true),
                FormField("teachers", "Lärare", .count, required: true),
                date, organisation,
            ]
            fields.append(FormField("note", "Anteckning", .text))
            return fields
        case .navetTraining:
            fields += [
                FormField("programme", "Program", .text),
                FormField("participants", "Deltagare", .count, required: true),
                FormField("days", "Dagar", .days, required: true, hint: "Passets längd i dagar: 0,25, 0,5, 1, 1,5 …"),
            ]
        case .navetPublic:
            fields += [
                FormField("children", "Barn", .count, required: true),
                FormField("adults", "Vuxna", .count, required: true),
            ]
        case .navetConference:
            fields += [
                FormField("name", "Konferens", .text),
                FormField("participants", "Deltagare", .count, required: true),
            ]
        case .navetLecture:
            fields += [
                FormField("title", "Titel", .text),
                FormField("attendees", "Åhörare", .count, required: true),
            ]
        default:
            break
        }
        fields.insert(organisation, at: 1)
        fields += [date, FormField("note", "Anteckning", .text)]
        return fields
    }
}
