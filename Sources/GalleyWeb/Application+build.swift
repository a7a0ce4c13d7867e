import Foundation
import GalleyCore
import Hummingbird
import Logging

/// Where and how `galley serve` listens, and the site it serves.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var site: SiteConfiguration

    public init(host: String = "127.0.0.1", port: Int = 8080, site: SiteConfiguration = SiteConfiguration()) {
        self.host = host
        self.port = port
        self.site = site
    }
}

/// The one seam that builds the application, used by `galley serve` and by tests alike.
public func buildApplication(
    configuration: WebConfiguration,
    store: some Store,
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(site: configuration.site, store: store)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Galley"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// The router with every middleware and route; tests drive it without a socket.
public func buildRouter(site: SiteConfiguration, store: some Store) async throws -> Router<AppRequestContext> {
    guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
        throw GalleyError(.unavailable, "the theme's resources are missing beside the galley binary")
    }
    let pages = try await PageRenderer(site: site, resources: resources)
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies only to routes registered after it: these two come first.
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ErrorMiddleware(pages: pages))

    let publicPages = PublicController(store: store, pages: pages, site: site)
    let api = APIController(store: store, site: site)
    let feeds = FeedController(store: store, site: site)
    let search = SearchController(store: store, pages: pages, site: site)
    let sitemap = SitemapController(store: store, site: site)
    let operations = OperationsController(store: store, assets: pages.assets)
    publicPages.addRoutes(to: router)
    api.addRoutes(to: router)
    feeds.addRoutes(to: router)
    search.addRoutes(to: router)
    sitemap.addRoutes(to: router)
    operations.addRoutes(to: router)
    router.refuseOtherMethods(at: publicPages.paths + api.paths + feeds.paths + search.paths + sitemap.paths + operations.paths)
    return router
}
