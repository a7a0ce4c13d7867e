/// What one pass over a Markdown document produces: everything a page needs, computed once when
/// a post is saved so that page views never render Markdown again.
public struct RenderedMarkdown: Sendable, Equatable, Codable {
    /// The HTML body, safe to embed: raw HTML from the source is omitted.
    public var html: String
    /// Every heading, in document order, with the `id` it carries in `html`.
    public var tableOfContents: [TableOfContentsEntry]
    /// The readable text without markup, for search, excerpts and reading time.
    public var plainText: String
    /// The text of the first paragraph, the natural excerpt of a post.
    public var firstParagraph: String
    /// Whitespace-separated words in `plainText`.
    public var wordCount: Int

    public init(
        html: String,
        tableOfContents: [TableOfContentsEntry],
        plainText: String,
        firstParagraph: String,
        wordCount: Int
    ) {
        self.html = html
        self.tableOfContents = tableOfContents
        self.plainText = plainText
        self.firstParagraph = firstParagraph
        self.wordCount = wordCount
    }
}

/// One heading of a document: its level (1–6), the anchor id and its plain text.
public struct TableOfContentsEntry: Sendable, Equatable, Codable {
    public var level: Int
    public var id: String
    public var title: String

    public init(level: Int, id: String, title: String) {
        self.level = level
        self.id = id
        self.title = title
    }
}
