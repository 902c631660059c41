import Registry

/// The fields of the reception form for each kind of Navet event.
enum NavetForm {
    static func fields(_ type: EventType, members: [Municipality], recent: Activity.State, today: Day) -> [FormField] {
        var fields = [
            FormField("occurred", "Datum", .date(max: today), required: true),
            FormField("municipality", "Kommun", .municipality(first: members, onlyFirst: false),
                      hint: "Skriv namn eller kod; medlemskommunerna föreslås först. Lämna tomt om ursprunget är okänt."),
            FormField("organisation", "Organisation", .suggest(recent.recentNames("organisation")),
                      hint: "I stället för kommun, t.ex. HB (Högskolan i Borås)."),
        ]
        switch type {
        case .navetVisit:
            fields += [
                FormField("school", "Skola", .suggest(recent.recentNames("school"))),
                FormField("theme", "Tema", .suggest(recent.recentNames("theme"))),
                FormField("pupils", "Elever", .count, required: true),
                FormField("teachers", "Lärare", .count, required: true),
            ]
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
        fields.append(FormField("note", "Anteckning", .text))
        return fields
    }
}
