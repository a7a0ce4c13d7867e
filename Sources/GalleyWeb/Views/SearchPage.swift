import GalleyCore
import GalleyMarkdown
import Mustache

/// `/search?q=`: results with the matched words marked, or just the form.
struct SearchPage: PageView {
    static let template = "search"

    struct Result: Sendable {
        let title: String
        let url: String
        let date: String
        let isoDate: String
        /// Escaped text with `<mark>` around the matched words.
        let snippet: String
    }

    let head: PageHead
    let query: String
    let hasQuery: Bool
    let resultSummary: String
    let results: [Result]
    let hasResults: Bool
    let pagination: Pagination

    init(query: SearchQuery?, page: Page<SearchHit>) {
        let text = query?.text ?? ""
        head = PageHead(
            title: text.isEmpty ? "Search" : "Search: \(text)",
            description: "Search the blog.",
            canonicalPath: nil,
            noIndex: true,
            searchQuery: text
        )
        self.query = text
        hasQuery = query != nil
        resultSummary = switch page.total {
        case 0: "No posts match “\(text)”."
        case 1: "1 post matches “\(text)”."
        default: "\(page.total) posts match “\(text)”."
        }
        results = page.items.map { hit in
            Result(
                title: hit.post.title, url: SitePath.post(hit.post.slug),
                date: Formats.displayDate(hit.post.publishedAt), isoDate: Formats.isoDate(hit.post.publishedAt),
                snippet: Self.highlight(hit.snippet)
            )
        }
        hasResults = !page.items.isEmpty
        pagination = Pagination(page, path: SitePath.search(text))
    }

    /// The snippet as HTML, its marks as `<mark>` tags. By Unicode scalar, not Character: a mark
    /// before a word that starts with a combining character is one Character with it, and was
    /// left as it was while its closing mark became `</mark>` (the search fuzz target).
    static func highlight(_ snippet: String) -> String {
        var html = String.UnicodeScalarView()
        for scalar in HTML.escape(snippet).unicodeScalars {
            switch Character(scalar) {
            case SearchHit.markStart: html.append(contentsOf: "<mark>".unicodeScalars)
            case SearchHit.markEnd: html.append(contentsOf: "</mark>".unicodeScalars)
            default: html.append(scalar)
            }
        }
        return String(html)
    }
}

extension SearchPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "head": self.head
        case "query": self.query
        case "hasQuery": self.hasQuery
        case "resultSummary": self.resultSummary
        case "results": self.results
        case "hasResults": self.hasResults
        case "pagination": self.pagination
        default: noField(name)
        }
    }
}

extension SearchPage.Result: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "url": self.url
        case "date": self.date
        case "isoDate": self.isoDate
        case "snippet": self.snippet
        default: noField(name)
        }
    }
}
