import GalleyCore
import Testing

@Suite struct PagingTests {
    @Test func absentParametersMeanTheDefaults() throws {
        let request = try PageRequest(page: nil, perPage: nil, defaultPerPage: 10)
        #expect(request.page == 1)
        #expect(request.perPage == 10)
        #expect(request.offset == 0)
    }

    @Test(arguments: [
        ("abc", nil, "page must be a positive integer, got 'abc'"),
        ("0", nil, "page must be a positive integer, got '0'"),
        ("-1", nil, "page must be a positive integer, got '-1'"),
        ("1.5", nil, "page must be a positive integer, got '1.5'"),
        ("", nil, "page must be a positive integer, got ''"),
        (nil, "0", "per_page must be an integer from 1 to 100, got '0'"),
        (nil, "1000", "per_page must be an integer from 1 to 100, got '1000'"),
        (nil, "ten", "per_page must be an integer from 1 to 100, got 'ten'"),
    ] as [(String?, String?, String)])
    func badValuesSayWhatWasWrong(page: String?, perPage: String?, message: String) {
        #expect(throws: GalleyError(.invalidParameter, message)) {
            try PageRequest(page: page, perPage: perPage, defaultPerPage: 10)
        }
    }

    @Test(arguments: ["922337203685477582", "9223372036854775807"])
    func aPageNumberTooLargeToMultiplyIsFarPastTheEnd(number: String) throws {
        let request = try PageRequest(page: number, perPage: "100", defaultPerPage: 10)
        #expect(request.offset == Int.max)
        let page = Page<Int>(items: [], request: request, total: 5)
        #expect(!page.hasOlder)
        #expect(throws: GalleyError(.notFound, "page \(number) is past the last page (1)")) { try page.requireExists() }
    }

    @Test func pagesKnowTheirNeighbours() throws {
        let page = Page(items: [1, 2], request: try PageRequest(page: 2, perPage: 2), total: 5)
        #expect(page.totalPages == 3)
        #expect(page.hasNewer)
        #expect(page.hasOlder)
        #expect(page.offsetCheck == 2)
        try page.requireExists()
    }

    @Test func aPagePastTheEndIsNotFound() throws {
        let page = Page<Int>(items: [], request: try PageRequest(page: 4, perPage: 2), total: 5)
        #expect(throws: GalleyError(.notFound, "page 4 is past the last page (3)")) { try page.requireExists() }
    }

    @Test func anEmptyListStillHasItsFirstPage() throws {
        let page = Page<Int>(items: [], request: try PageRequest(), total: 0)
        #expect(page.totalPages == 1)
        #expect(!page.hasOlder)
        try page.requireExists()
    }
}

extension Page {
    fileprivate var offsetCheck: Int { request.offset }
}
