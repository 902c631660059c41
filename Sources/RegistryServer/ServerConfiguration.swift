/// Where and how `registry serve` listens.
public struct ServerConfiguration: Sendable {
    /// The address to bind (`127.0.0.1` keeps the server local; put a TLS proxy in front).
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int
    /// Marks the session cookie `Secure`: set it when browsers reach the server over HTTPS.
    public var secureCookies: Bool
    /// How long a browser session lasts without signing in again.
    public var sessionLifetime: Duration
    /// How long a new user's password and token wait in the admin's session to be shown once.
    public var issuedCredentialsLifetime: Duration
    /// The largest body `POST /api/events` reads, in bytes (larger: 413); forms take at most
    /// `FormData.maxBody`.
    public var maxRequestBody: Int

    /// Creates a configuration; the defaults suit a server behind a local proxy.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        sessionLifetime: Duration = .seconds(12 * 3600), issuedCredentialsLifetime: Duration = .seconds(5 * 60),
        maxRequestBody: Int = 16 << 20
    ) {
        self.maxRequestBody = maxRequestBody
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.issuedCredentialsLifetime = issuedCredentialsLifetime
    }
}
