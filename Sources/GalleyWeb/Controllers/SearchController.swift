import Foundation
import GalleyCore
import Hummingbird

/// Full-text search, as a page and as JSON.
struct SearchController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let site: SiteConfiguration

    var paths: [RouterPath] { [RouterPath(SitePath.searchPage), RouterPath(SitePath.apiSearch)] }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(SitePath.searchPage), use: page)
        router.get(RouterPath(SitePath.apiSearch), use: api)
    }

    /// Without `q` the page shows the search form alone.
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let pageRequest = try PageRequest(page: parameters.get("page"), perPage: nil, defaultPerPage: site.postsPerPage)
        guard let text = parameters.get("q"), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try pages.render(SearchPage(query: nil, page: Page(items: [], request: pageRequest, total: 0)))
        }
        let query = try SearchQuery(text)
        return try pages.render(SearchPage(query: query, page: try await search(query, pageRequest)))
    }

    @Sendable func api(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let query = try SearchQuery(parameters.get("q") ?? "")
        let pageRequest = try PageRequest(page: parameters.get("page"), perPage: parameters.get("per_page"), defaultPerPage: 10)
        let results = try await search(query, pageRequest)
        return try JSONResponse.make(SearchBody(
            query: query.text,
            results: results.items.map { SearchResultJSON(post: PostJSON($0.post, site: site), snippet: SearchPage.highlight($0.snippet)) },
            page: results.page, perPage: results.perPage, total: results.total, totalPages: results.totalPages
        ))
    }

    /// Public results; a page past the end of a non-empty result is a 404, while no match at all
    /// is an empty first page.
    private func search(_ query: SearchQuery, _ page: PageRequest) async throws -> Page<SearchHit> {
        let results = try await store.search(query, page: page, at: site.clock())
        if results.total > 0 { try results.requireExists() }
        return results
    }
}

struct SearchBody: Encodable {
    let query: String
    let results: [SearchResultJSON]
    let page: Int
    let perPage: Int
    let total: Int
    let totalPages: Int
}

struct SearchResultJSON: Encodable {
    let post: PostJSON
    /// HTML: escaped text with `<mark>` around the matched words.
    let snippet: String
}
