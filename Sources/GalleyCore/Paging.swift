/// A validated request for one page of a list: `page` from 1, `perPage` from 1 to `maxPerPage`.
public struct PageRequest: Sendable, Equatable {
    public static let maxPerPage = 100

    public let page: Int
    public let perPage: Int

    public init(page: Int = 1, perPage: Int = 10) throws(GalleyError) {
        guard page >= 1 else { throw .invalidParameter("page", "a positive integer", got: String(page)) }
        guard (1...Self.maxPerPage).contains(perPage) else {
            throw .invalidParameter("per_page", "an integer from 1 to \(Self.maxPerPage)", got: String(perPage))
        }
        self.page = page
        self.perPage = perPage
    }

    /// Reads `page` and `per_page` as they come from a query string; absent means the default.
    public init(page: String?, perPage: String?, defaultPerPage: Int) throws(GalleyError) {
        let pageNumber = try Self.integer(page, name: "page", expectation: "a positive integer") ?? 1
        let size = try Self.integer(perPage, name: "per_page", expectation: "an integer from 1 to \(Self.maxPerPage)") ?? defaultPerPage
        try self.init(page: pageNumber, perPage: size)
    }

    /// Items before this page. Any page number a query string can hold is valid, so this
    /// saturates instead of overflowing: `?page=922337203685477582` is a page far past the end of
    /// any list (an empty page, which the routes answer with a 404), not a trap that kills the
    /// process for every reader.
    public var offset: Int {
        let (items, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max : items
    }

    private static func integer(_ text: String?, name: String, expectation: String) throws(GalleyError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw .invalidParameter(name, expectation, got: text) }
        return value
    }
}

/// One page of a longer list, with what it takes to link to the others.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var request: PageRequest
    /// Items in the whole list.
    public var total: Int

    public init(items: [Item], request: PageRequest, total: Int) {
        self.items = items
        self.request = request
        self.total = total
    }

    public var page: Int { request.page }
    public var perPage: Int { request.perPage }
    /// At least 1: an empty list still has its first, empty page.
    public var totalPages: Int { max(1, (total + perPage - 1) / perPage) }
    public var hasNewer: Bool { page > 1 }
    public var hasOlder: Bool { page < totalPages }

    /// Throws a 404 for a page past the end of the list, which has no content and no canonical URL.
    public func requireExists() throws(GalleyError) {
        guard page <= totalPages else {
            throw .notFound("page \(page) is past the last page (\(totalPages))")
        }
    }

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), request: request, total: total)
    }
}

extension Page: Equatable where Item: Equatable {}
