import Foundation
import GalleyCore
import Mustache

/// `/archive`: every public post, grouped by year.
struct ArchivePage: PageView {
    static let template = "archive"

    struct Year: Sendable {
        let year: String
        let count: String
        let months: [Month]
    }

    struct Month: Sendable {
        let month: String
        let posts: [Entry]
    }

    struct Entry: Sendable {
        let title: String
        let url: String
        let date: String
        let isoDate: String

        init(_ post: ArchiveEntry) {
            title = post.title
            url = SitePath.post(post.slug)
            date = Formats.displayDate(post.publishedAt)
            isoDate = Formats.isoDate(post.publishedAt)
        }
    }

    let head: PageHead
    let years: [Year]
    let isEmpty: Bool
    let total: String

    init(_ posts: [ArchiveEntry]) {
        head = PageHead(title: "Archive", description: "Every post, newest first.", canonicalPath: SitePath.archive)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        // English month names whatever the server's locale, like the rest of the theme.
        let monthNames: [String] = DateFormatter.utc("MMMM").standaloneMonthSymbols
        // Posts come newest first, so consecutive runs are the groups.
        var years: [Year] = []
        for yearRun in posts.chunked(by: { calendar.component(.year, from: $0.publishedAt) }) {
            let months = yearRun.chunked(by: { calendar.component(.month, from: $0.publishedAt) }).map { monthRun in
                let month = calendar.component(.month, from: monthRun[0].publishedAt)
                return Month(month: monthNames.indices.contains(month - 1) ? monthNames[month - 1] : String(month), posts: monthRun.map(Entry.init))
            }
            years.append(Year(
                year: String(calendar.component(.year, from: yearRun[0].publishedAt)),
                count: Self.count(yearRun.count), months: months
            ))
        }
        self.years = years
        isEmpty = posts.isEmpty
        total = Self.count(posts.count)
    }

    static func count(_ n: Int) -> String { n == 1 ? "1 post" : "\(n) posts" }
}

extension Array {
    /// Consecutive runs of elements that share a key.
    func chunked<Key: Equatable>(by key: (Element) -> Key) -> [[Element]] {
        var runs: [[Element]] = []
        for element in self {
            if let last = runs.last?.last, key(last) == key(element) {
                runs[runs.count - 1].append(element)
            } else {
                runs.append([element])
            }
        }
        return runs
    }
}

extension ArchivePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "years": self.years
        case "isEmpty": self.isEmpty
        case "total": self.total
        default: noField(name)
        }
    }
}

extension ArchivePage.Year: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "year": self.year
        case "count": self.count
        case "months": self.months
        default: noField(name)
        }
    }
}

extension ArchivePage.Entry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "url": self.url
        case "date": self.date
        case "isoDate": self.isoDate
        default: noField(name)
        }
    }
}

extension ArchivePage.Month: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "month": self.month
        case "posts": self.posts
        default: noField(name)
        }
    }
}
