import Foundation
import GalleyCore
import Hummingbird

/// Old addresses keep working: a GET that would be a 404 is answered with a 301 to the post
/// whose old site served that address (its permalink, `aliases`, `redirect_from`, …). The
/// aliases live in the database, so every replica answers the same. Galley's own routes come
/// first: an alias never hides a page that exists.
struct AliasMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let store: any AliasStore
    let clock: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard request.method == .get || request.method == .head,
                  Failure(error, path: request.uri.path).status == .notFound,
                  !request.uri.path.hasPrefix("/admin"), !request.uri.path.hasPrefix("/api/"),
                  let path = AliasPath.normalize(request.uri.path),
                  let slug = try await store.aliasTarget(path, at: clock())
            else { throw error }
            return .redirect(to: SitePath.post(slug), type: .permanent)
        }
    }
}
