import GalleyCore
import Mustache

/// `/`: the newest posts, ten to a page.
struct IndexPage: PageView {
    static let template = "index"

    let head: PageHead
    let heading: String
    let intro: String
    let posts: [PostListItem]
    let isEmpty: Bool
    let pagination: Pagination

    init(_ page: Page<PostSummary>, site: SiteConfiguration) {
        head = PageHead(
            title: page.page == 1 ? nil : "Page \(page.page)",
            description: site.description,
            canonicalPath: Pagination.url(SitePath.home, page: page.page)
        )
        heading = site.title
        intro = site.description
        posts = page.items.map(PostListItem.init)
        isEmpty = page.items.isEmpty
        pagination = Pagination(page, path: SitePath.home)
    }
}

extension IndexPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "heading": self.heading
        case "intro": self.intro
        case "posts": self.posts
        case "isEmpty": self.isEmpty
        case "pagination": self.pagination
        default: noField(name)
        }
    }
}
