import Foundation
import GalleyMarkdown

/// A store that lives in memory: for router tests, and the reference the SQL stores are held to.
public actor MemoryStore: Store {
    var posts: [Slug: Post] = [:]
    var revisionsByPost: [Int64: [Revision]] = [:]
    private var lastPostID: Int64 = 0
    private var revision: Int64 = 0
    private var settings: [String: String] = [:]
    var redirects: [Slug: Int64] = [:]
    var aliases: [String: Int64] = [:]
    var usersByID: [Int64: User] = [:]
    var sessions: [String: Session] = [:]
    var mediaByHash: [String: Media] = [:]
    public nonisolated let localChanges = LocalChanges()
    public nonisolated var connectionCounts: [String: Int] { [:] }

    public init() {}

    public func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) -> SaveResult {
        apply(SavePlan(existing: posts[draft.slug], draft: draft, rendered: rendered, userID: nil, at: now))
    }

    public func savePost(_ edit: PostEdit, rendered: RenderedMarkdown, at now: Date) throws -> SaveResult {
        let existing = try edit.id.map(existingPost)
        try SavePlan.check(edit, against: existing)
        if let other = posts[edit.draft.slug], other.id != existing?.id {
            throw SavePlan.slugTaken(edit.draft.slug)
        }
        return apply(SavePlan(existing: existing, draft: edit.draft, rendered: rendered, userID: edit.userID, at: now))
    }

    /// Writes what `plan` says and records the write, unless the caller records one for many.
    func apply(_ plan: SavePlan, recording: Bool = true) -> SaveResult {
        var post = plan.post
        guard plan.outcome != .unchanged else { return SaveResult(post: post, outcome: .unchanged) }
        if plan.outcome == .created {
            lastPostID += 1
            post.id = lastPostID
        }
        if let old = plan.redirectFrom { redirects[old] = post.id }
        redirects[post.slug] = nil
        if plan.appendsRevision {
            let last = revisionsByPost[post.id]?.last?.number ?? 0
            revisionsByPost[post.id, default: []].append(plan.revision(of: post.id, after: last))
        }
        if let origin = post.origin {
            aliases = aliases.filter { $0.value != post.id }
            for alias in origin.aliases where aliases[alias] == nil { aliases[alias] = post.id }
        }
        if let previous = self.post(id: post.id), previous.slug != post.slug {
            posts[previous.slug] = nil
        }
        posts[post.slug] = post
        if recording { recordWrite() }
        return SaveResult(post: post, outcome: plan.outcome)
    }

    func recordWrite() {
        revision += 1
        localChanges.record()
    }

    public func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) -> Page<PostSummary> {
        let matching = publicPosts(at: now, tagged: tag)
        let items = matching.dropFirst(request.offset).prefix(request.perPage).map(\.summaryView)
        return Page(items: Array(items), request: request, total: matching.count)
    }

    public func publishedArchive(at now: Date) -> [ArchiveEntry] {
        publicPosts(at: now).map { ArchiveEntry(slug: $0.slug, title: $0.title, publishedAt: $0.publishedAt, updatedAt: $0.updatedAt) }
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
        let moments = posts.values.lazy.filter { $0.status == .published }
            .flatMap { [$0.publishedAt, $0.expiresAt].compactMap { $0 } }
            .filter { $0 > now }
        return SiteState(revision: revision, nextChange: moments.min())
    }

    public func allSlugs() -> [Slug] {
        posts.keys.sorted()
    }

    public func setting(_ key: String) -> String? {
        settings[key]
    }

    public func setSetting(_ key: String, to value: String) {
        settings[key] = value
        recordWrite()
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
