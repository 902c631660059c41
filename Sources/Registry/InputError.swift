/// Rejected input: where (line of a file, index in an array), which field and what is wrong.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    public var line: Int?
    public var index: Int?
    public var field: String?
    public var message: String
    /// When the field named no municipality: the failed look-up, whose suggestions a message
    /// in another language can name ("Menade du Borås?").
    public var unknownMunicipality: MunicipalityLookupError?

    public init(line: Int? = nil, index: Int? = nil, field: String? = nil, _ message: String) {
        self.line = line
        self.index = index
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let index { parts.append("event \(index + 1)") } // counted from 1, like lines
        if let field { parts.append("field \"\(field)\"") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// This error, found on line `line` of a file.
    public func at(line: Int) -> InputError { var copy = self; copy.line = line; return copy }
    /// This error, found in the event at `index` of a batch.
    public func at(index: Int) -> InputError { var copy = self; copy.index = index; return copy }
}
