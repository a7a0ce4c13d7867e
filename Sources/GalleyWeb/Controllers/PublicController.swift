import GalleyCore
import Hummingbird

/// The pages readers see: index, posts, tags and the archive.
struct PublicController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let site: SiteConfiguration

    var paths: [RouterPath] {
        [RouterPath(SitePath.home), SitePath.postPattern, SitePath.tagPattern, RouterPath(SitePath.tags), RouterPath(SitePath.archive)]
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.home), use: index)
        router.get(SitePath.postPattern, use: post)
        router.get(SitePath.tagPattern, use: tag)
        router.get(RouterPath(SitePath.tags), use: tags)
        router.get(RouterPath(SitePath.archive), use: archive)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let number = request.uri.queryParameters.get("p") {
            // A WordPress post's address by number: the imported post that had it.
            guard let alias = AliasPath.postNumber(number), let slug = try await store.aliasTarget(alias, at: site.clock()) else {
                throw GalleyError.notFound("no post had the number '\(number.prefix(20))'")
            }
            return .redirect(to: SitePath.post(slug), type: .permanent)
        }
        let page = try await store.publishedPosts(try pageRequest(request), tagged: nil, at: site.clock())
        try page.requireExists()
        return try pages.render(IndexPage(page, site: site))
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try PathSlug.require("slug", in: context, notFound: "no post at \(request.uri.path)")
        let now = site.clock()
        guard let post = try await store.publishedPost(slug: slug, at: now) else {
            // A post whose slug changed keeps its old address working.
            if let moved = try await store.redirect(from: slug), try await store.publishedPost(slug: moved, at: now) != nil {
                return .redirect(to: SitePath.post(moved), type: .permanent)
            }
            throw GalleyError.notFound("no post at \(request.uri.path)")
        }
        async let adjacent = store.adjacentPosts(to: post, at: now)
        async let related = store.relatedPosts(to: post, limit: 3, at: now)
        return try pages.render(PostPage(post, adjacent: try await adjacent, related: try await related, site: site))
    }

    @Sendable func tag(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try PathSlug.require("tag", in: context, notFound: "no posts are tagged '\(context.parameters.get("tag") ?? "")'")
        let page = try await store.publishedPosts(try pageRequest(request), tagged: slug, at: site.clock())
        guard page.total > 0 else { throw GalleyError.notFound("no posts are tagged '\(slug)'") }
        try page.requireExists()
        let tag = page.items.lazy.flatMap(\.tags).first { $0.slug == slug } ?? Tag(name: slug.rawValue, slug: slug)
        return try pages.render(TagPage(tag: tag, page: page, site: site))
    }

    @Sendable func tags(_ request: Request, context: AppRequestContext) async throws -> Response {
        try pages.render(TagsPage(try await store.publicTags(at: site.clock())))
    }

    @Sendable func archive(_ request: Request, context: AppRequestContext) async throws -> Response {
        try pages.render(ArchivePage(try await store.publishedArchive(at: site.clock())))
    }

    private func pageRequest(_ request: Request) throws -> PageRequest {
        try PageRequest(page: request.uri.queryParameters.get("page"), perPage: nil, defaultPerPage: site.postsPerPage)
    }
}

/// A slug taken from the path: anything that is not a valid slug cannot name a post or a tag,
/// so it is a 404, not a 400.
enum PathSlug {
    static func require(_ name: String, in context: AppRequestContext, notFound message: String) throws -> Slug {
        do {
            return try Slug(try context.parameters.require(name))
        } catch {
            throw GalleyError.notFound(message)
        }
    }
}
