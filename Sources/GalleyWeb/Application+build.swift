import Foundation
import GalleyCore
import Hummingbird
import HummingbirdCore
import Logging

/// Where and how `galley serve` listens, and the site it serves.
public struct WebConfiguration: Sendable {
    public static let defaultCacheBudget = 16 << 20

    public var host: String
    public var port: Int
    public var site: SiteConfiguration
    /// Bytes of rendered pages kept in memory; 0 turns the response cache off.
    public var cacheBudget: Int
    /// How often to look for writes made by other processes (`galley import`, other replicas).
    public var pollInterval: Duration
    /// Proxies whose `X-Forwarded-*` headers are believed.
    public var trustedProxies: TrustedProxies
    /// Who may read `/metrics`.
    public var metricsAccess: MetricsAccess
    /// The largest image an author may upload, in bytes.
    public var uploadLimit: Int
    /// Connections, timeouts and request sizes.
    public var limits: ConnectionLimits
    public static let defaultUploadLimit = 10 << 20

    public init(
        host: String = "127.0.0.1", port: Int = 8080, site: SiteConfiguration = SiteConfiguration(),
        cacheBudget: Int = defaultCacheBudget, pollInterval: Duration = .seconds(1), trustedProxies: TrustedProxies = .none,
        metricsAccess: MetricsAccess = .loopback, uploadLimit: Int = defaultUploadLimit, limits: ConnectionLimits = .defaults
    ) {
        self.limits = limits
        self.metricsAccess = metricsAccess
        self.uploadLimit = uploadLimit
        self.host = host
        self.port = port
        self.site = site
        self.cacheBudget = cacheBudget
        self.pollInterval = pollInterval
        self.trustedProxies = trustedProxies
    }
}

/// The one seam that builds the application, used by `galley serve` and by tests alike.
public func buildApplication(
    configuration: WebConfiguration,
    store: some Store,
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let site = configuration.site
    let watcher = SiteWatcher(store: store, clock: site.clock, pollInterval: configuration.pollInterval, logger: logger) { [logger] in
        do {
            try await site.reload(from: store)
        } catch {
            logger.error("could not read the site's settings", metadata: ["error": "\(error)"])
        }
    }
    let cache = ResponseCache(budget: configuration.cacheBudget)
    let metrics = SiteMetrics(cache: cache, databaseConnections: { store.connectionCounts }, watcher: watcher)
    let router = try await buildRouter(
        site: site, store: store, cache: cache, watcher: watcher, proxies: configuration.trustedProxies,
        metrics: metrics, metricsAccess: configuration.metricsAccess, uploadLimit: configuration.uploadLimit, limits: configuration.limits
    )
    let serverName = "Galley"
    let answers = FastAnswers(cache: cache, watcher: watcher, logger: logger, serverName: serverName, proxies: configuration.trustedProxies, metrics: metrics)
    let connections = ConnectionRegistry(limit: configuration.limits.maxConnections, metrics: metrics)
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            FastHTTP1Channel(responder: responder, answers: answers, limits: configuration.limits, registry: connections)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        services: [watcher, MemoryTrimmer(cache: cache)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// The router with every middleware and route; tests drive it without a socket.
public func buildRouter(
    site: SiteConfiguration, store: some Store, cacheBudget: Int = WebConfiguration.defaultCacheBudget,
    trustedProxies: TrustedProxies = .none, metricsAccess: MetricsAccess = .loopback,
    uploadLimit: Int = WebConfiguration.defaultUploadLimit, limits: ConnectionLimits = .defaults
) async throws -> Router<AppRequestContext> {
    let cache = ResponseCache(budget: cacheBudget)
    return try await buildRouter(
        site: site, store: store, cache: cache, watcher: SiteWatcher(store: store, clock: site.clock),
        proxies: trustedProxies, metrics: SiteMetrics(cache: cache, databaseConnections: { store.connectionCounts }), metricsAccess: metricsAccess,
        uploadLimit: uploadLimit, limits: limits
    )
}

func buildRouter(
    site: SiteConfiguration, store: some Store, cache: ResponseCache, watcher: SiteWatcher, proxies: TrustedProxies,
    metrics: SiteMetrics, metricsAccess: MetricsAccess, uploadLimit: Int, limits: ConnectionLimits = .defaults
) async throws -> Router<AppRequestContext> {
    guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
        throw GalleyError(.unavailable, "the theme's resources are missing beside the galley binary")
    }
    do {
        try await site.reload(from: store)
    } catch {
        // The database may come back later; until then the site shows its startup settings.
        Logger(label: "galley").error("could not read the site's settings", metadata: ["error": "\(error)"])
    }
    let pages = try await PageRenderer(site: site, resources: resources)
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies only to routes registered after it: these four come first.
    router.add(middleware: RequestIDMiddleware(proxies: proxies, metrics: metrics))
    router.add(middleware: PublicHeadersMiddleware(site: site))
    router.add(middleware: ErrorMiddleware(pages: pages))
    router.add(middleware: AliasMiddleware(store: store, clock: site.clock))

    let publicPages = PublicController(store: store, pages: pages, site: site)
    let api = APIController(store: store, site: site)
    let feeds = FeedController(store: store, site: site)
    let search = SearchController(store: store, pages: pages, site: site)
    let sitemap = SitemapController(store: store, site: site)
    let operations = OperationsController(store: store, assets: pages.assets, metrics: metrics, metricsAccess: metricsAccess)
    // Pages that depend only on their URL and the stored site are served from the cache; search
    // results and health checks are not.
    let cached = router.group().add(middleware: ResponseCacheMiddleware(cache: cache, watcher: watcher, site: site))
    publicPages.addRoutes(to: cached)
    api.addRoutes(to: cached)
    // Search and feeds rendered on a miss cost real work at every request: one allowance per
    // client for both (a feed answered from the cache never reaches its limit's middleware).
    let expensive = RateLimit(limits: limits.expensive)
    feeds.addRoutes(to: cached.group().add(middleware: RateLimitMiddleware(limit: expensive, what: "feed requests")))
    sitemap.addRoutes(to: cached)
    search.addRoutes(to: router.group().add(middleware: RateLimitMiddleware(limit: expensive, what: "searches")))
    operations.addRoutes(to: router)
    PublicMediaController(store: store).addRoutes(to: router)

    // The admin: its own headers, errors answered inside them, and a session on every request.
    let sessions = Sessions(store: store, site: site)
    let admin = router.group()
        .add(middleware: AdminHeadersMiddleware())
        .add(middleware: ErrorMiddleware(pages: pages))
        .add(middleware: SessionMiddleware(sessions: sessions, openPaths: AuthController.openPaths))
    AuthController(store: store, pages: pages, sessions: sessions, throttle: LoginThrottle(), clock: site.clock).addRoutes(to: admin)
    EditorController(
        store: store, pages: pages, clock: site.clock, previewLimit: RateLimit(limits: limits.preview)
    ).addRoutes(to: admin)
    SettingsController(store: store, pages: pages).addRoutes(to: admin)
    UsersController(store: store, pages: pages, clock: site.clock).addRoutes(to: admin)
    MediaController(store: store, pages: pages, uploadLimit: uploadLimit, clock: site.clock).addRoutes(to: admin)
    router.refuseOtherMethods(at: publicPages.paths + api.paths + feeds.paths + search.paths + sitemap.paths + operations.paths)
    return router
}
