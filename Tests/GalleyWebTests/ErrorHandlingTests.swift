import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ErrorHandlingTests {
    @Test(arguments: [
        ("/?page=abc", HTTPResponse.Status.badRequest, "page must be a positive integer, got &#39;abc&#39;"),
        ("/?page=0", .badRequest, "page must be a positive integer, got &#39;0&#39;"),
        ("/?page=-1", .badRequest, "page must be a positive integer, got &#39;-1&#39;"),
        ("/?page=99999", .notFound, "page 99999 is past the last page (1)"),
        ("/posts/no-such-post", .notFound, "no post at /posts/no-such-post"),
        ("/posts/NOT_A_SLUG", .notFound, "no post at /posts/NOT_A_SLUG"),
        ("/no/such/route", .notFound, "there is nothing at /no/such/route"),
        ("/tags/t?page=2", .notFound, "page 2 is past the last page (1)"),
    ])
    func badInputOnPagesIsAThemedClientError(path: String, status: HTTPResponse.Status, message: String) async throws {
        let blog = TestBlog()
        try await blog.publish("only", tags: ["t"])
        try await blog.test { client in
            let response = try await client.get(path)
            #expect(response.status == status)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let id = try #require(response.headers[.requestID])
            #expect(response.body.contains("<code>\(id)</code>"), "the page shows the request id")
            #expect(response.body.localizedCaseInsensitiveContains(message), "\(response.body)")
            #expect(response.body.contains(#"<meta name="robots" content="noindex">"#))
            #expect(response.body.contains("<link rel=\"stylesheet\""), "the error page wears the theme")
        }
    }

    @Test(arguments: [
        ("/api/v1/posts?page=abc", 400, "invalid_parameter", "page must be a positive integer, got 'abc'"),
        ("/api/v1/posts?page=0", 400, "invalid_parameter", "page must be a positive integer, got '0'"),
        ("/api/v1/posts?per_page=0", 400, "invalid_parameter", "per_page must be an integer from 1 to 100, got '0'"),
        ("/api/v1/posts?per_page=1000", 400, "invalid_parameter", "per_page must be an integer from 1 to 100, got '1000'"),
        ("/api/v1/posts?page=99999", 404, "not_found", "page 99999 is past the last page (1)"),
        ("/api/v1/posts/nope", 404, "not_found", "no post with slug 'nope'"),
        ("/api/v1/nothing", 404, "not_found", "there is nothing at /api/v1/nothing"),
    ])
    func badInputOnTheAPIIsAJSONClientError(path: String, status: Int, code: String, message: String) async throws {
        let blog = TestBlog()
        try await blog.publish("only")
        try await blog.test { client in
            let response = try await client.get(path)
            #expect(response.status.code == status)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let body = try ErrorBody(response.body)
            #expect(body.error.status == status)
            #expect(body.error.code == code)
            #expect(body.error.message == message)
            #expect(body.error.request_id == response.headers[.requestID])
        }
    }

    /// A page number too large for `(page - 1) * perPage` trapped and killed the process, for an
    /// anonymous GET on any paged route.
    @Test(arguments: [
        "/?page=922337203685477582", "/?page=9223372036854775807", "/tags/t?page=922337203685477582",
        "/search?q=only&page=922337203685477582", "/api/v1/posts?page=922337203685477582&per_page=100",
        "/api/v1/search?q=only&page=922337203685477582",
    ])
    func aPageNumberTooLargeToMultiplyIsNotFound(path: String) async throws {
        let blog = TestBlog()
        try await blog.publish("only", tags: ["t"])
        try await blog.test { client in
            let response = try await client.get(path)
            #expect(response.status == .notFound, "\(path)")
            #expect(response.body.contains("is past the last page (1)"), "\(response.body)")
        }
    }

    @Test func clientsAskingForJSONGetJSONErrorsOnPagesToo() async throws {
        try await TestBlog().test { client in
            let response = try await client.get("/?page=x", headers: [.accept: "application/json"])
            #expect(response.status == .badRequest)
            #expect(try ErrorBody(response.body).error.code == "invalid_parameter")
        }
    }

    @Test func aWrongMethodIs405WithAllow() async throws {
        let blog = TestBlog()
        try await blog.publish("p")
        try await blog.test { client in
            for (path, method) in [("/", HTTPRequest.Method.post), ("/posts/p", .delete), ("/api/v1/posts", .put), ("/healthz", .patch)] {
                try await client.execute(uri: path, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == "GET, HEAD")
                    #expect(response.headers[.requestID] != nil)
                }
            }
            let body = try await client.execute(uri: "/api/v1/posts", method: .post) { String(buffer: $0.body) }
            #expect(try ErrorBody(body).error.code == "method_not_allowed")
        }
    }

    @Test func aWellFormedIncomingRequestIDIsKept() async throws {
        try await TestBlog().test { client in
            let kept = try await client.get("/healthz", headers: [.requestID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
            #expect(kept.headers[.requestID] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
            for bad in ["has space", String(repeating: "a", count: 129), "semi;colon", "<script>"] {
                let replaced = try await client.get("/healthz", headers: [.requestID: bad])
                let id = try #require(replaced.headers[.requestID])
                #expect(id != bad)
                #expect(id.count == 32)
            }
            let first = try await client.get("/healthz").headers[.requestID]
            let second = try await client.get("/healthz").headers[.requestID]
            #expect(first != second)
        }
    }

    @Test func anInternalFailureIsA500ThatShowsNoInternals() async throws {
        try await TestBlog.test(store: BrokenStore(), site: SiteConfiguration()) { client in
            let page = try await client.get("/")
            #expect(page.status == .internalServerError)
            #expect(!page.body.contains("secret-table"))
            #expect(page.body.contains(try #require(page.headers[.requestID])))

            let api = try await client.get("/api/v1/posts")
            #expect(api.status == .internalServerError)
            let body = try ErrorBody(api.body)
            #expect(body.error.code == "internal_error")
            #expect(!body.error.message.contains("secret-table"))
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestBlog().test { client in
            let health = try await client.get("/healthz")
            let ready = try await client.get("/readyz")
            #expect(health.body == "ok\n")
            #expect(ready.body == "ready\n")
        }
        try await TestBlog.test(store: BrokenStore(), site: SiteConfiguration()) { client in
            #expect(try await client.get("/healthz").status == .ok)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.body.contains("the database is not reachable"))
        }
    }
}

/// A store whose database is gone: every call fails with an error that must not reach clients.
struct BrokenStore: PublicOnlyStore {
    struct DatabaseGone: Error, CustomStringConvertible {
        var description: String { "no such table: secret-table" }
    }

    func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult { throw DatabaseGone() }
    func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) async throws -> Page<PostSummary> { throw DatabaseGone() }
    func publishedArchive(at now: Date) async throws -> [ArchiveEntry] { throw DatabaseGone() }
    func publishedPost(slug: Slug, at now: Date) async throws -> Post? { throw DatabaseGone() }
    func post(slug: Slug) async throws -> Post? { throw DatabaseGone() }
    func revisions(ofPost id: Int64) async throws -> [Revision] { throw DatabaseGone() }
    func siteState(at now: Date) async throws -> SiteState { throw DatabaseGone() }
    let localChanges = LocalChanges()
    var connectionCounts: [String: Int] { [:] }
    func checkHealth() async throws { throw DatabaseGone() }
    func allSlugs() async throws -> [Slug] { throw DatabaseGone() }
    func setting(_ key: String) async throws -> String? { throw DatabaseGone() }
    func setSetting(_ key: String, to value: String) async throws { throw DatabaseGone() }
    func search(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> { throw DatabaseGone() }
    func publicTags(at now: Date) async throws -> [TagCount] { throw DatabaseGone() }
    func adjacentPosts(to post: Post, at now: Date) async throws -> AdjacentPosts { throw DatabaseGone() }
    func relatedPosts(to post: Post, limit: Int, at now: Date) async throws -> [PostSummary] { throw DatabaseGone() }
    func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) async throws -> [Post] { throw DatabaseGone() }
}
