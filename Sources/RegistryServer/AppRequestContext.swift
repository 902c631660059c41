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

    /// API requests may carry large arrays of events.
    var maxUploadSize: Int { 16 << 20 }

    /// The CSRF token forms of this session must send back.
    var csrf: String? { sessions.session?.csrf }
}
