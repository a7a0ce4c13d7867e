import GalleyCore
import Mustache

/// A post as lists show it (index, tag pages, archive).
struct PostListItem: Sendable {
    struct TagLink: Sendable {
        let name: String
        let url: String
    }

    let title: String
    let url: String
    let summary: String
    let date: String
    let isoDate: String
    let readingTime: String
    let tags: [TagLink]
    let hasTags: Bool

    init(_ post: PostSummary) {
        title = post.title
        url = SitePath.post(post.slug)
        summary = post.summary
        date = Formats.displayDate(post.publishedAt)
        isoDate = Formats.isoDate(post.publishedAt)
        readingTime = Formats.readingTime(post.readingMinutes)
        tags = post.tags.map(TagLink.init)
        hasTags = !post.tags.isEmpty
    }
}

extension PostListItem.TagLink {
    init(_ tag: Tag) {
        self.init(name: tag.name, url: SitePath.tag(tag.slug))
    }
}

/// Newer/older links under a paged list.
struct Pagination: Sendable {
    let newerURL: String?
    let olderURL: String?
    let label: String
    let isNeeded: Bool

    /// - Parameter path: the list's first page; later pages add `?page=N`.
    init<Item>(_ page: Page<Item>, path: String) {
        newerURL = page.hasNewer ? Self.url(path, page: page.page - 1) : nil
        olderURL = page.hasOlder ? Self.url(path, page: page.page + 1) : nil
        label = "Page \(page.page) of \(page.totalPages)"
        isNeeded = page.totalPages > 1
    }

    /// `path` for page 1, else `path?page=N` (or `&page=N` after an existing query).
    static func url(_ path: String, page: Int) -> String {
        page == 1 ? path : "\(path)\(path.contains("?") ? "&" : "?")page=\(page)"
    }
}

extension PostListItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "url": self.url
        case "summary": self.summary
        case "date": self.date
        case "isoDate": self.isoDate
        case "readingTime": self.readingTime
        case "tags": self.tags
        case "hasTags": self.hasTags
        default: noField(name)
        }
    }
}

extension PostListItem.TagLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "url": self.url
        default: noField(name)
        }
    }
}

extension Pagination: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "newerURL": self.newerURL
        case "olderURL": self.olderURL
        case "label": self.label
        case "isNeeded": self.isNeeded
        default: noField(name)
        }
    }
}
