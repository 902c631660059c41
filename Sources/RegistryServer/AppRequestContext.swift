import Foundation
import Hummingbird
import HummingbirdAuth

/// The request context of the registry: the signed-in user (from a bearer token or a
/// session cookie), the browser session, and the client's address for throttling.
struct AppRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: User?
    let sessions: SessionContext<WebSession>
    private let peer: @Sendable () -> String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        sessions = .init()
        let channel = source.channel
        peer = { channel.remoteAddress?.ipAddress }
    }

    /// The client's address, for throttling sign-ins (looked up only when asked: it takes a lock
    /// and makes a string).
    var remoteAddress: String? { peer() }

    /// Who is asking, for throttling: the peer, or behind a proxy on this machine the address
    /// that proxy added last to X-Forwarded-For (otherwise every client would share one
    /// throttle). Nil when the peer is unknown (a Unix socket, a test client).
    func clientAddress(_ request: Request) -> String? {
        guard let peer = remoteAddress else { return nil }
        guard peer == "127.0.0.1" || peer == "::1", let name = Self.forwardedFor,
              let forwarded = request.headers[values: name].last?.split(separator: ",").last else { return peer }
        let address = forwarded.trimmingCharacters(in: .whitespaces)
        return address.isEmpty ? peer : address
    }

    private static let forwardedFor = HTTPFields.Element.Name("X-Forwarded-For")

    /// The CSRF token forms of this session must send back.
    var csrf: String? { sessions.session?.csrf }
}
