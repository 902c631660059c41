import Registry

extension Int {
    /// The count with its noun in the right number: `1 dag`, `2 dagar`, `0 elever`.
    func counted(_ one: String, _ many: String) -> String { "\(self) \(self == 1 ? one : many)" }
}

/// Swedish names of the vocabulary, for pages.
extension EventType {
    var label: String {
        switch self {
        case .navetVisit: "Temabesök"
        case .navetTraining: "Kompetensutveckling"
        case .navetPublic: "Allmänheten"
        case .navetConference: "Konferens"
        case .navetLecture: "Föreläsning"
        case .mcCase: "MC-ärende"
        case .mcOutcome: "MC-utfall"
        case .grantDecision: "Beslut om tillväxtmedel"
        case .membership: "Medlemskap"
        case .retraction: "Ångrad händelse"
        case .correction: "Rättelse"
        case .mcActivity: "MC-aktivitet"
        case .planTarget: "Mål i verksamhetsplanen"
        case .planAssessment: "Bedömning av mål"
        }
    }

    /// The five kinds of Navet events reception records, in the order of the annual report.
    static let navet: [EventType] = [.navetVisit, .navetTraining, .navetPublic, .navetConference, .navetLecture]
}

extension Service {
    var label: String {
        switch self {
        case .core: "Kärntjänst"
        case .purchased: "Köpt tjänst"
        }
    }
}

extension Gender {
    var label: String {
        switch self {
        case .female: "Kvinna"
        case .male: "Man"
        case .other: "Annat"
        case .unspecified: "Ej angivet"
        }
    }
}

extension Decision {
    var label: String {
        switch self {
        case .approved: "Beviljad"
        case .rejected: "Avslag"
        }
    }
}

extension Funding {
    var label: String {
        switch self {
        case .region: "Regionen (VGR)"
        case .forbund: "Förbundet"
        case .mixed: "Blandad"
        }
    }
}

extension Registry.Unit {
    var label: String {
        switch self {
        case .forbund: "Förbundet"
        case .navet: "Navet"
        case .mc: "Medarbetarcentrum"
        }
    }
}

extension ActivityKind {
    var label: String {
        switch self {
        case .presentation: "Verksamhetspresentation"
        case .training: "Utbildning"
        case .dialogue: "Dialogträff"
        case .groupDevelopment: "Grupputveckling"
        case .network: "Nätverk"
        case .other: "Övrigt"
        }
    }
}
