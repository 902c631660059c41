import Registry

/// Messages of rejected input in Swedish, for the pages; a message without a translation
/// is shown as the decoder wrote it.
enum SwedishMessage {
    static func text(_ error: InputError) -> String {
        if let lookup = error.unknownMunicipality { return text(lookup) }
        let message = error.message
        let translations: [(String, String)] = [
            ("is required", "Måste fyllas i."),
            ("must not be empty", "Måste fyllas i."),
            ("must be a whole number", "Ange ett heltal."),
            ("must not be negative", "Får inte vara negativt."),
            ("pupils + teachers must be more than 0", "Elever och lärare kan inte båda vara 0."),
            ("children + adults must be more than 0", "Barn och vuxna kan inte båda vara 0."),
            ("is in the future", "Datumet ligger i framtiden."),
            ("\(Day.earliest) or later", "Datumet måste vara \(Day.earliest) eller senare."),
            ("must be a date", "Ange ett datum (ÅÅÅÅ-MM-DD) som finns."),
            ("in steps of 0.25", "Ange antal dagar i steg om 0,25, t.ex. 0,5 eller 1,25."),
            ("must be more than 0", "Måste vara mer än 0."),
            ("not both", "Ange kommun eller organisation, inte båda."),
            ("characters long", "Texten är för lång (högst \(Limits.maxTextLength) tecken)."),
            ("open the case first", "Det finns inget öppnat ärende med det id:t."),
            ("is already retracted", "Händelsen är redan ångrad."),
            ("personal identity number", "Det liknar ett personnummer. Ange ett pseudonymt id – aldrig namn eller personnummer."),
            ("pseudonymous id", "Ange ett pseudonymt id: 1–40 tecken A–Z, a–z, 0–9 eller bindestreck – aldrig namn eller personnummer."),
            ("is not a member of", "Kommunen är inte medlem i enheten det datumet."),
            // The rules that refuse a second live event name the first one by its id, which no page
            // shows: the page's offer after the message names it by its number in the log instead.
            ("already has an outcome", "Ärendet har redan ett utfall. Rätta det utfallet i stället för att registrera ett till."),
            ("is already used by the live mc.case", "Det finns redan ett ärende med det id:t. Rätta det ärendet i stället."),
            ("is already used by the live decision", "Beslut-id:t finns redan. Rätta det beslutet i stället för att registrera det igen."),
            ("on or after the case's occurred date", "Utfallet kan inte ligga före datumet då ärendet öppnades."),
            ("must be the case's municipality", "Utfallet ska ha samma kommun som ärendet."),
            ("log the case again before its outcome", "Ärendet är ångrat. Registrera ärendet på nytt innan utfallet."),
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

    /// Why a report period could not be read, from `Period.parse`'s `"2013-13": month 13 does
    /// not exist`; empty when the text is no period at all (the page then shows examples).
    static func period(_ error: InputError) -> String {
        // The input comes first, quoted; the page shows it itself.
        let message = error.message.range(of: "\": ").map { String(error.message[$0.upperBound...]) } ?? error.message
        func words(before suffix: String) -> Substring? {
            message.hasSuffix(suffix) ? message.dropLast(suffix.count) : nil
        }
        if let month = words(before: " does not exist"), month.hasPrefix("month ") {
            return "Månad \(month.dropFirst("month ".count)) finns inte."
        }
        if let day = words(before: " is not a date YYYY-MM-DD that exists") { return "Datumet \(day) finns inte." }
        let reasons: [(String, String)] = [
            ("not a date", "Datumet finns inte."),
            ("the range ends before it starts", "Perioden slutar innan den börjar."),
            ("a school year is", "Ett läsår skrivs med två år i följd, t.ex. 2013/14."),
            ("a half year is", "Ett halvår är H1 eller H2."),
            ("a quarter is", "Ett kvartal är Q1, Q2, Q3 eller Q4."),
        ]
        return reasons.first { message.contains($0.0) }?.1 ?? ""
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
