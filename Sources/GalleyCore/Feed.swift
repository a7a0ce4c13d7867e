import Foundation

/// A feed of posts, ready to be written as Atom 1.0, RSS 2.0 or JSON Feed 1.1. Every URL in it is
/// absolute; entry content has its relative links made absolute too.
public struct FeedDocument: Sendable {
    public struct Entry: Sendable {
        /// Stable across edits: the post's canonical URL.
        public var id: String
        public var url: String
        public var title: String
        public var summary: String
        public var contentHTML: String
        public var published: Date
        public var updated: Date
        public var tags: [String]
        /// The entry's own bylines; empty: the feed's author.
        public var authors: [String]

        public init(
            id: String, url: String, title: String, summary: String, contentHTML: String, published: Date, updated: Date,
            tags: [String], authors: [String] = []
        ) {
            self.id = id
            self.url = url
            self.title = title
            self.summary = summary
            self.contentHTML = contentHTML
            self.published = published
            self.updated = updated
            self.tags = tags
            self.authors = authors
        }
    }

    public var title: String
    public var subtitle: String
    /// The page the feed follows (the home page, or a tag's page).
    public var homeURL: String
    /// This feed's own URL, in the format being written.
    public var selfURL: String
    public var author: String?
    public var entries: [Entry]
    /// When the newest change in the feed happened; the epoch for an empty feed.
    public var updated: Date { entries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0) }

    public init(title: String, subtitle: String, homeURL: String, selfURL: String, author: String?, entries: [Entry]) {
        self.title = title
        self.subtitle = subtitle
        self.homeURL = homeURL
        self.selfURL = selfURL
        self.author = author
        self.entries = entries
    }
}

/// The three feed formats, with their paths and media types.
public enum FeedFormat: String, Sendable, CaseIterable {
    case atom, rss, json

    public var fileName: String {
        switch self {
        case .atom: "feed.xml"
        case .rss: "rss.xml"
        case .json: "feed.json"
        }
    }

    public var contentType: String {
        switch self {
        case .atom: "application/atom+xml; charset=utf-8"
        case .rss: "application/rss+xml; charset=utf-8"
        case .json: "application/feed+json; charset=utf-8"
        }
    }

    public var title: String {
        switch self {
        case .atom: "Atom"
        case .rss: "RSS"
        case .json: "JSON Feed"
        }
    }

    public func render(_ feed: FeedDocument) throws -> String {
        switch self {
        case .atom: FeedWriters.atom(feed)
        case .rss: FeedWriters.rss(feed)
        case .json: try FeedWriters.json(feed)
        }
    }
}

enum FeedWriters {
    static func atom(_ feed: FeedDocument) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <title>\(XML.escape(feed.title))</title>
            <subtitle>\(XML.escape(feed.subtitle))</subtitle>
            <id>\(XML.escape(feed.homeURL))</id>
            <link rel="alternate" type="text/html" href="\(XML.escape(feed.homeURL))"/>
            <link rel="self" type="application/atom+xml" href="\(XML.escape(feed.selfURL))"/>
            <updated>\(rfc3339(feed.updated))</updated>
            <generator>Galley</generator>

            """
        if let author = feed.author { xml += "<author><name>\(XML.escape(author))</name></author>\n" }
        for entry in feed.entries {
            xml += """
                <entry>
                <id>\(XML.escape(entry.id))</id>
                <title>\(XML.escape(entry.title))</title>
                <link rel="alternate" type="text/html" href="\(XML.escape(entry.url))"/>
                <published>\(rfc3339(entry.published))</published>
                <updated>\(rfc3339(entry.updated))</updated>
                <summary>\(XML.escape(entry.summary))</summary>
                <content type="html" xml:base="\(XML.escape(entry.url))">\(XML.escape(entry.contentHTML))</content>

                """
            for author in entry.authors { xml += "<author><name>\(XML.escape(author))</name></author>\n" }
            for tag in entry.tags { xml += "<category term=\"\(XML.escape(tag))\"/>\n" }
            xml += "</entry>\n"
        }
        return xml + "</feed>\n"
    }

    /// RSS readers take a `<description>` as HTML, so a summary, which is text, is escaped as
    /// HTML before it is escaped as XML: `<img onerror=…>` in a summary is shown as written, not
    /// run by the reader (found by the XSS corpus).
    static func rss(_ feed: FeedDocument) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel>
            <title>\(XML.escape(feed.title))</title>
            <link>\(XML.escape(feed.homeURL))</link>
            <description>\(XML.escape(XML.escape(feed.subtitle)))</description>
            <atom:link href="\(XML.escape(feed.selfURL))" rel="self" type="application/rss+xml"/>
            <lastBuildDate>\(rfc822(feed.updated))</lastBuildDate>
            <generator>Galley</generator>

            """
        for entry in feed.entries {
            xml += """
                <item>
                <title>\(XML.escape(entry.title))</title>
                <link>\(XML.escape(entry.url))</link>
                <guid isPermaLink="true">\(XML.escape(entry.id))</guid>
                <pubDate>\(rfc822(entry.published))</pubDate>
                <description>\(XML.escape(XML.escape(entry.summary)))</description>
                <content:encoded>\(XML.escape(entry.contentHTML))</content:encoded>

                """
            // RSS's own <author> is an email address; a name is Dublin Core's creator.
            for author in entry.authors { xml += "<dc:creator>\(XML.escape(author))</dc:creator>\n" }
            for tag in entry.tags { xml += "<category>\(XML.escape(tag))</category>\n" }
            xml += "</item>\n"
        }
        return xml + "</channel>\n</rss>\n"
    }

    static func json(_ feed: FeedDocument) throws -> String {
        struct Author: Encodable { let name: String }
        struct Item: Encodable {
            let id: String
            let url: String
            let title: String
            let summary: String
            let content_html: String
            let date_published: String
            let date_modified: String
            let tags: [String]
            let authors: [Author]?
        }
        struct Body: Encodable {
            let version = "https://jsonfeed.org/version/1.1"
            let title: String
            let description: String
            let home_page_url: String
            let feed_url: String
            let authors: [Author]?
            let language = "en"
            let items: [Item]
        }
        let body = Body(
            title: feed.title, description: feed.subtitle, home_page_url: feed.homeURL, feed_url: feed.selfURL,
            authors: feed.author.map { [Author(name: $0)] },
            items: feed.entries.map {
                Item(id: $0.id, url: $0.url, title: $0.title, summary: $0.summary, content_html: $0.contentHTML,
                     date_published: rfc3339($0.published), date_modified: rfc3339($0.updated), tags: $0.tags,
                     authors: $0.authors.isEmpty ? nil : $0.authors.map(Author.init))
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(body), as: UTF8.self) + "\n"
    }

    static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static let rfc822Formatter = DateFormatter.utc("EEE, dd MMM yyyy HH:mm:ss Z")

    static func rfc822(_ date: Date) -> String {
        rfc822Formatter.string(from: date)
    }
}

/// Escaping for XML text and attribute values.
public enum XML {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            // Characters XML 1.0 forbids: control characters other than tab and newlines.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
