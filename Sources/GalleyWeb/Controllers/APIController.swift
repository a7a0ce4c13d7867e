import Foundation
import GalleyCore
import Hummingbird

/// The read-only JSON API: `GET /api/v1/posts` and `GET /api/v1/posts/:slug`.
struct APIController: Sendable {
    let store: any Store
    let site: SiteConfiguration

    var paths: [RouterPath] { [RouterPath(SitePath.apiPosts), SitePath.apiPostPattern] }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.apiPosts), use: list)
        router.get(SitePath.apiPostPattern, use: show)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let pageRequest = try PageRequest(page: query.get("page"), perPage: query.get("per_page"), defaultPerPage: 10)
        let page = try await store.publishedPosts(pageRequest, tagged: nil, at: site.clock())
        try page.requireExists()
        return try JSONResponse.make(PostListBody(
            posts: page.items.map { PostJSON($0, site: site) },
            page: page.page, perPage: page.perPage, total: page.total, totalPages: page.totalPages
        ))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try PathSlug.require("slug", in: context, notFound: "no post with slug '\(context.parameters.get("slug") ?? "")'")
        guard let post = try await store.publishedPost(slug: slug, at: site.clock()) else {
            throw GalleyError.notFound("no post with slug '\(slug)'")
        }
        return try JSONResponse.make(PostDetailJSON(post, site: site))
    }
}

struct PostListBody: Encodable {
    let posts: [PostJSON]
    let page: Int
    let perPage: Int
    let total: Int
    let totalPages: Int
}

struct TagJSON: Encodable {
    let name: String
    let slug: String
    let url: String
}

struct PostJSON: Encodable {
    let slug: String
    let title: String
    let summary: String
    let url: String
    let publishedAt: Date
    let updatedAt: Date
    let readingTimeMinutes: Int
    let tags: [TagJSON]

    init(_ post: PostSummary, site: SiteConfiguration) {
        slug = post.slug.rawValue
        title = post.title
        summary = post.summary
        url = site.absoluteURL(SitePath.post(post.slug))
        publishedAt = post.publishedAt
        updatedAt = post.updatedAt
        readingTimeMinutes = post.readingMinutes
        tags = post.tags.map { TagJSON(name: $0.name, slug: $0.slug.rawValue, url: site.absoluteURL(SitePath.tag($0.slug))) }
    }
}

/// A post's summary fields and, beside them in the same object, its content.
struct PostDetailJSON: Encodable {
    struct Heading: Encodable {
        let level: Int
        let id: String
        let title: String
    }

    let summary: PostJSON
    let html: String
    let markdown: String
    let tableOfContents: [Heading]

    init(_ post: Post, site: SiteConfiguration) {
        summary = PostJSON(post.summaryView, site: site)
        html = post.rendered.html
        markdown = post.source
        tableOfContents = post.rendered.tableOfContents.map { Heading(level: $0.level, id: $0.id, title: $0.title) }
    }

    private enum CodingKeys: String, CodingKey {
        case html, markdown, tableOfContents
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(html, forKey: .html)
        try container.encode(markdown, forKey: .markdown)
        try container.encode(tableOfContents, forKey: .tableOfContents)
    }
}
