import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import Registry

/// Builds the web app and HTTP API over `store` (`registry serve` runs it; tests call it too).
public func buildApplication(store: Store, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger? = nil) -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "registry.server") { LineLogHandler(label: $0) }
    logger[metadataKey: "store.path"] = "\(store.log.path)"
    let state = ServerState(store: store, configuration: configuration, logger: logger)
    // Sessions live in memory: a restart signs everyone out, which a workday tolerates.
    let sessions = MemoryPersistDriver()

    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: IdentityMiddleware(users: state.users, sessions: SessionMiddleware(
        storage: sessions,
        configuration: SessionMiddlewareConfiguration(
            sessionCookieParameters: SessionCookieParameters(
                name: "registry_session", secure: configuration.secureCookies, sameSite: .strict),
            defaultSessionExpiration: configuration.sessionLifetime))))
    router.add(middleware: PageErrorMiddleware())

    APIController(state: state).addRoutes(to: router)
    LoginController(state: state).addRoutes(to: router)
    ReceptionController(state: state).addRoutes(to: router)
    CoachController(state: state).addRoutes(to: router)
    McActivityController(state: state).addRoutes(to: router)
    GrantsController(state: state).addRoutes(to: router)
    ReportsController(state: state).addRoutes(to: router)
    TargetsPage(state: state).addRoutes(to: router)
    DrillDownController(state: state).addRoutes(to: router)
    MembershipController(state: state).addRoutes(to: router)
    LogController(state: state).addRoutes(to: router)
    AdminController(state: state).addRoutes(to: router)

    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "registry"),
        services: [sessions],
        logger: logger)
}

/// Serves the web app and HTTP API over `store` until SIGINT or SIGTERM (`registry serve`, `registry demo`).
public func serve(store: Store, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger? = nil) async throws {
    // A log line to a pipe whose reader has gone must fail that write, not end the server.
    signal(SIGPIPE, SIG_IGN)
    try await buildApplication(store: store, configuration: configuration, logger: logger).runService()
}
