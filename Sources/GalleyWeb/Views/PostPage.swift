import GalleyCore

/// `/posts/:slug`: one post, with its outline when it has three headings or more.
struct PostPage: PageView {
    static let template = "post"

    struct OutlineEntry: Sendable {
        let title: String
        let url: String
        let depth: String
    }

    let head: PageHead
    let title: String
    let date: String
    let isoDate: String
    let updated: String?
    let isoUpdated: String?
    let readingTime: String
    let tags: [PostListItem.TagLink]
    let hasTags: Bool
    let outline: [OutlineEntry]
    let hasOutline: Bool
    /// Rendered by our own Markdown pipeline at save time: embedded as is.
    let html: String

    init(_ post: Post) {
        head = PageHead(title: post.title, description: post.excerpt, canonicalPath: SitePath.post(post.slug))
        title = post.title
        date = Formats.displayDate(post.publishedAt)
        isoDate = Formats.isoDate(post.publishedAt)
        let edited = post.updatedAt.timeIntervalSince(post.publishedAt) > 86_400
        updated = edited ? Formats.displayDate(post.updatedAt) : nil
        isoUpdated = edited ? Formats.isoDate(post.updatedAt) : nil
        readingTime = Formats.readingTime(ReadingTime.minutes(words: post.rendered.wordCount))
        tags = post.tags.map(PostListItem.TagLink.init)
        hasTags = !post.tags.isEmpty
        let headings = post.rendered.tableOfContents.filter { $0.level >= 2 && $0.level <= 3 }
        let top = headings.map(\.level).min() ?? 2
        outline = headings.map { OutlineEntry(title: $0.title, url: "#\($0.id)", depth: String($0.level - top)) }
        hasOutline = headings.count >= 3
        html = post.rendered.html
    }
}
