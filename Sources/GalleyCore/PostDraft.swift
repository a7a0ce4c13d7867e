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

    public init(
        slug: Slug, title: String, summary: String = "", source: String,
        tags: [Tag] = [], status: PostStatus = .published, publishedAt: Date
    ) {
        self.slug = slug
        self.title = title
        self.summary = summary
        self.source = source
        self.tags = tags
        self.status = status
        self.publishedAt = publishedAt
    }
}

extension Post {
    /// The fields an author controls, to tell whether a save changes anything.
    public var draft: PostDraft {
        PostDraft(slug: slug, title: title, summary: summary, source: source, tags: tags, status: status, publishedAt: publishedAt)
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
