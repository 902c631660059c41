/// A Swedish municipality (kommun) identified by its four-digit SCB code.
public struct Municipality: Hashable, Sendable {
    /// The four-digit SCB municipality code, e.g. "1490".
    public let code: String
    /// The municipality name in Swedish spelling, e.g. "Borås".
    public let name: String

    /// Creates a municipality value (no validation; prefer `lookup` or `byCode`).
    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// All 290 Swedish municipalities in SCB code order.
    public static let all: [Municipality] = table.split(separator: "\n").map { line in
        Municipality(code: String(line.prefix(4)), name: String(line.dropFirst(5)))
    }

    /// Returns the municipality with the given four-digit code, if any.
    public static func byCode(_ code: String) -> Municipality? {
        codeIndex[code]
    }

    /// Finds a municipality by code or by name (case-, diacritic- and whitespace-insensitive).
    public static func lookup(_ text: String) throws(MunicipalityLookupError) -> Municipality {
        if let m = byFourDigits(text) ?? exactIndex[text] { return m }
        let input = trimmed(text)
        if !input.isEmpty, input.count <= 4, input.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let code = String(repeating: "0", count: 4 - input.count) + input
            if let m = codeIndex[code] { return m }
        }
        if let m = nameIndex[input.lowercased()] ?? nameIndex[fold(input)] { return m }
        throw MunicipalityLookupError(input: input, suggestions: suggestions(for: input))
    }

    /// Returns true if `a` sorts before `b` in Swedish alphabetical order (a–z, å, ä, ö).
    public static func swedishOrder(_ a: String, _ b: String) -> Bool {
        var ia = a.makeIterator(), ib = b.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return a < b  // equal keys: deterministic tie-break
            case (nil, _): return true
            case (_, nil): return false
            case let (ca?, cb?):
                let wa = sortWeight(ca), wb = sortWeight(cb)
                if wa != wb { return wa < wb }
            }
        }
    }

    // MARK: - Indexes

    /// The municipality whose code is `text`, four ASCII digits, found without hashing: an
    /// import's lines name municipalities by code.
    private static func byFourDigits(_ text: String) -> Municipality? {
        guard text.utf8.count == 4 else { return nil }
        var number = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return byNumber[number]
    }

    /// By code as a number, 0 to 9999.
    private static let byNumber: [Municipality?] = {
        var table = [Municipality?](repeating: nil, count: 10_000)
        for m in all { table[Int(m.code)!] = m }
        return table
    }()

    /// Codes and names exactly as written: most input takes this path.
    private static let exactIndex: [String: Municipality] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) } + all.map { ($0.name, $0) })

    private static let codeIndex: [String: Municipality] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// Lowercased exact names plus unambiguous folded names ("habo" is both Habo and Håbo folded).
    private static let nameIndex: [String: Municipality] = {
        var folded: [String: Municipality?] = [:]
        for m in all {
            let key = fold(m.name)
            folded[key] = folded[key] == nil ? .some(m) : .some(nil)  // nil marks ambiguity
        }
        var index = folded.compactMapValues { $0 }
        for m in all { index[m.name.lowercased()] = m }
        return index
    }()

    private static let foldedNames: [(folded: [Character], municipality: Municipality)] =
        all.map { (Array(fold($0.name)), $0) }

    // MARK: - Helpers

    private static func trimmed(_ s: String) -> String {
        guard let start = s.firstIndex(where: { !$0.isWhitespace }),
              let end = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(s[start...end])
    }

    private static let foldMap: [Character: Character] = [
        "å": "a", "ä": "a", "à": "a", "á": "a", "â": "a", "æ": "a",
        "ö": "o", "ø": "o", "ó": "o", "ò": "o", "ô": "o",
        "é": "e", "è": "e", "ê": "e", "ë": "e",
        "ü": "u", "ú": "u", "ù": "u", "û": "u",
        "í": "i", "ì": "i", "ï": "i", "ç": "c", "ñ": "n",
        "-": " ", "_": " ",
    ]

    /// Lowercases, strips diacritics and treats hyphens as spaces (manual; no Foundation folding).
    public static func fold(_ s: String) -> String {
        String(s.lowercased().map { foldMap[$0] ?? $0 })
    }

    private static func suggestions(for input: String) -> [String] {
        // "Borås kommun", "Marks kommun", "Göteborgs stad": the name without the suffix, and
        // without a genitive s. Exact letters first: "Håbo kommun" is Håbo, not Habo.
        let lowered = input.lowercased()
        for suffix in [" kommun", " stad"] where lowered.hasSuffix(suffix) {
            let base = String(lowered.dropLast(suffix.count))
            let names = base.hasSuffix("s") ? [base, String(base.dropLast())] : [base]
            if let m = names.lazy.compactMap({ nameIndex[$0] ?? nameIndex[fold($0)] }).first { return [m.name] }
        }
        let query = Array(fold(input))
        guard !query.isEmpty else { return [] }
        let limit = min(3, query.count / 2)
        var hits: [(distance: Int, name: String)] = []
        for (name, m) in foldedNames where name.first == query.first {
            let d = editDistance(query, name)
            if d <= limit || name.starts(with: query) { hits.append((d, m.name)) }
        }
        hits.sort { $0.distance != $1.distance ? $0.distance < $1.distance : swedishOrder($0.name, $1.name) }
        return hits.prefix(3).map(\.name)
    }

    /// Levenshtein distance where an adjacent transposition also counts as one edit.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = [Int](), row = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous[j - 2] + 1)
                }
            }
            previous = row
            row = current
        }
        return row[b.count]
    }

    /// Sort weights: whitespace, hyphen, digits, a–z, å, ä, ö; unknown characters after.
    private static let weights: [Character: Int] = {
        var w: [Character: Int] = [" ": 1, "-": 2]
        for (i, c) in "0123456789".enumerated() { w[c] = 10 + i }
        for (i, c) in "abcdefghijklmnopqrstuvwxyzåäö".enumerated() { w[c] = 100 + i }
        let aliases: [Character: Character] = [
            "é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "á": "a", "â": "a",
            "ü": "y", "æ": "ä", "ø": "ö", "ç": "c", "ñ": "n", "í": "i", "ó": "o",
        ]
        for (c, base) in aliases { w[c] = w[base] }
        return w
    }()

    private static func sortWeight(_ c: Character) -> Int {
        if c.isWhitespace { return 1 }
        let lower = c.lowercased()
        if let w = weights[lower.first ?? c] { return w }
        return 1_000 + Int(lower.unicodeScalars.first?.value ?? 0)
    }

    // MARK: - Data (SCB kommunkoder, 2024)

    private static let table = """
    0114 Upplands Väsby
    0115 Vallentuna
    0117 Österåker
    0120 Värmdö
    0123 Järfälla
    0125 Ekerö
    0126 Huddinge
    0127 Botkyrka
    0128 Salem
    0136 Haninge
    0138 Tyresö
    0139 Upplands-Bro
    0140 Nykvarn
    0160 Täby
    0162 Danderyd
    0163 Sollentuna
    0180 Stockholm
    0181 Södertälje
    0182 Nacka
    0183 Sundbyberg
    0184 Solna
    0186 Lidingö
    0187 Vaxholm
    0188 Norrtälje
    0191 Sigtuna
    0192 Nynäshamn
    0305 Håbo
    0319 Älvkarleby
    0330 Knivsta
    0331 Heby
    0360 Tierp
    0380 Uppsala
    0381 Enköping
    0382 Östhammar
    0428 Vingåker
    0461 Gnesta
    0480 Nyköping
    0481 Oxelösund
    0482 Flen
    0483 Katrineholm
    0484 Eskilstuna
    0486 Strängnäs
    0488 Trosa
    0509 Ödeshög
    0512 Ydre
    0513 Kinda
    0560 Boxholm
    0561 Åtvidaberg
    0562 Finspång
    0563 Valdemarsvik
    0580 Linköping
    0581 Norrköping
    0582 Söderköping
    0583 Motala
    0584 Vadstena
    0586 Mjölby
    0604 Aneby
    0617 Gnosjö
    0642 Mullsjö
    0643 Habo
    0662 Gislaved
    0665 Vaggeryd
    0680 Jönköping
    0682 Nässjö
    0683 Värnamo
    0684 Sävsjö
    0685 Vetlanda
    0686 Eksjö
    0687 Tranås
    0760 Uppvidinge
    0761 Lessebo
    0763 Tingsryd
    0764 Alvesta
    0765 Älmhult
    0767 Markaryd
    0780 Växjö
    0781 Ljungby
    0821 Högsby
    0834 Torsås
    0840 Mörbylånga
    0860 Hultsfred
    0861 Mönsterås
    0862 Emmaboda
    0880 Kalmar
    0881 Nybro
    0882 Oskarshamn
    0883 Västervik
    0884 Vimmerby
    0885 Borgholm
    0980 Gotland
    1060 Olofström
    1080 Karlskrona
    1081 Ronneby
    1082 Karlshamn
    1083 Sölvesborg
    1214 Svalöv
    1230 Staffanstorp
    1231 Burlöv
    1233 Vellinge
    1256 Östra Göinge
    1257 Örkelljunga
    1260 Bjuv
    1261 Kävlinge
    1262 Lomma
    1263 Svedala
    1264 Skurup
    1265 Sjöbo
    1266 Hörby
    1267 Höör
    1270 Tomelilla
    1272 Bromölla
    1273 Osby
    1275 Perstorp
    1276 Klippan
    1277 Åstorp
    1278 Båstad
    1280 Malmö
    1281 Lund
    1282 Landskrona
    1283 Helsingborg
    1284 Höganäs
    1285 Eslöv
    1286 Ystad
    1287 Trelleborg
    1290 Kristianstad
    1291 Simrishamn
    1292 Ängelholm
    1293 Hässleholm
    1315 Hylte
    1380 Halmstad
    1381 Laholm
    1382 Falkenberg
    1383 Varberg
    1384 Kungsbacka
    1401 Härryda
    1402 Partille
    1407 Öckerö
    1415 Stenungsund
    1419 Tjörn
    1421 Orust
    1427 Sotenäs
    1430 Munkedal
    1435 Tanum
    1438 Dals-Ed
    1439 Färgelanda
    1440 Ale
    1441 Lerum
    1442 Vårgårda
    1443 Bollebygd
    1444 Grästorp
    1445 Essunga
    1446 Karlsborg
    1447 Gullspång
    1452 Tranemo
    1460 Bengtsfors
    1461 Mellerud
    1462 Lilla Edet
    1463 Mark
    1465 Svenljunga
    1466 Herrljunga
    1470 Vara
    1471 Götene
    1472 Tibro
    1473 Töreboda
    1480 Göteborg
    1481 Mölndal
    1482 Kungälv
    1484 Lysekil
    1485 Uddevalla
    1486 Strömstad
    1487 Vänersborg
    1488 Trollhättan
    1489 Alingsås
    1490 Borås
    1491 Ulricehamn
    1492 Åmål
    1493 Mariestad
    1494 Lidköping
    1495 Skara
    1496 Skövde
    1497 Hjo
    1498 Tidaholm
    1499 Falköping
    1715 Kil
    1730 Eda
    1737 Torsby
    1760 Storfors
    1761 Hammarö
    1762 Munkfors
    1763 Forshaga
    1764 Grums
    1765 Årjäng
    1766 Sunne
    1780 Karlstad
    1781 Kristinehamn
    1782 Filipstad
    1783 Hagfors
    1784 Arvika
    1785 Säffle
    1814 Lekeberg
    1860 Laxå
    1861 Hallsberg
    1862 Degerfors
    1863 Hällefors
    1864 Ljusnarsberg
    1880 Örebro
    1881 Kumla
    1882 Askersund
    1883 Karlskoga
    1884 Nora
    1885 Lindesberg
    1904 Skinnskatteberg
    1907 Surahammar
    1960 Kungsör
    1961 Hallstahammar
    1962 Norberg
    1980 Västerås
    1981 Sala
    1982 Fagersta
    1983 Köping
    1984 Arboga
    2021 Vansbro
    2023 Malung-Sälen
    2026 Gagnef
    2029 Leksand
    2031 Rättvik
    2034 Orsa
    2039 Älvdalen
    2061 Smedjebacken
    2062 Mora
    2080 Falun
    2081 Borlänge
    2082 Säter
    2083 Hedemora
    2084 Avesta
    2085 Ludvika
    2101 Ockelbo
    2104 Hofors
    2121 Ovanåker
    2132 Nordanstig
    2161 Ljusdal
    2180 Gävle
    2181 Sandviken
    2182 Söderhamn
    2183 Bollnäs
    2184 Hudiksvall
    2260 Ånge
    2262 Timrå
    2280 Härnösand
    2281 Sundsvall
    2282 Kramfors
    2283 Sollefteå
    2284 Örnsköldsvik
    2303 Ragunda
    2305 Bräcke
    2309 Krokom
    2313 Strömsund
    2321 Åre
    2326 Berg
    2361 Härjedalen
    2380 Östersund
    2401 Nordmaling
    2403 Bjurholm
    2404 Vindeln
    2409 Robertsfors
    2417 Norsjö
    2418 Malå
    2421 Storuman
    2422 Sorsele
    2425 Dorotea
    2460 Vännäs
    2462 Vilhelmina
    2463 Åsele
    2480 Umeå
    2481 Lycksele
    2482 Skellefteå
    2505 Arvidsjaur
    2506 Arjeplog
    2510 Jokkmokk
    2513 Överkalix
    2514 Kalix
    2518 Övertorneå
    2521 Pajala
    2523 Gällivare
    2560 Älvsbyn
    2580 Luleå
    2581 Piteå
    2582 Boden
    2583 Haparanda
    2584 Kiruna
    """
}

/// Thrown by `Municipality.lookup` when the input matches no municipality code or name.
public struct MunicipalityLookupError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The trimmed input that failed to match.
    public let input: String
    /// Up to three similar names (edit distance ≤ 3 with the same first letter, or prefix matches).
    public let suggestions: [String]

    /// Creates a lookup error for `input` with optional name suggestions.
    public init(input: String, suggestions: [String]) {
        self.input = input
        self.suggestions = suggestions
    }

    /// English message, e.g. `unknown municipality "Borsa"; did you mean Borås?`.
    public var description: String {
        let base = "unknown municipality \"\(input)\""
        guard !suggestions.isEmpty else { return base }
        let list = suggestions.count == 1
            ? suggestions[0]
            : suggestions.dropLast().joined(separator: ", ") + " or " + suggestions.last!
        return base + "; did you mean \(list)?"
    }
}
