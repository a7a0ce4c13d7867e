import Foundation
import GalleyCore
import Hummingbird

/// `/sitemap.xml` and `/robots.txt`, for search engines.
struct SitemapController: Sendable {
    let store: any Store
    let site: SiteConfiguration

    var paths: [RouterPath] { [RouterPath(SitePath.sitemap), RouterPath(SitePath.robots)] }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.sitemap), use: sitemap)
        router.get(RouterPath(SitePath.robots), use: robots)
    }

    @Sendable func sitemap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = site.clock()
        let posts = try await store.publishedArchive(at: now)
        let tags = try await store.publicTags(at: now)
        let newest = posts.map(\.updatedAt).max()
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">

            """
        func add(_ path: String, _ lastModified: Date?) {
            xml += "<url><loc>\(XML.escape(site.absoluteURL(path)))</loc>"
            if let lastModified { xml += "<lastmod>\(Formats.isoDate(lastModified))</lastmod>" }
            xml += "</url>\n"
        }
        add(SitePath.home, newest)
        add(SitePath.archive, newest)
        add(SitePath.tags, newest)
        for post in posts { add(SitePath.post(post.slug), post.updatedAt) }
        for tag in tags { add(SitePath.tag(tag.tag.slug), nil) }
        xml += "</urlset>\n"
        return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    @Sendable func robots(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = """
            User-agent: *
            Disallow: /search
            Disallow: /api/

            Sitemap: \(site.absoluteURL(SitePath.sitemap))

            """
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
