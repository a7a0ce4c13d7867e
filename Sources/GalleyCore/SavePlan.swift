import Foundation
import GalleyMarkdown

/// What a save must write, decided the same way by every store: the stores only carry it out.
public struct SavePlan: Sendable {
    /// The post as it will be stored (id 0 when it is new).
    public var post: Post
    public var outcome: SaveOutcome
    /// Whether an author's field changed, so that a revision is appended.
    public var appendsRevision: Bool
    /// The slug the post leaves, kept as a redirect because readers may have it.
    public var redirectFrom: Slug?
    /// Who saves: the revision's author.
    public var savedBy: Int64?

    /// Plans saving `draft` over `existing` (nil for a new post), rendered as `rendered`, by
    /// `userID` at `now`.
    public init(existing: Post?, draft: PostDraft, rendered: RenderedMarkdown, userID: Int64?, at now: Date) {
        savedBy = userID
        guard let existing else {
            post = Post(
                id: 0, slug: draft.slug, title: draft.title, summary: draft.summary, source: draft.source,
                rendered: rendered, tags: draft.tags, status: draft.status, publishedAt: draft.publishedAt,
                expiresAt: draft.expiresAt, createdAt: now, updatedAt: draft.updatedAt ?? now, version: 1, authorID: userID,
                bylines: draft.bylines ?? [], origin: draft.origin
            )
            outcome = .created
            appendsRevision = true
            redirectFrom = nil
            return
        }
        let givenUpdate = draft.updatedAt
        let draft = draft.filled(from: existing)
        let authorChanged = existing.draft != draft
        post = existing
        post.slug = draft.slug
        post.title = draft.title
        post.summary = draft.summary
        post.source = draft.source
        post.tags = draft.tags
        post.status = draft.status
        post.publishedAt = draft.publishedAt
        post.expiresAt = draft.expiresAt
        post.rendered = rendered
        post.bylines = draft.bylines ?? []
        post.origin = draft.origin
        if authorChanged {
            post.version += 1
            post.updatedAt = givenUpdate ?? now
        }
        outcome = authorChanged || existing.rendered != rendered ? .updated : .unchanged
        appendsRevision = authorChanged
        redirectFrom = existing.slug != draft.slug && existing.status == .published ? existing.slug : nil
    }

    /// The revision this save appends to post `postID` (the plan's post has no id yet when it
    /// is new), after revision `lastNumber`.
    public func revision(of postID: Int64, after lastNumber: Int) -> Revision {
        Revision(
            postID: postID, number: lastNumber + 1, title: post.title, source: post.source,
            createdAt: post.updatedAt, kind: .save, authorID: savedBy
        )
    }

    /// Refuses an edit made from another version than `existing`'s.
    public static func check(_ edit: PostEdit, against existing: Post?) throws {
        guard let existing else { return }
        guard edit.baseVersion == existing.version else { throw EditConflict(current: existing) }
    }

    public static func slugTaken(_ slug: Slug) -> GalleyError {
        GalleyError(.conflict, "another post already lives at \(Post.path(slug)); choose another slug")
    }
}
