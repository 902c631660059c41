/// The media ranges of an `Accept` header with their quality values (RFC 9110 §12.5.1), for
/// choosing between the representations of a resource.
struct AcceptHeader: Sendable {
    /// `type/subtype`, `type/*` or `*/*` (lowercased), with its quality in thousandths:
    /// 0 (not acceptable) to 1000.
    struct MediaRange: Equatable, Sendable {
        let type: String
        let subtype: String
        let quality: Int

        /// The more exact range decides for a media type: `type/subtype` over `type/*` over `*/*`.
        var specificity: Int { (type == "*" ? 0 : 1) + (subtype == "*" ? 0 : 1) }

        func matches(type: Substring, subtype: Substring) -> Bool {
            (self.type == "*" || self.type == type) && (self.subtype == "*" || self.subtype == subtype)
        }
    }

    let ranges: [MediaRange]

    /// Parses a header value; without a header every media type is acceptable. An element that
    /// is not a media range, or whose `q` is not a quality value, is left out. Parameters other
    /// than `q` are ignored: the formats to choose from differ by type and subtype alone.
    init(_ value: String?) {
        guard let value else {
            ranges = [MediaRange(type: "*", subtype: "*", quality: 1000)]
            return
        }
        ranges = Self.split(value[...], at: ",").compactMap(Self.mediaRange)
    }

    /// The most specific range that matches `mediaType` (`type/subtype`; the highest quality
    /// among equally specific ones), nil when none does.
    func range(for mediaType: String) -> MediaRange? {
        let (type, subtype) = mediaType.lowercased().splitOnce(at: "/")
        return ranges.filter { $0.matches(type: type, subtype: subtype) }.max {
            ($0.specificity, $0.quality) < ($1.specificity, $1.quality)
        }
    }

    /// The quality the header gives `mediaType`: that of `range(for:)`, 0 when none matches.
    func quality(of mediaType: String) -> Int { range(for: mediaType)?.quality ?? 0 }

    /// Whether the header asks for `mediaType` rather than `other`: a higher quality, or the
    /// same quality from a more specific range (`text/csv, */*` names CSV; `*/*` alone does
    /// not). Two types named alike are no preference.
    func prefers(_ mediaType: String, over other: String) -> Bool {
        guard let wanted = range(for: mediaType), wanted.quality > 0 else { return false }
        guard let rival = range(for: other) else { return true }
        return (wanted.quality, wanted.specificity) > (rival.quality, rival.specificity)
    }

    private static func mediaRange(_ element: Substring) -> MediaRange? {
        let parts = split(element, at: ";")
        guard let range = parts.first, !range.isEmpty else { return nil }
        let (type, subtype) = range.lowercased().splitOnce(at: "/")
        guard isToken(type), isToken(subtype), type != "*" || subtype == "*" else { return nil }
        var quality = 1000
        for parameter in parts.dropFirst() {
            let (name, value) = parameter.splitOnce(at: "=")
            guard trimmed(name).lowercased() == "q" else { continue }
            guard let parsed = qualityValue(trimmed(value)) else { return nil }
            quality = parsed
        }
        return MediaRange(type: String(type), subtype: String(subtype), quality: quality)
    }

    /// A quality value (RFC 9110 §12.4.2: `0`, `0.5`, `1.000` …, at most three decimals, at most
    /// 1) in thousandths.
    static func qualityValue(_ text: Substring) -> Int? {
        let (whole, fraction) = text.splitOnce(at: ".")
        guard whole == "0" || whole == "1", fraction.count <= 3, fraction.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        guard let thousandths = Int(whole + fraction + String(repeating: "0", count: 3 - fraction.count)) else { return nil }
        return thousandths <= 1000 ? thousandths : nil
    }

    /// The pieces of a list between separators outside quoted strings (RFC 9110 §5.6.4), with
    /// the spaces and tabs around them trimmed; empty pieces are left out.
    static func split(_ text: Substring, at separator: Character) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex, quoted = false, escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if quoted {
                if character == "\\" { escaped = true } else if character == "\"" { quoted = false }
            } else if character == "\"" {
                quoted = true
            } else if character == separator {
                pieces.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        pieces.append(text[start...])
        return pieces.map(trimmed).filter { !$0.isEmpty }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return text[first...last]
    }

    /// A token (RFC 9110 §5.6.2): one or more of the visible ASCII characters that are not delimiters.
    private static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (0x21...0x7E).contains(byte) && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
        }
    }
}

private extension StringProtocol {
    /// The text before the first `separator` and after it ("" when there is none).
    func splitOnce(at separator: Character) -> (SubSequence, SubSequence) {
        guard let index = firstIndex(of: separator) else { return (self[...], self[endIndex...]) }
        return (self[..<index], self[self.index(after: index)...])
    }
}
