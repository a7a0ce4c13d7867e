import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Serves public pages from the ``ResponseCache`` and fills it: on a hit nothing but a dictionary
/// lookup runs (no database, no template); on a miss the page is rendered, compressed once and
/// kept, and requests for the same page meanwhile wait for that render. Every answer carries a
/// strong `ETag`, `Vary: Accept-Encoding` and a `Cache-Control` that lets browsers and CDNs keep
/// the page and revalidate it with a cheap 304.
///
/// Only successful answers are kept. Apply it to the routes whose answers depend on nothing but
/// the path, the query parameters in ``significantParameters`` and the stored site.
struct ResponseCacheMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The only query parameters public pages read; others cannot change a page, so they do not
    /// split the cache (`?utm_source=…` is the same page). `p` is WordPress's `/?p=123`, which
    /// the home page answers with a 301 to the post that had that number.
    static let significantParameters = ["page", "per_page", "p"]
    static let pageCacheControl = "public, no-cache"

    let cache: ResponseCache
    let watcher: SiteWatcher
    let site: SiteConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = Self.key(target: request.head.path ?? request.uri.path)
        // Without a generation (the database is down) nothing is served from or kept in the cache.
        guard let generation = await watcher.current() else {
            return try await makeAnswer(request, context: context, next: next).answer
        }
        switch cache.lookupOrRender(key, in: generation) {
        case .hit(let stored):
            return stored.response(to: request)
        case .wait(let render):
            if let stored = try await render.wait() { return stored.response(to: request) }
            // That answer was not a page to keep: this request makes its own.
            let (answer, kept) = try await makeAnswer(request, context: context, next: next)
            if let kept { cache.store(kept, for: key, in: generation) }
            return answer
        case .render(let render):
            do {
                let (answer, kept) = try await makeAnswer(request, context: context, next: next)
                cache.finish(render, for: key, with: .success(kept))
                return answer
            } catch {
                cache.finish(render, for: key, with: .failure(error))
                throw error
            }
        }
    }

    /// The route's answer, and the page to keep when it is one (only successful answers are).
    private func makeAnswer(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> (answer: Response, kept: StoredResponse?) {
        let response = try await next(request, context)
        guard response.status == .ok else { return (response, nil) }
        var headers = response.headers
        if headers[.cacheControl] == nil { headers[.cacheControl] = Self.pageCacheControl }
        // Kept with the page, so that a hit on either fast path carries them too.
        PublicHeaders.adding(to: &headers, site: site)
        let stored = StoredResponse(
            headers: headers, body: try await Self.collect(response.body), compressible: true, route: context.endpointPath ?? request.uri.path
        )
        return (stored.response(to: request), stored)
    }

    /// The path as sent, and the significant query parameters in a fixed order, from a request
    /// target (`/tags/swift?page=2&utm_source=x` → `/tags/swift?page=2`). The parameters are read
    /// by Hummingbird's own parser, the one the routes read them with, so a key names exactly
    /// what the route saw: `?pag%65=99` is no `page` to a route (names are not percent-decoded
    /// there) and no `page` here, and `?page=%39` is page 9 to both. A key read any other way
    /// could store page 1 as `?page=99` for everyone (cache poisoning).
    static func key(target: String) -> String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        let parameters = URI(target).queryParameters
        var key = String(target[..<mark])
        var separator = "?"
        for name in significantParameters {
            for value in parameters.getAll(name) {
                key += "\(separator)\(name)=\(value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics) ?? "")"
                separator = "&"
            }
        }
        return key
    }

    private static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = Collector()
        try await body.write(collector)
        return collector.buffer
    }

    private final class Collector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            self.buffer.writeBuffer(&buffer)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
