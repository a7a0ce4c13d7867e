import Foundation
import GalleyCore
import Mustache

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
    /// "Ada Lovelace and Grace Hopper"; nil when the post has no bylines.
    let byline: String?
    let tags: [PostListItem.TagLink]
    let hasTags: Bool
    let outline: [OutlineEntry]
    let hasOutline: Bool
    /// Rendered by our own Markdown pipeline at save time: embedded as is.
    let html: String
    let newer: PostListItem?
    let older: PostListItem?
    let hasNeighbours: Bool
    let related: [PostListItem]
    let hasRelated: Bool

    init(_ post: Post, adjacent: AdjacentPosts, related: [PostSummary], site: SiteConfiguration) throws {
        let url = site.absoluteURL(SitePath.post(post.slug))
        head = PageHead(
            title: post.title, description: post.excerpt, canonicalPath: SitePath.post(post.slug),
            article: try ArticleMeta(post, url: url, site: site)
        )
        title = post.title
        date = Formats.displayDate(post.publishedAt)
        isoDate = Formats.isoDate(post.publishedAt)
        let edited = post.updatedAt.timeIntervalSince(post.publishedAt) > 86_400
        updated = edited ? Formats.displayDate(post.updatedAt) : nil
        isoUpdated = edited ? Formats.isoDate(post.updatedAt) : nil
        readingTime = Formats.readingTime(ReadingTime.minutes(words: post.rendered.wordCount))
        byline = Formats.names(post.bylines)
        tags = post.tags.map(PostListItem.TagLink.init)
        hasTags = !post.tags.isEmpty
        let headings = post.rendered.tableOfContents.filter { $0.level >= 2 && $0.level <= 3 }
        let top = headings.map(\.level).min() ?? 2
        outline = headings.map { OutlineEntry(title: $0.title, url: "#\($0.id)", depth: String($0.level - top)) }
        hasOutline = headings.count >= 3
        html = post.rendered.html
        newer = adjacent.newer.map(PostListItem.init)
        older = adjacent.older.map(PostListItem.init)
        hasNeighbours = newer != nil || older != nil
        self.related = related.map(PostListItem.init)
        hasRelated = !related.isEmpty
    }
}

extension ArticleMeta {
    init(_ post: Post, url: String, site: SiteConfiguration) throws {
        let image = Self.firstImageSource(in: post.rendered.html).map { source in
            AbsoluteURLs.absolute(source, base: URL(string: url) ?? URL(fileURLWithPath: "/"))
        }
        self.init(
            publishedTime: Formats.isoDate(post.publishedAt),
            modifiedTime: Formats.isoDate(post.updatedAt),
            tags: post.tags.map(\.name),
            image: image,
            jsonLD: try StructuredData.blogPosting(post, url: url, image: image, site: site)
        )
    }
}

/// schema.org data search engines read from post pages.
enum StructuredData {
    struct BlogPosting: Encodable {
        struct Page: Encodable {
            let type = "WebPage"
            let id: String
            enum CodingKeys: String, CodingKey { case type = "@type", id = "@id" }
        }
        struct Person: Encodable {
            let type = "Person"
            let name: String
            enum CodingKeys: String, CodingKey { case type = "@type", name }
        }
        let context = "https://schema.org"
        let type = "BlogPosting"
        let headline: String
        let description: String
        let url: String
        let mainEntityOfPage: Page
        let datePublished: String
        let dateModified: String
        let keywords: [String]
        let wordCount: Int
        let image: String?
        let author: [Person]?

        enum CodingKeys: String, CodingKey {
            case context = "@context", type = "@type"
            case headline, description, url, mainEntityOfPage, datePublished, dateModified, keywords, wordCount, image, author
        }
    }

    static func blogPosting(_ post: Post, url: String, image: String?, site: SiteConfiguration) throws -> String {
        let data = BlogPosting(
            headline: post.title, description: post.excerpt, url: url, mainEntityOfPage: .init(id: url),
            datePublished: Formats.isoDate(post.publishedAt), dateModified: Formats.isoDate(post.updatedAt),
            keywords: post.tags.map(\.name), wordCount: post.rendered.wordCount, image: image,
            author: post.bylines.isEmpty ? site.author.map { [BlogPosting.Person(name: $0)] } : post.bylines.map { BlogPosting.Person(name: $0) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // `<` is escaped so the text can never close the <script> element it sits in.
        return String(decoding: try encoder.encode(data), as: UTF8.self).replacing("<", with: "\\u003c")
    }
}

extension ArticleMeta {
    /// What `/<img [^>]*src="([^"]+)"/` captures first in `html`, found by looking at bytes: the
    /// `Regex` ran over a whole post's HTML on every render and was 8 % of a cache miss (perf).
    /// As the pattern's greedy `[^>]*` does, the last `src="` of the tag wins. SVG images are
    /// passed over: social sites do not show them on cards.
    static func firstImageSource(in html: String) -> String? {
        // Read in place: the post's HTML is tens of kilobytes, copied on every render before.
        html.utf8.withContiguousStorageIfAvailable(firstImageSource) ?? Array(html.utf8).withUnsafeBufferPointer(firstImageSource)
    }

    private static func firstImageSource(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let opening = Array("<img ".utf8), attribute = Array("src=\"".utf8)
        func matches(_ literal: [UInt8], at index: Int) -> Bool {
            index + literal.count <= bytes.count && bytes[index..<index + literal.count].elementsEqual(literal)
        }
        let quote = UInt8(ascii: "\"")
        var tag = 0
        while let start = bytes[tag...].firstIndex(of: UInt8(ascii: "<")) {
            tag = start + 1
            guard matches(opening, at: start) else { continue }
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count
            var candidate = end - attribute.count
            while candidate >= start + opening.count {
                let value = candidate + attribute.count
                if matches(attribute, at: candidate), value < bytes.count, bytes[value] != quote,
                   let close = bytes[value...].firstIndex(of: quote) {
                    let source = String(decoding: bytes[value..<close], as: UTF8.self)
                    if source.lowercased().hasSuffix(".svg") { break }
                    return source
                }
                candidate -= 1
            }
        }
        return nil
    }
}

extension PostPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "title": self.title
        case "date": self.date
        case "isoDate": self.isoDate
        case "updated": self.updated
        case "isoUpdated": self.isoUpdated
        case "readingTime": self.readingTime
        case "byline": self.byline
        case "tags": self.tags
        case "hasTags": self.hasTags
        case "outline": self.outline
        case "hasOutline": self.hasOutline
        case "html": self.html
        case "newer": self.newer
        case "older": self.older
        case "hasNeighbours": self.hasNeighbours
        case "related": self.related
        case "hasRelated": self.hasRelated
        default: noField(name)
        }
    }
}

extension PostPage.OutlineEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "url": self.url
        case "depth": self.depth
        default: noField(name)
        }
    }
}
