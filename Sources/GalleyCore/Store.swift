import Foundation
import GalleyMarkdown

/// How a save went: a new post, a changed one, or nothing to change.
public enum SaveOutcome: String, Sendable, Equatable {
    case created, updated, unchanged

    /// What saving `draft`, rendered as `rendered`, over `existing` (nil: a new post) would do,
    /// as a store decides it: for a dry run, which writes nothing.
    public static func predicted(saving draft: PostDraft, rendered: RenderedMarkdown, over existing: Post?) -> SaveOutcome {
        guard let existing else { return .created }
        return existing.draft == draft.filled(from: existing) && existing.rendered == rendered ? .unchanged : .updated
    }
}

public struct SaveResult: Sendable, Equatable {
    public var post: Post
    public var outcome: SaveOutcome

    public init(post: Post, outcome: SaveOutcome) {
        self.post = post
        self.outcome = outcome
    }
}

/// Posts, their revisions and the site revision. Every implementation (memory, SQLite, …) passes
/// the same contract tests.
///
/// Public reads take the moment to judge scheduling by (`at:`), so that a post dated in the future
/// appears nowhere public until then, and tests can move the clock.
public protocol PostStore: Sendable {
    /// Creates the post named by `draft.slug`, or updates it. A save that changes an author's field
    /// appends a revision and bumps the post's version, its `updatedAt` and the site revision; a
    /// save that only brings a new rendering of the same source stores it and bumps the site
    /// revision alone; a save identical to what is stored changes nothing and says `.unchanged`.
    func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult

    /// Public posts, newest first, optionally only those with the tag `tag`.
    func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) async throws -> Page<PostSummary>

    /// Every public post, newest first.
    func publishedArchive(at now: Date) async throws -> [ArchiveEntry]

    /// The post at `slug` if it is public at `now`.
    func publishedPost(slug: Slug, at now: Date) async throws -> Post?

    /// The post at `slug` whatever its status.
    func post(slug: Slug) async throws -> Post?

    /// The revisions of a post, oldest first.
    func revisions(ofPost id: Int64) async throws -> [Revision]

    /// The site revision (a number every change to the site increases) and the next moment a
    /// scheduled post goes public after `now`, in one read.
    func siteState(at now: Date) async throws -> SiteState

    /// Counts this process's writes through this store; see ``LocalChanges``.
    var localChanges: LocalChanges { get }

    /// The slug of every post, whatever its status.
    func allSlugs() async throws -> [Slug]
}

/// Small named values the site keeps about itself (the renderer version its posts were rendered
/// with, and later the settings page's values).
public protocol SettingsStore: Sendable {
    func setting(_ key: String) async throws -> String?
    func setSetting(_ key: String, to value: String) async throws
}

/// Everything the web application needs from storage.
public protocol Store: PostStore, DiscoveryStore, SettingsStore, EditorStore, UserStore, MediaStore, ImportStore {
    /// Throws when the database cannot answer a trivial query.
    func checkHealth() async throws

    /// Open database connections by role (`reader`, `writer`, …), for `/metrics`.
    var connectionCounts: [String: Int] { get }
}
