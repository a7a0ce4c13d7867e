import Foundation

/// What an author (or an import) asks to be saved. The store keys posts by slug: saving a draft
/// whose slug exists updates that post.
public struct PostDraft: Sendable, Equatable {
    public var slug: Slug
    public var title: String
    /// The author's own summary; empty when they gave none.
    public var summary: String
    public var source: String
    public var tags: [Tag]
    public var status: PostStatus
    public var publishedAt: Date
    /// When it stops being public; nil: never. Unlike the fields below, nil does not keep what
    /// the post has: every writer says it (the editor's field, an import's `expiryDate`).
    public var expiresAt: Date?
    /// When the text last changed, if the author says (an import's `lastmod`); nil means now.
    public var updatedAt: Date?
    /// The post's bylines; nil keeps those it has (the editor does not change them).
    public var bylines: [String]?
    /// Where an import found it; nil keeps what the post has.
    public var origin: PostOrigin?

    public init(
        slug: Slug, title: String, summary: String = "", source: String,
        tags: [Tag] = [], status: PostStatus = .published, publishedAt: Date, expiresAt: Date? = nil,
        updatedAt: Date? = nil, bylines: [String]? = nil, origin: PostOrigin? = nil
    ) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.source = source
        self.tags = tags
        self.status = status
        self.publishedAt = publishedAt
        self.expiresAt = expiresAt
        self.updatedAt = updatedAt
        self.bylines = bylines
        self.origin = origin
    }

    /// This draft with what it leaves as it is (each nil) taken from `existing`.
    public func filled(from existing: Post) -> PostDraft {
        var draft = self
        draft.updatedAt = updatedAt ?? existing.updatedAt
        draft.bylines = bylines ?? existing.bylines
        draft.origin = origin ?? existing.origin
        return draft
    }
}

extension Post {
    /// The fields an author controls, to tell whether a save changes anything.
    public var draft: PostDraft {
        PostDraft(
            slug: slug, title: title, summary: summary, source: source, tags: tags, status: status,
            publishedAt: publishedAt, expiresAt: expiresAt, updatedAt: updatedAt, bylines: bylines, origin: origin
        )
    }

    /// The text lists show under the title: the author's summary, else the first paragraph, cut
    /// at a word boundary.
    public var excerpt: String { Excerpt.make(summary: summary, firstParagraph: rendered.firstParagraph) }
}

enum Excerpt {
    static let maxLength = 280

    static func make(summary: String, firstParagraph: String) -> String {
        let text = summary.isEmpty ? firstParagraph : summary
        guard text.count > maxLength else { return text }
        let cut = text.prefix(maxLength)
        let end = cut.lastIndex(where: \.isWhitespace) ?? cut.endIndex
        return cut[..<end].trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)) + "…"
    }
}
