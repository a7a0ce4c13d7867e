import GalleyCore
import Mustache

/// `/tags/:tag`: the public posts with one tag.
struct TagPage: PageView {
    static let template = "tag"

    let head: PageHead
    let name: String
    let count: String
    let posts: [PostListItem]
    let pagination: Pagination
    let feedURL: String

    init(tag: Tag, page: Page<PostSummary>, site: SiteConfiguration) {
        let path = SitePath.tag(tag.slug)
        head = PageHead(
            title: "Posts tagged “\(tag.name)”" + (page.page == 1 ? "" : ", page \(page.page)"),
            description: "Every post tagged “\(tag.name)”.",
            canonicalPath: Pagination.url(path, page: page.page),
            feeds: FeedLink.all(title: "\(site.title): \(tag.name)", path: { SitePath.tagFeed(tag.slug, $0) }, site: site)
        )
        feedURL = SitePath.tagFeed(tag.slug, .atom)
        name = tag.name
        count = page.total == 1 ? "1 post" : "\(page.total) posts"
        posts = page.items.map(PostListItem.init)
        pagination = Pagination(page, path: path)
    }
}

extension TagPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "name": self.name
        case "count": self.count
        case "posts": self.posts
        case "pagination": self.pagination
        case "feedURL": self.feedURL
        default: noField(name)
        }
    }
}
