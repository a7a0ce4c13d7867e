import Foundation
import GalleyMarkdown

/// A save from the editor: the post by id (nil for a new one), what the author wants stored, and
/// the version their copy was loaded at.
public struct PostEdit: Sendable, Equatable {
    public var id: Int64?
    public var draft: PostDraft
    /// The version the author's copy started from; a save from any other version is refused
    /// with ``EditConflict``. Nil only for a new post.
    public var baseVersion: Int?
    /// Who saves: the revision's author, and the post's owner when it is new.
    public var userID: Int64?

    public init(id: Int64?, draft: PostDraft, baseVersion: Int?, userID: Int64?) {
        self.id = id
        self.draft = draft
        self.baseVersion = baseVersion
        self.userID = userID
    }
}

/// A save from a stale copy: someone saved the post after the author loaded it. Nothing was
/// written; `current` is what is stored now.
public struct EditConflict: Error, Sendable {
    public var current: Post
    public init(current: Post) { self.current = current }
}

/// The lists of the admin's posts page.
public enum PostFilter: String, Sendable, CaseIterable {
    case all, drafts, scheduled, published, trash
}

/// A post as the admin's list shows it.
public struct PostListing: Sendable, Equatable {
    public var id: Int64
    public var slug: Slug
    public var title: String
    public var status: PostStatus
    public var publishedAt: Date
    public var expiresAt: Date?
    public var updatedAt: Date
    public var trashedAt: Date?
    public var authorID: Int64?

    public init(
        id: Int64, slug: Slug, title: String, status: PostStatus, publishedAt: Date, expiresAt: Date? = nil,
        updatedAt: Date, trashedAt: Date?, authorID: Int64?
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.status = status
        self.publishedAt = publishedAt
        self.expiresAt = expiresAt
        self.updatedAt = updatedAt
        self.trashedAt = trashedAt
        self.authorID = authorID
    }

    /// The state the editor shows: draft, scheduled, published, expired (published, but past its
    /// expiry: readers no longer see it) or trash.
    public func state(at now: Date) -> String {
        if trashedAt != nil { return "trash" }
        if status == .draft { return "draft" }
        if publishedAt > now { return "scheduled" }
        return expiresAt.map { now < $0 } ?? true ? "published" : "expired"
    }
}

/// What the editor needs beyond the public reads: posts by id, saves that never overwrite a
/// newer copy, autosaves, trash, and the redirects a changed slug leaves behind.
public protocol EditorStore: Sendable {
    func post(id: Int64) async throws -> Post?

    /// Saves an edit. A new slug must be free (or be one of this post's old slugs); changing the
    /// slug of a public post keeps the old one as a redirect. Throws ``EditConflict`` when
    /// `baseVersion` is not the stored version. A save that changes nothing returns `.unchanged`.
    func savePost(_ edit: PostEdit, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult

    /// Keeps what an author is typing without publishing it: the post's latest revision, when
    /// it is an autosave by the same user, is replaced; otherwise an autosave revision is
    /// appended. The post itself does not change.
    func autosave(postID: Int64, title: String, source: String, userID: Int64?, at now: Date) async throws -> Revision

    /// One revision of a post: revision `number`, or the latest when `number` is nil.
    func revision(ofPost id: Int64, number: Int?) async throws -> Revision?

    /// The posts of one list, most recently updated first; `matching` searches titles
    /// (case-insensitive), `authorID` keeps one author's posts.
    func postListings(_ filter: PostFilter, matching: String, authorID: Int64?, limit: Int, at now: Date) async throws -> [PostListing]

    /// Moves a post to the trash (it becomes a draft, so no public page shows it) or back.
    func setTrashed(postID: Int64, _ trashed: Bool, at now: Date) async throws

    /// Deletes a trashed post with its revisions for good.
    func purgePost(id: Int64) async throws

    /// Where a post that used to live at `slug` lives now.
    func redirect(from slug: Slug) async throws -> Slug?

    /// Every slug a post left behind, by the post's id, in the order of the slugs.
    func slugRedirects() async throws -> [Int64: [Slug]]
}

/// People and their sign-ins.
public protocol UserStore: Sendable {
    /// Throws a conflict when the email is taken.
    func createUser(_ user: User) async throws -> User
    func user(id: Int64) async throws -> User?
    func user(email: String) async throws -> User?
    func users() async throws -> [User]
    /// Changes the fields a user's settings can change (name, role, password, disabled, second
    /// factor); a disabled user or a new password ends every session of theirs.
    func updateUser(_ user: User) async throws

    func createSession(_ session: Session) async throws
    func session(tokenHash: String) async throws -> Session?
    func updateSession(_ session: Session) async throws
    func deleteSession(tokenHash: String) async throws
    func deleteSessions(userID: Int64) async throws
}

/// Uploaded images.
public protocol MediaStore: Sendable {
    /// Stores the media unless the same bytes are already there; says whether it was new.
    @discardableResult
    func saveMedia(_ media: Media) async throws -> Bool
    func media(sha256: String) async throws -> Media?
    func mediaList() async throws -> [MediaInfo]
}

/// Old addresses: an imported post keeps answering at the addresses its old site served.
public protocol AliasStore: Sendable {
    /// The slug of the public post that `path` (normalized by ``AliasPath``) was an address of.
    func aliasTarget(_ path: String, at now: Date) async throws -> Slug?
}

/// What an import needs beyond saving drafts: the posts earlier imports made, by the file each
/// came from, and the slugs that are taken, each in one read (an import plans thousands of posts
/// before it writes one). Saving a draft with a ``PostOrigin`` stores its aliases; an alias
/// another post already has stays that post's.
public protocol ImportStore: AliasStore {
    /// The slug of every imported post, by its ``PostOrigin/source``, whatever its status.
    func importedSlugs() async throws -> [String: Slug]

    /// Every slug a post lives at or redirects from.
    func takenSlugs() async throws -> Set<Slug>

    /// Saves `posts` in order, each as ``PostStore/savePost(_:rendered:at:)`` would, with the
    /// media they show, in one transaction: all of them or none. An import writes its posts in
    /// windows of a few hundred, because a transaction and a statement each cost a round trip to
    /// the database. Media already stored (or named twice) are not counted again.
    func saveImported(_ posts: [ImportedPost], at now: Date) async throws -> ImportedBatch
}

/// A post of an import, rendered, with the media files its text shows.
public struct ImportedPost: Sendable {
    public var draft: PostDraft
    public var rendered: RenderedMarkdown
    public var media: [Media]

    public init(draft: PostDraft, rendered: RenderedMarkdown, media: [Media] = []) {
        self.draft = draft
        self.rendered = rendered
        self.media = media
    }
}

/// What saving a window of imported posts did: each post's outcome, in order, and how many
/// media files were new.
public struct ImportedBatch: Sendable, Equatable {
    public var outcomes: [SaveOutcome]
    public var newMedia: Int

    public init(outcomes: [SaveOutcome], newMedia: Int) {
        self.outcomes = outcomes
        self.newMedia = newMedia
    }
}
