import Registry

/// Messages of rejected input in Swedish, for the pages; a message without a translation
/// is shown as the decoder wrote it.
enum SwedishMessage {
    static func text(_ error: InputError) -> String {
        let message = error.message
        let translations: [(String, String)] = [
            ("is required", "Måste fyllas i."),
            ("must not be empty", "Måste fyllas i."),
            ("must be a whole number", "Ange ett heltal."),
            ("must not be negative", "Får inte vara negativt."),
            ("pupils + teachers must be more than 0", "Elever och lärare kan inte båda vara 0."),
            ("children + adults must be more than 0", "Barn och vuxna kan inte båda vara 0."),
            ("is in the future", "Datumet ligger i framtiden."),
            ("must be a date", "Ange ett datum (ÅÅÅÅ-MM-DD) som finns."),
            ("in steps of 0.25", "Ange antal dagar i steg om 0,25, t.ex. 0,5 eller 1,25."),
            ("must be more than 0", "Måste vara mer än 0."),
            ("not both", "Ange kommun eller organisation, inte båda."),
            ("characters long", "Texten är för lång (högst \(Limits.maxTextLength) tecken)."),
            ("is already open", "Ärendet är redan öppnat; registrera dess utfall i stället."),
            ("open the case first", "Det finns inget öppnat ärende med det id:t."),
            ("is already retracted", "Händelsen är redan ångrad."),
            ("pseudonymous id", "Ärende-id: 1–40 tecken A–Z, a–z, 0–9 eller '-', aldrig namn eller personnummer."),
            ("is not a member of", "Kommunen är inte medlem i enheten det datumet."),
            ("unknown municipality", "Okänd kommun. Skriv kommunens namn eller fyrsiffriga kod."),
        ]
        // "must be at most 100000, got 250000"
        func bound(after prefix: String) -> Substring? {
            guard message.hasPrefix(prefix) else { return nil }
            return message.dropFirst(prefix.count).prefix { $0 != "," }
        }
        if let limit = bound(after: "must be at most ") { return "Högst \(limit)." }
        if let limit = bound(after: "must be at least ") { return "Minst \(limit)." }
        return translations.first { message.contains($0.0) }?.1 ?? message
    }

    /// `Okänd kommun ”Borsa”. Menade du Borås?`, with the names the lookup found similar.
    static func text(_ error: MunicipalityLookupError) -> String {
        let unknown = "Okänd kommun ”\(error.input)”."
        let names = error.suggestions
        guard let last = names.last else { return unknown + " Skriv kommunens namn eller fyrsiffriga kod." }
        let list = names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " eller " + last
        return unknown + " Menade du \(list)?"
    }
}
