import GalleyCore
import HTTPTypes
import Hummingbird

/// Health checks, metrics and the theme's static files.
struct OperationsController: Sendable {
    let store: any Store
    let assets: Assets
    let metrics: SiteMetrics
    let metricsAccess: MetricsAccess

    var paths: [RouterPath] { [RouterPath(SitePath.healthz), RouterPath(SitePath.readyz), RouterPath(SitePath.metrics), SitePath.assetPattern] }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.healthz), use: healthz)
        router.get(RouterPath(SitePath.readyz), use: readyz)
        router.get(RouterPath(SitePath.metrics), use: prometheus)
        router.get(SitePath.assetPattern, use: asset)
    }

    /// Prometheus' text format, for the addresses or the token `--metrics-allow`/`--metrics-token` name.
    @Sendable func prometheus(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard metricsAccess.permits(peer: context.peerAddress, authorization: request.headers[.authorization]) else {
            throw GalleyError(.forbidden, "metrics are only for the addresses or the token galley was given")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
        )
    }

    /// The process is up and answering.
    @Sendable func healthz(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.text("ok\n")
    }

    /// The database answers too: only then should a load balancer send traffic here.
    @Sendable func readyz(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await store.checkHealth()
        } catch {
            context.logger.error("readiness check failed", metadata: ["error": "\(String(reflecting: error))"])
            throw GalleyError(.unavailable, "the database is not reachable")
        }
        return Self.text("ready\n")
    }

    /// Fingerprinted theme files, cacheable for a year.
    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let asset = assets.asset(named: name) else {
            throw GalleyError.notFound("there is no asset named '\(name)'")
        }
        return asset.response(to: request)
    }

    private static func text(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
