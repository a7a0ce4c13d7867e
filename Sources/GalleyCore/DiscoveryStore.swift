import Foundation

/// A tag and how many public posts carry it.
public struct TagCount: Sendable, Equatable {
    public var tag: Tag
    public var count: Int

    public init(tag: Tag, count: Int) {
        self.tag = tag
        self.count = count
    }
}

/// The public posts on either side of one post, by publication date.
public struct AdjacentPosts: Sendable, Equatable {
    public var newer: PostSummary?
    public var older: PostSummary?

    public init(newer: PostSummary?, older: PostSummary?) {
        self.newer = newer
        self.older = older
    }
}

/// The reads that help readers find posts: search, tags, neighbours, related posts and feeds.
/// Like every public read, they judge scheduling by `now` and never show drafts.
public protocol DiscoveryStore: Sendable {
    /// Public posts matching every term, best match first (title above tags above body), with a
    /// snippet of the body around the match.
    func search(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit>

    /// Every tag on a public post, most used first, then by name.
    func publicTags(at now: Date) async throws -> [TagCount]

    /// The public posts just newer and just older than `post`.
    func adjacentPosts(to post: Post, at now: Date) async throws -> AdjacentPosts

    /// Up to `limit` other public posts sharing a tag with `post`, most shared tags first, then newest.
    func relatedPosts(to post: Post, limit: Int, at now: Date) async throws -> [PostSummary]

    /// The newest public posts with their full content, for feeds.
    func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) async throws -> [Post]
}
