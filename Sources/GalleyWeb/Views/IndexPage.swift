import GalleyCore

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
