import EventLog

/// Generated secrets from the system's cryptographic random source.
enum Secret {
    /// Lowercase letters and digits without look-alikes (0/o, 1/l/i), easy to type on a tablet.
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// Four groups of four characters, about 79 bits: `k7qm-x2rt-9hpz-c4wd`.
    static func password() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            String((0..<4).map { _ in alphabet.randomElement(using: &generator)! })
        }.joined(separator: "-")
    }

    /// `count` random bytes as lowercase hex.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
