import Foundation
import GalleyMarkdown

/// A store that lives in memory: for router tests, and the reference the SQL stores are held to.
public actor MemoryStore: Store {
    private var posts: [Slug: Post] = [:]
    private var revisionsByPost: [Int64: [Revision]] = [:]
    private var lastPostID: Int64 = 0
    private var revision: Int64 = 0
    private var settings: [String: String] = [:]
    public nonisolated let localChanges = LocalChanges()
    public nonisolated var connectionCounts: [String: Int] { [:] }

    public init() {}

    public func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) -> SaveResult {
        let existing = posts[draft.slug]
        if let existing, existing.draft == draft, existing.rendered == rendered {
            return SaveResult(post: existing, outcome: .unchanged)
        }
        let authorChanged = existing?.draft != draft
        var post: Post
        if let existing {
            post = existing
            post.title = draft.title
            post.summary = draft.summary
            post.source = draft.source
            post.tags = draft.tags
            post.status = draft.status
            post.publishedAt = draft.publishedAt
            post.rendered = rendered
            if authorChanged {
                post.version += 1
                post.updatedAt = now
            }
        } else {
            lastPostID += 1
            post = Post(
                id: lastPostID, slug: draft.slug, title: draft.title, summary: draft.summary,
                source: draft.source, rendered: rendered, tags: draft.tags, status: draft.status,
                publishedAt: draft.publishedAt, createdAt: now, updatedAt: now, version: 1
            )
        }
        if authorChanged {
            revisionsByPost[post.id, default: []].append(
                Revision(postID: post.id, number: post.version, title: post.title, source: post.source, createdAt: now)
            )
        }
        posts[draft.slug] = post
        revision += 1
        localChanges.record()
        return SaveResult(post: post, outcome: existing == nil ? .created : .updated)
    }

    public func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) -> Page<PostSummary> {
        let matching = publicPosts(at: now, tagged: tag)
        let items = matching.dropFirst(request.offset).prefix(request.perPage).map(\.summaryView)
        return Page(items: Array(items), request: request, total: matching.count)
    }

    public func publishedArchive(at now: Date) -> [PostSummary] {
        publicPosts(at: now).map(\.summaryView)
    }

    public func publishedPost(slug: Slug, at now: Date) -> Post? {
        posts[slug].flatMap { $0.isPublic(at: now) ? $0 : nil }
    }

    public func post(slug: Slug) -> Post? {
        posts[slug]
    }

    public func revisions(ofPost id: Int64) -> [Revision] {
        revisionsByPost[id] ?? []
    }

    public func siteState(at now: Date) -> SiteState {
        let scheduled = posts.values.lazy.filter { $0.status == .published && $0.publishedAt > now }.map(\.publishedAt)
        return SiteState(revision: revision, nextPublication: scheduled.min())
    }

    public func allSlugs() -> [Slug] {
        posts.keys.sorted()
    }

    public func setting(_ key: String) -> String? {
        settings[key]
    }

    public func setSetting(_ key: String, to value: String) {
        settings[key] = value
        localChanges.record()
    }

    public func checkHealth() {}

    func publicPosts(at now: Date, tagged tag: Slug? = nil) -> [Post] {
        posts.values
            .filter { post in post.isPublic(at: now) && (tag.map { slug in post.tags.contains { $0.slug == slug } } ?? true) }
            .sorted(by: Post.newestFirst)
    }
}

extension Post {
    /// The order of every public list: newest first, later ids first on equal dates.
    static func newestFirst(_ a: Post, _ b: Post) -> Bool {
        a.publishedAt != b.publishedAt ? a.publishedAt > b.publishedAt : a.id > b.id
    }
}
