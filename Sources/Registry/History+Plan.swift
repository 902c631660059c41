import EventLog

extension History {
    /// Footnotes of the demo's 2013 targets report, by target key: where the annual report's
    /// printed outcome is not what its own tables (and so the events) say.
    static let targetNotes: [(key: String, value: String)] = [
        ("navet-elever", "Elever på teman: årsredovisningens text anger 14 263, dess tabell 13 396 (Summa elever). Registret visar händelsernas summa, som tabellen."),
        ("navet-besokare", "Besökare på helger och lov: texten anger 15 589, tabellens barn + vuxna blir 16 787. Registret visar händelsernas summa, som tabellen."),
        ("navet-matematikpalatset", "Matematikpalatset: tryckt utfall 1 980 elever; demohistorikens besök har sina teman slumpvis fördelade, så utfallet här är vad händelserna säger."),
        ("navet-foraldramote", "Föräldramötespedagogik: tryckt utfall 409 pedagoger; demohistoriken har inga utbildningar i det programmet."),
        ("navet-no-teknik", "Pedagoger i naturvetenskap och teknik: tryckt utfall 1 400; demohistorikens utbildningar har sina program slumpvis fördelade (bara summorna per kommun följer tabellen), så utfallet här är vad händelserna säger."),
        ("navet-matematik-dagar", "Lärarutbildningsdagar i matematik: tryckt utfall 1 317 pedagoger (en annan enhet än målets dagar); utfallet här är dagarna i programmet Matematiklyftet."),
        ("navet-forskola-dagar", "Lärarutbildningsdagar i förskolan: tryckt utfall 572 dagar för 1 327 pedagoger; utfallet här är vad demohistorikens händelser säger."),
        ("navet-kunskap-och-kansla", "Kunskap och känsla: tryckt utfall 1 167 personer; demohistoriken fördelar programmen slumpvis, så utfallet här är vad händelserna säger."),
        ("navet-kuben", "Eventhallen Kuben: tryckt utfall ca 30 tillfällen; demohistoriken har färre konferenser."),
        ("navet-arrangemang", "Arrangemang utanför skolsystemet: tryckt utfall 54 räknar också konferenser; målet mäts här som antalet föreläsningar."),
        ("mc-grupputveckling", "Grupputvecklingsuppdrag: årsredovisningen anger ingen siffra; demohistoriken har sex uppdrag."),
    ]
}

/// The 2013 activity plan's targets (DOMAIN.md, worded as in the annual report), their
/// assessments, and MC's activities that year, with fixed ids.
enum HistoryPlan {
    static func events() -> [Event] {
        var ids = SeededRandom(seed: 0x506C_616E_2013)
        var events: [Event] = []
        func add(_ occurred: String, by: String, _ fact: Fact) {
            events.append(Event(id: .random(using: &ids), occurred: Day(iso: occurred)!, by: by, fact: fact))
        }
        func target(_ unit: Unit, _ key: String, _ text: String, _ minimum: Int? = nil, _ measure: Measure? = nil) {
            add("2012-12-14", by: "admin", .target(PlanTarget(unit: unit, key: key, period: "2013", text: text, minimum: minimum, measure: measure)))
        }
        func measure(_ type: EventType, _ sum: String, kind: ActivityKind? = nil, _ field: String? = nil, _ contains: String? = nil) -> Measure {
            Measure(type: type, kind: kind, match: field.map { Measure.Match(field: $0, contains: contains!) }, sum: sum)
        }
        target(.navet, "navet-elever", "Minst 20 000 elever på teman", 20_000, measure(.navetVisit, "pupils"))
        target(.navet, "navet-besokare", "Minst 15 000 besökare på helger och lov", 15_000, measure(.navetPublic, "children+adults"))
        target(.navet, "navet-matematikpalatset", "Minst 4 000 elever på teman i Matematikpalatset", 4_000, measure(.navetVisit, "pupils", "theme", "Matematikpalatset"))
        target(.navet, "navet-foraldramote", "Minst 500 pedagoger på föräldramötespedagogikkurser", 500, measure(.navetTraining, "participants", "programme", "Föräldramöte"))
        target(.navet, "navet-no-teknik", "Minst 2 000 pedagoger inom naturvetenskap och teknik för att implementera de nya kursplanerna", 2_000, measure(.navetTraining, "participants", "programme", "Nya läroplanen"))
        target(.navet, "navet-matematik-dagar", "Minst 2 000 lärarutbildningsdagar genomförs i matematik", 2_000, measure(.navetTraining, "teacher_training_days", "programme", "Matematik"))
        target(.navet, "navet-forskola-dagar", "Minst motsvarande 500 lärarutbildningsdagar för personal i förskolan (reviderade läroplanen)", 500, measure(.navetTraining, "teacher_training_days", "programme", "förskolan"))
        target(.navet, "navet-arrangemang", "Minst 10 arrangemang, event för grupper utanför skolsystemet", 10, measure(.navetLecture, "events"))
        target(.navet, "navet-kunskap-och-kansla", "Kunskap och känsla, utbildningsprogram för företag och arbetsplatser, för minst 500 personer", 500, measure(.navetTraining, "participants", "programme", "Kunskap och känsla"))
        target(.navet, "navet-kuben", "Eventhallen Kuben hyrs ut vid minst tio tillfällen", 10, measure(.navetConference, "events"))
        target(.navet, "navet-nya-teman", "Minst åtta nya teman kopplade till de nya utställningarna produceras")
        target(.navet, "navet-forum", "Navet deltar i minst sju nationella och internationella forum")
        target(.navet, "navet-berta-avtal", "Navet sluter avtal med 5 kunder inom utbildningssektorn (Kemitemat Berta)")
        target(.navet, "navet-material", "Våga vilja välja tas fram; Styr och regler utvecklas och testas; STEPS (ca 250 pedagoger, minst fem halvdagar); Berta del 2 och Tunda")
        target(.mc, "mc-peup", "Utbilda i och demonstrera PEUP för minst 50 chefer och andra nyckelpersoner", 50, measure(.mcActivity, "participants", kind: .training, "programme", "PEUP"))
        target(.mc, "mc-dialogtraff", "Minst en dialogträff med kommunernas personalspecialister kring utbud och behov", 1, measure(.mcActivity, "events", kind: .dialogue))
        target(.mc, "mc-presentationer", "Minst två verksamhetspresentationer per månad fördelat inom medlemskommunerna", 24, measure(.mcActivity, "events", kind: .presentation))
        target(.mc, "mc-grupputveckling", "Genomföra minst 6 grupputvecklingsuppdrag", 6, measure(.mcActivity, "events", kind: .groupDevelopment))
        target(.mc, "mc-ledarskap", "En utbildningsomgång i ledarskapsutvecklingsprogrammet för 12–16 chefer", 12, measure(.mcActivity, "participants", kind: .training, "programme", "Ledarskapsutvecklingsprogrammet"))
        target(.mc, "mc-adcore", "Aktivt lansera jobbväxlingsfunktionen i AdCore")

        // MC's activities of 2013 that the annual report names.
        func activity(_ day: String, _ kind: ActivityKind, _ participants: Int, programme: String? = nil, municipality: String? = nil, title: String? = nil) {
            add(day, by: "coach", .activity(MCActivity(
                kind: kind, programme: programme, municipality: municipality.flatMap(Municipality.byCode), participants: participants, title: title)))
        }
        activity("2013-03-14", .training, 24, programme: "PEUP", municipality: "1490", title: "PEUP för chefer")
        activity("2013-04-18", .training, 21, programme: "PEUP", municipality: "1463", title: "PEUP för chefer och nyckelpersoner")
        activity("2013-10-10", .training, 17, programme: "PEUP", municipality: "1452", title: "PEUP-demonstration")
        activity("2013-05-21", .dialogue, 14, title: "Dialogträff med kommunernas personalspecialister kring utbud och behov")
        let members = ["1443", "1490", "1463", "1465", "1452"]
        let presentations = ["2013-01-17", "2013-01-29", "2013-02-07", "2013-02-21", "2013-03-06", "2013-03-20", "2013-04-10",
                             "2013-04-24", "2013-05-08", "2013-05-29", "2013-06-05", "2013-06-12", "2013-08-28", "2013-09-11",
                             "2013-09-25", "2013-10-02", "2013-10-23", "2013-11-06", "2013-11-20", "2013-11-27", "2013-12-04", "2013-12-11"]
        for (i, day) in presentations.enumerated() {
            activity(day, .presentation, 8 + i * 7 % 23, municipality: members[i % members.count], title: "Verksamhetspresentation")
        }
        for (i, day) in ["2013-02-12", "2013-03-26", "2013-05-14", "2013-09-17", "2013-10-29", "2013-11-26"].enumerated() {
            activity(day, .groupDevelopment, 6 + i * 3 % 7, municipality: members[(i + 2) % members.count], title: "Grupputvecklingsuppdrag")
        }
        activity("2013-09-05", .training, 14, programme: "Ledarskapsutvecklingsprogrammet", title: "Utbildningsomgång 2013")

        // The judgements of the manual targets, made for the annual report.
        func assess(_ key: String, _ status: AssessmentStatus, _ value: Int? = nil, _ comment: String) {
            add("2014-02-10", by: "admin", .assessment(PlanAssessment(target: key, status: status, value: value, comment: comment)))
        }
        assess("navet-nya-teman", .achieved, 9, "Nio nya teman")
        assess("navet-forum", .achieved, 10, "Ett tiotal konferenser")
        assess("navet-berta-avtal", .achieved, 6, "Sex prenumeranter")
        assess("navet-material", .partly, nil, "Genomfört, delvis: Tunda ej i tryck")
        assess("mc-adcore", .partly, nil, "Marknadsförts, ingen permanent växling")
        // Date order, the order of making on the same day.
        return events.indices.sorted { (events[$0].occurred, $0) < (events[$1].occurred, $1) }.map { events[$0] }
    }
}
