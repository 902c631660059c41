import Hummingbird
import HummingbirdAuth

/// The request context of the registry: the signed-in user (from a bearer token or a
/// session cookie), the browser session, and the client's address for throttling.
struct AppRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: User?
    let sessions: SessionContext<WebSession>
    let remoteAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        sessions = .init()
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// API requests may carry large arrays of events.
    var maxUploadSize: Int { 16 << 20 }

    /// The CSRF token forms of this session must send back.
    var csrf: String? { sessions.session?.csrf }
}
