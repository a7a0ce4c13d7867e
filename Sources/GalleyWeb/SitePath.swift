import Foundation
import GalleyCore
import HTTPTypes
import Hummingbird

/// The site's one route table: each path's pattern for the router and the function that builds
/// links to it sit side by side, so the two cannot drift apart.
enum SitePath {
    static let home = "/"
    static let archive = "/archive"
    static let healthz = "/healthz"
    static let readyz = "/readyz"
    static let metrics = "/metrics"
    static let apiPosts = "/api/v1/posts"
    static let apiSearch = "/api/v1/search"
    static let searchPage = "/search"
    static let tags = "/tags"
    static let sitemap = "/sitemap.xml"
    static let robots = "/robots.txt"

    /// The site's feed in one format: `/feed.xml`, `/rss.xml`, `/feed.json`.
    static func feed(_ format: FeedFormat) -> String { "/\(format.fileName)" }
    static func feedPattern(_ format: FeedFormat) -> RouterPath { RouterPath(feed(format)) }

    /// A tag's feed: `/tags/swift/feed.xml`, ….
    static func tagFeed(_ slug: Slug, _ format: FeedFormat) -> String { "/tags/\(slug.rawValue)/\(format.fileName)" }
    static func tagFeedPattern(_ format: FeedFormat) -> RouterPath { RouterPath("/tags/:tag/\(format.fileName)") }

    /// `/search?q=…`
    static func search(_ query: String) -> String {
        var components = URLComponents()
        components.path = searchPage
        components.queryItems = [URLQueryItem(name: "q", value: query)]
        return components.string ?? searchPage
    }

    static let postPattern: RouterPath = "/posts/:slug"
    static func post(_ slug: Slug) -> String { Post.path(slug) }

    static let tagPattern: RouterPath = "/tags/:tag"
    static func tag(_ slug: Slug) -> String { "/tags/\(slug.rawValue)" }

    static let apiPostPattern: RouterPath = "/api/v1/posts/:slug"
    static func apiPost(_ slug: Slug) -> String { "/api/v1/posts/\(slug.rawValue)" }

    static let assetPattern: RouterPath = "/assets/:name"
}

extension Router where Context == AppRequestContext {
    /// Answers every method but GET and HEAD at these paths with 405 and an `Allow` header,
    /// instead of the 404 a router gives a known path asked with the wrong method.
    func refuseOtherMethods(at paths: [RouterPath]) {
        for path in paths {
            for method: HTTPRequest.Method in [.post, .put, .patch, .delete] {
                on(path, method: method) { request, _ -> Response in
                    throw MethodNotAllowed(method: request.method, allowed: "GET, HEAD")
                }
            }
        }
    }
}
