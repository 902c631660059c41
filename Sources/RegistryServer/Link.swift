/// Builds a path with a query string from name/value pairs (empty values left out).
func link(_ path: String, _ parameters: [(String, String?)]) -> String {
    let query = parameters.compactMap { name, value in
        value.flatMap { $0.isEmpty ? nil : "\(name)=\($0.addingPercentEncodingForQuery())" }
    }
    return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
}

extension String {
    /// Percent-encodes everything but unreserved characters, for a query value.
    func addingPercentEncodingForQuery() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
