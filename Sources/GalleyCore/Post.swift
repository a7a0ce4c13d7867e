import Foundation
import GalleyMarkdown

/// Whether a post is meant to be public. A published post with a future `publishedAt` is
/// scheduled: it stays hidden until that moment.
public enum PostStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case published
}

/// A post as stored: its Markdown source and everything rendered from it at save time.
public struct Post: Sendable, Equatable, Codable {
    /// A post's address on the site, `/posts/<slug>`: the web's route table and an import's
    /// links and old addresses build it here.
    public static func path(_ slug: Slug) -> String { "/posts/\(slug.rawValue)" }

    public var id: Int64
    public var slug: Slug
    public var title: String
    /// The author's summary, or the first paragraph when they gave none.
    public var summary: String
    public var source: String
    public var rendered: RenderedMarkdown
    public var tags: [Tag]
    public var status: PostStatus
    public var publishedAt: Date
    /// When it stops being public (Hugo's `expiryDate`); nil: never.
    public var expiresAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Increases with every change, for optimistic concurrency.
    public var version: Int
    /// The user who created it in the editor; nil for imported posts.
    public var authorID: Int64?
    /// When it was moved to the trash; a trashed post is a draft.
    public var trashedAt: Date?
    /// The names the post is signed with (an imported post's `author`s). A byline is not a user.
    public var bylines: [String]
    /// Where an imported post came from; nil for a post written here.
    public var origin: PostOrigin?

    public init(
        id: Int64, slug: Slug, title: String, summary: String, source: String,
        rendered: RenderedMarkdown, tags: [Tag], status: PostStatus,
        publishedAt: Date, expiresAt: Date? = nil, createdAt: Date, updatedAt: Date, version: Int,
        authorID: Int64? = nil, trashedAt: Date? = nil, bylines: [String] = [], origin: PostOrigin? = nil
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.summary = summary
        self.source = source
        self.rendered = rendered
        self.tags = tags
        self.status = status
        self.publishedAt = publishedAt
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.authorID = authorID
        self.trashedAt = trashedAt
        self.bylines = bylines
        self.origin = origin
    }

    /// Published, not scheduled for later than `now`, and not expired by then.
    public func isPublic(at now: Date) -> Bool {
        status == .published && publishedAt <= now && expiresAt.map { now < $0 } ?? true
    }

    public var summaryView: PostSummary {
        PostSummary(
            id: id, slug: slug, title: title, summary: excerpt, tags: tags,
            publishedAt: publishedAt, updatedAt: updatedAt,
            readingMinutes: ReadingTime.minutes(words: rendered.wordCount)
        )
    }
}

/// Where an imported post came from: its file, the addresses it had, and the front matter keys
/// Galley has no field for.
public struct PostOrigin: Sendable, Equatable, Codable {
    /// The file, relative to the site root it was imported from (`_posts/2024-05-17-x.md`): the
    /// post's identity for the next import.
    public var source: String
    /// The addresses the old site served it at, normalized by ``AliasPath``; each answers 301.
    public var aliases: [String]
    /// The front matter keys Galley has no field for, as a JSON object.
    public var frontMatter: String

    public init(source: String, aliases: [String] = [], frontMatter: String = "{}") {
        self.source = source
        self.aliases = aliases
        self.frontMatter = frontMatter
    }
}

/// An old address as Galley keeps and looks it up: one leading slash, no trailing slash, no
/// `.html` or `/index.html`, no query (but WordPress's `/?p=123`) or fragment; so that `/2019/03/x/`, `/2019/03/x`,
/// `/2019/03/x.html` and `/2019/03/x/index.html` are one alias.
public enum AliasPath {
    /// WordPress's address of a post by its number, `/?p=123`, kept as it is: the one old address
    /// with a query. The home page answers it (`SitePath.home` with `p`).
    public static func postNumber(_ number: String) -> String? {
        !number.isEmpty && number.count <= 20 && number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber) ? "/?p=" + number : nil
    }

    /// The aliases of the post at `slug` among the `addresses` it had: each normalized, its own
    /// address and what normalizes to nothing left out.
    public static func aliases(_ addresses: [String], besides slug: Slug) -> Set<String> {
        Set(addresses.compactMap(normalize)).subtracting([Post.path(slug)])
    }

    public static func normalize(_ path: String) -> String? {
        // `/?p=123` (WordPress's, often in a Jekyll post's `redirect_from` too) keeps its query.
        if path.hasPrefix("/?p=") || path.hasPrefix("?p=") { return postNumber(String(path.drop { $0 != "=" }.dropFirst())) }
        var path = Substring(path)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        // A full URL keeps only its path.
        if let scheme = path.range(of: "://") {
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        var text = "/" + path.drop(while: { $0 == "/" })
        for suffix in ["/index.html", "/index.htm", ".html", ".htm"] where text.hasSuffix(suffix) {
            text.removeLast(suffix.count)
            break
        }
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        text = text.removingPercentEncoding ?? text
        guard text != "/", !text.contains("//"), !text.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return text
    }
}

/// What lists of posts show: no body, no source.
public struct PostSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var slug: Slug
    public var title: String
    /// The excerpt shown under the title.
    public var summary: String
    public var tags: [Tag]
    public var publishedAt: Date
    public var updatedAt: Date
    public var readingMinutes: Int

    public init(
        id: Int64, slug: Slug, title: String, summary: String, tags: [Tag],
        publishedAt: Date, updatedAt: Date, readingMinutes: Int
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.summary = summary
        self.tags = tags
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.readingMinutes = readingMinutes
    }
}

/// A public post as the archive and the sitemap list it, every post at once: only what they show,
/// so that listing 10,000 posts reads no excerpts and no tags.
public struct ArchiveEntry: Sendable, Equatable {
    public var slug: Slug
    public var title: String
    public var publishedAt: Date
    public var updatedAt: Date

    public init(slug: Slug, title: String, publishedAt: Date, updatedAt: Date) {
        self.slug = slug
        self.title = title
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
    }
}

/// Reading time at 230 words a minute, never less than a minute.
public enum ReadingTime {
    public static let wordsPerMinute = 230

    public static func minutes(words: Int) -> Int {
        max(1, (words + wordsPerMinute - 1) / wordsPerMinute)
    }
}
