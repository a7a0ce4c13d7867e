import GalleyCore
import HTTPTypes
import Hummingbird

/// Health checks and the theme's static files.
struct OperationsController: Sendable {
    let store: any Store
    let assets: Assets

    var paths: [RouterPath] { [RouterPath(SitePath.healthz), RouterPath(SitePath.readyz), SitePath.assetPattern] }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.healthz), use: healthz)
        router.get(RouterPath(SitePath.readyz), use: readyz)
        router.get(SitePath.assetPattern, use: asset)
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
