import Foundation
import GalleyCore
import Hummingbird

/// Atom, RSS and JSON feeds of the whole site and of each tag, with full content.
struct FeedController: Sendable {
    static let entries = 20

    let store: any Store
    let site: SiteConfiguration

    var paths: [RouterPath] { FeedFormat.allCases.flatMap { [SitePath.feedPattern($0), SitePath.tagFeedPattern($0)] } }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        for format in FeedFormat.allCases {
            router.get(SitePath.feedPattern(format)) { _, _ in try await siteFeed(format) }
            router.get(SitePath.tagFeedPattern(format)) { _, context in try await tagFeed(format, context: context) }
        }
    }

    func siteFeed(_ format: FeedFormat) async throws -> Response {
        let posts = try await store.latestPosts(limit: Self.entries, tagged: nil, at: site.clock())
        return try response(format, FeedDocument(
            title: site.title, subtitle: site.description,
            homeURL: site.absoluteURL(SitePath.home), selfURL: site.absoluteURL(SitePath.feed(format)),
            author: site.author, entries: posts.map(entry)
        ))
    }

    func tagFeed(_ format: FeedFormat, context: AppRequestContext) async throws -> Response {
        let slug = try PathSlug.require("tag", in: context, notFound: "no posts are tagged '\(context.parameters.get("tag") ?? "")'")
        let posts = try await store.latestPosts(limit: Self.entries, tagged: slug, at: site.clock())
        guard let tag = posts.lazy.flatMap(\.tags).first(where: { $0.slug == slug }) else {
            throw GalleyError.notFound("no posts are tagged '\(slug)'")
        }
        return try response(format, FeedDocument(
            title: "\(site.title): \(tag.name)", subtitle: "Posts tagged “\(tag.name)” on \(site.title).",
            homeURL: site.absoluteURL(SitePath.tag(slug)), selfURL: site.absoluteURL(SitePath.tagFeed(slug, format)),
            author: site.author, entries: posts.map(entry)
        ))
    }

    private func entry(_ post: Post) -> FeedDocument.Entry {
        let url = site.absoluteURL(SitePath.post(post.slug))
        return FeedDocument.Entry(
            id: url, url: url, title: post.title, summary: post.excerpt,
            contentHTML: AbsoluteURLs.rewrite(post.rendered.html, base: URL(string: url) ?? URL(fileURLWithPath: "/")),
            published: post.publishedAt, updated: post.updatedAt, tags: post.tags.map(\.name), authors: post.bylines
        )
    }

    private func response(_ format: FeedFormat, _ feed: FeedDocument) throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: format.contentType],
            body: .init(byteBuffer: ByteBuffer(string: try format.render(feed)))
        )
    }
}
