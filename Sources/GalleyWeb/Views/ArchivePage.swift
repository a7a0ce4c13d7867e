import Foundation
import GalleyCore

/// `/archive`: every public post, grouped by year.
struct ArchivePage: PageView {
    static let template = "archive"

    struct Year: Sendable {
        let year: String
        let count: String
        let posts: [PostListItem]
    }

    let head: PageHead
    let years: [Year]
    let isEmpty: Bool
    let total: String

    init(_ posts: [PostSummary]) {
        head = PageHead(title: "Archive", description: "Every post, newest first.", canonicalPath: SitePath.archive)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        var years: [Year] = []
        var current: (year: Int, posts: [PostListItem])?
        func close() {
            if let current {
                years.append(Year(year: String(current.year), count: current.posts.count == 1 ? "1 post" : "\(current.posts.count) posts", posts: current.posts))
            }
        }
        for post in posts {
            let year = calendar.component(.year, from: post.publishedAt)
            if current?.year != year {
                close()
                current = (year, [])
            }
            current?.posts.append(PostListItem(post))
        }
        close()
        self.years = years
        isEmpty = posts.isEmpty
        total = posts.count == 1 ? "1 post" : "\(posts.count) posts"
    }
}
