import CompressNIO
import Foundation
import GalleyCore
import GalleyMarkdown
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The response cache as readers meet it: through the router, with a store that counts its reads.
@Suite struct ResponseCacheTests {
    static let now = TestBlog.now

    /// A blog whose store counts every call and whose clock the test moves.
    struct Fixture {
        let store = CountingStore()
        let clock = MovableClock(ResponseCacheTests.now)

        var site: SiteConfiguration {
            SiteConfiguration(baseURL: "https://blog.example.com", title: "Cached", clock: { [clock] in clock.now })
        }

        func publish(
            _ slug: String, at date: Date = ResponseCacheTests.now.addingTimeInterval(-3600), until expiry: Date? = nil,
            source: String = "Some *text*.\n"
        ) async throws {
            let draft = PostDraft(
                slug: try Slug(slug), title: "Post \(slug)", summary: "", source: source, tags: .named(["t"]), status: .published,
                publishedAt: date, expiresAt: expiry
            )
            _ = try await PostWriter(store: store).save(draft)
        }

        func test(cacheBudget: Int = WebConfiguration.defaultCacheBudget, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let router = try await buildRouter(site: site, store: store, cacheBudget: cacheBudget)
            try await Application(router: router).test(.router, body)
        }
    }

    @Test func aRepeatedPageIsServedWithoutTouchingTheStore() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            for path in ["/", "/posts/first", "/tags/t", "/tags", "/archive", "/feed.xml", "/feed.json", "/sitemap.xml", "/api/v1/posts", "/api/v1/posts/first"] {
                let first = try await client.get(path)
                #expect(first.status == .ok, "\(path)")
                let reads = blog.store.reads
                let second = try await client.get(path)
                #expect(blog.store.reads == reads, "\(path) was read from the store again")
                #expect(second.body == first.body)
                #expect(second.headers[.eTag] == first.headers[.eTag])
                #expect(second.headers[.requestID] != first.headers[.requestID], "each answer has its own request id")
            }
        }
    }

    @Test func queryParametersThePageDoesNotReadShareOneEntry() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            _ = try await client.get("/")
            let reads = blog.store.reads
            #expect(try await client.get("/?utm_source=feed&ref=x").status == .ok)
            #expect(blog.store.reads == reads)
            #expect(try await client.get("/api/v1/posts?per_page=1").body.contains(#""per_page":1"#))
            #expect(blog.store.reads > reads, "per_page is a different answer")
        }
    }

    /// Routes do not percent-decode parameter names: `?pag%65=99` renders page 1, which the key
    /// once filed as `?page=99`, and every later `?page=99` got page 1 (200) instead of a 404.
    @Test(arguments: [
        ("/tags/t?pag%65=99", "/tags/t?page=99", #"page 99 is past the last page"#),
        ("/?pag%65=99", "/?page=99", #"page 99 is past the last page"#),
        ("/api/v1/posts?per%5Fpage=1", "/api/v1/posts?per_page=1", #""per_page":1,"#),
    ])
    func anEncodedParameterNameCannotPoisonTheCache(encoded: String, plain: String, plainSays: String) async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.publish("second")
        try await blog.test { client in
            #expect(try await client.get(encoded).status == .ok)
            let answer = try await client.get(plain)
            #expect(answer.body.contains(plainSays), "\(plain) was answered from \(encoded)'s page: \(answer.body.prefix(300))")
        }
    }

    @Test func aWriteIsVisibleOnTheVeryNextRequest() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            let before = try await client.get("/")
            #expect(!before.body.contains("Post second"))
            try await blog.publish("second")
            let after = try await client.get("/")
            #expect(after.body.contains("Post second"))
            #expect(after.headers[.eTag] != before.headers[.eTag])
            #expect(try await client.get("/posts/second").status == .ok)
        }
    }

    @Test func aScheduledPostAppearsAtItsMomentAndNotASecondEarlier() async throws {
        let blog = Fixture()
        let due = Self.now.addingTimeInterval(600)
        try await blog.publish("now")
        try await blog.publish("scheduled", at: due)
        try await blog.test { (client: any TestClientProtocol) async throws -> Void in
            #expect(try await client.get("/").body.contains("Post scheduled") == false)
            #expect(try await client.get("/feed.xml").body.contains("Post scheduled") == false)
            #expect(try await client.get("/posts/scheduled").status == .notFound)
            blog.clock.set(due.addingTimeInterval(-1))
            #expect(try await client.get("/").body.contains("Post scheduled") == false)
            blog.clock.set(due)
            #expect(try await client.get("/").body.contains("Post scheduled"))
            #expect(try await client.get("/feed.xml").body.contains("Post scheduled"))
            #expect(try await client.get("/posts/scheduled").status == .ok)
        }
    }

    @Test func anExpiringPostGoesAtItsMomentAndNotASecondLater() async throws {
        let blog = Fixture()
        let expiry = Self.now.addingTimeInterval(600)
        try await blog.publish("staying")
        try await blog.publish("offer", until: expiry)
        try await blog.test { (client: any TestClientProtocol) async throws -> Void in
            // Cached while it is up…
            for path in ["/", "/feed.xml", "/tags/t", "/sitemap.xml", "/archive"] {
                #expect(try await client.get(path).body.contains("offer"), "\(path)")
            }
            #expect(try await client.get("/posts/offer").status == .ok)
            blog.clock.set(expiry.addingTimeInterval(-1))
            #expect(try await client.get("/").body.contains("Post offer"))
            // …and gone from every cached page at its second, with no write in between.
            blog.clock.set(expiry)
            for path in ["/", "/feed.xml", "/tags/t", "/sitemap.xml", "/archive"] {
                #expect(try await client.get(path).body.contains("offer") == false, "\(path)")
            }
            #expect(try await client.get("/posts/offer").status == .notFound)
            #expect(try await client.get("/posts/staying").status == .ok)
        }
    }

    @Test func errorsAreNotKept() async throws {
        let blog = Fixture()
        try await blog.test { client in
            #expect(try await client.get("/posts/later").status == .notFound)
            try await blog.publish("later")
            #expect(try await client.get("/posts/later").status == .ok)
            #expect(try await client.get("/?page=abc").status == .badRequest)
        }
    }

    @Test func searchIsAnsweredFreshEveryTime() async throws {
        let blog = Fixture()
        try await blog.publish("first", source: "About kittens.\n")
        try await blog.test { client in
            _ = try await client.get("/search?q=kittens")
            let reads = blog.store.reads
            #expect(try await client.get("/search?q=kittens").body.contains("Post first"))
            #expect(blog.store.reads > reads)
            #expect(try await client.get("/search?q=kittens").headers[.eTag] == nil)
        }
    }

    @Test func ifNoneMatchGetsA304WithoutABody() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            let page = try await client.get("/posts/first")
            let etag = try #require(page.headers[.eTag])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"), "a strong validator")
            #expect(page.headers[.cacheControl] == "public, no-cache")
            #expect(page.headers[.vary] == "Accept-Encoding")
            for validator in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await client.get("/posts/first", headers: [.ifNoneMatch: validator])
                #expect(again.status == .notModified, "\(validator)")
                #expect(again.body.isEmpty)
                #expect(again.headers[.eTag] == etag)
                #expect(again.headers[.cacheControl] == "public, no-cache")
                #expect(again.headers[.requestID] != nil)
            }
            #expect(try await client.get("/posts/first", headers: [.ifNoneMatch: "\"stale\""]).status == .ok)
            try await blog.publish("first", source: "Changed.\n")
            #expect(try await client.get("/posts/first", headers: [.ifNoneMatch: etag]).status == .ok, "a write changes the validator")
        }
    }

    @Test func gzipIsOfferedToClientsThatAcceptIt() async throws {
        let blog = Fixture()
        try await blog.publish("first", source: String(repeating: "A paragraph of prose that compresses well. ", count: 40) + "\n")
        try await blog.test { client in
            let plain = try await client.get("/posts/first")
            #expect(plain.headers[.contentEncoding] == nil)
            try await client.execute(uri: "/posts/first", method: .get, headers: [.acceptEncoding: "br, gzip;q=0.8"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.vary] == "Accept-Encoding")
                #expect(response.headers[.eTag] != plain.headers[.eTag], "each encoding has its own validator")
                #expect(response.body.readableBytes < plain.body.utf8.count / 2)
                var body = response.body
                #expect(String(buffer: try body.decompress(with: .gzip())) == plain.body)
                let revalidated = try await client.get("/posts/first", headers: [.acceptEncoding: "gzip", .ifNoneMatch: response.headers[.eTag] ?? ""])
                #expect(revalidated.status == .notModified)
            }
            for refused in ["gzip;q=0", "identity", "*;q=0", "br"] {
                #expect(try await client.get("/posts/first", headers: [.acceptEncoding: refused]).headers[.contentEncoding] == nil, "\(refused)")
            }
        }
    }

    @Test func headAnswersWithTheHeadersAlone() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            let get = try await client.get("/posts/first")
            try await client.execute(uri: "/posts/first", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == get.headers[.eTag])
                #expect(response.headers[.contentLength] == String(get.body.utf8.count))
            }
        }
    }

    @Test func aTinyBudgetKeepsOnlyWhatFits() async throws {
        let blog = Fixture()
        for n in 0..<6 { try await blog.publish("p\(n)") }
        try await blog.test(cacheBudget: 0) { client in
            _ = try await client.get("/posts/p1")
            let reads = blog.store.reads
            let page = try await client.get("/posts/p1")
            #expect(blog.store.reads > reads, "nothing is kept with a budget of 0")
            #expect(page.headers[.eTag] != nil, "validators are still given")
        }
    }

    @Test func fingerprintedAssetsAreImmutableAndCompressed() async throws {
        let blog = Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            let page = try await client.get("/posts/first")
            let path = try #require(page.body.firstMatch(of: /\/assets\/style\.[0-9a-f]{10}\.css/).map { String($0.output) })
            try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            }
            let etag = try #require(try await client.get(path).headers[.eTag])
            #expect(try await client.get(path, headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }
}

/// A clock a test sets by hand.
final class MovableClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }

    func set(_ date: Date) { time.withLock { $0 = date } }

    func advance(by seconds: TimeInterval) { time.withLock { $0.addTimeInterval(seconds) } }
}

/// The cache itself: budget, recency, generations.
@Suite struct ResponseCacheUnitTests {
    static func response(bytes: Int) -> StoredResponse {
        StoredResponse(headers: [.contentType: "text/plain"], body: ByteBuffer(repeating: UInt8(ascii: "x"), count: bytes), compressible: false)
    }

    let generation = SiteState(revision: 1, nextChange: nil)

    @Test func theLeastRecentlyUsedEntryGoesFirst() {
        let entry = Self.response(bytes: 1000)
        let cache = ResponseCache(budget: 3 * (entry.cost + 2) + 10)
        for key in ["/a", "/b", "/c"] { cache.store(entry, for: key, in: generation) }
        #expect(cache.lookup("/a", in: generation) != nil)
        cache.store(entry, for: "/d", in: generation)
        #expect(cache.lookup("/b", in: generation) == nil, "b was the least recently used")
        #expect(cache.lookup("/a", in: generation) != nil)
        #expect(cache.lookup("/c", in: generation) != nil)
        #expect(cache.lookup("/d", in: generation) != nil)
        let statistics = cache.statistics
        #expect(statistics.entries == 3)
        #expect(statistics.evictions == 1)
        #expect(statistics.bytes <= cache.budget)
    }

    @Test func memoryStaysWithinTheBudgetWhateverIsStored() {
        let cache = ResponseCache(budget: 100_000)
        for n in 0..<2_000 {
            cache.store(Self.response(bytes: 100 + n % 900), for: "/posts/\(n)", in: generation)
            #expect(cache.statistics.bytes <= 100_000)
        }
        #expect(cache.statistics.entries > 50)
        #expect(cache.lookup("/posts/1999", in: generation) != nil)
        #expect(cache.lookup("/posts/0", in: generation) == nil)
    }

    @Test func anotherGenerationMisses() {
        let cache = ResponseCache(budget: 1 << 20)
        cache.store(Self.response(bytes: 10), for: "/", in: generation)
        #expect(cache.lookup("/", in: SiteState(revision: 2, nextChange: nil)) == nil)
        #expect(cache.lookup("/", in: SiteState(revision: 1, nextChange: Date())) == nil)
        #expect(cache.lookup("/", in: generation) != nil)
        #expect(cache.statistics.hits == 1)
    }

    @Test func aPageMissingFromAGenerationIsRenderedOnceAndTheOthersWaitForIt() async throws {
        let cache = ResponseCache(budget: 1 << 20)
        guard case .render(let render) = cache.lookupOrRender("/p", in: generation) else {
            Issue.record("the first request renders")
            return
        }
        var waiting: [ResponseCache.Render] = []
        for _ in 0..<5 {
            guard case .wait(let other) = cache.lookupOrRender("/p", in: generation) else {
                Issue.record("later requests wait")
                return
            }
            waiting.append(other)
        }
        #expect(waiting.allSatisfy { $0 === render })
        // Another generation's request does not take the older render's page.
        guard case .render(let newer) = cache.lookupOrRender("/p", in: SiteState(revision: 2, nextChange: nil)) else {
            Issue.record("a request of another generation renders its own")
            return
        }
        let page = Self.response(bytes: 100)
        let answers = try await withThrowingTaskGroup(of: Int?.self) { group in
            for other in waiting { group.addTask { try await other.wait()?.identity.readableBytes } }
            cache.finish(render, for: "/p", with: .success(page))
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: 100, count: 5))
        #expect(try await render.wait() === page, "a wait after the render ended answers at once")
        #expect(cache.lookup("/p", in: generation) === page)
        // The older render ending left the newer one in place: its generation's requests still wait.
        guard case .wait(let same) = cache.lookupOrRender("/p", in: SiteState(revision: 2, nextChange: nil)) else {
            Issue.record("the newer render is still the one to wait for")
            return
        }
        #expect(same === newer)
        cache.finish(newer, for: "/p", with: .success(nil))
        #expect(try await same.wait() == nil, "a render that made no page hands the waiting requests nothing")
        guard case .render(let failing) = cache.lookupOrRender("/p", in: SiteState(revision: 2, nextChange: nil)) else {
            Issue.record("after a render without a page, the next request renders again")
            return
        }
        cache.finish(failing, for: "/p", with: .failure(GalleyError(.unavailable, "down")))
        await #expect(throws: GalleyError(.unavailable, "down"), "the waiting requests fail as the render did") {
            try await failing.wait()
        }
        guard case .render(let cancelled) = cache.lookupOrRender("/p", in: SiteState(revision: 2, nextChange: nil)) else {
            Issue.record("a failed render keeps nothing")
            return
        }
        cache.finish(cancelled, for: "/p", with: .failure(CancellationError()))
        #expect(try await cancelled.wait() == nil, "a render cancelled with its request leaves the others to make the page")
        #expect(cache.statistics.misses == 4)
        #expect(cache.statistics.waits == 6)
    }

    /// After a write, the requests for one page that arrive while it is being rendered get that
    /// render, not one each.
    @Test func concurrentRequestsForAMissingPageShareOneRender() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        let cache = ResponseCache(budget: WebConfiguration.defaultCacheBudget)
        let answers = try await Self.concurrentGets(8, of: "/posts/first", blog: blog, cache: cache)
        #expect(blog.store.postReads == 1, "the post was read once for 8 requests")
        #expect(cache.statistics.misses == 1)
        #expect(Set(answers.map(\.status)) == [.ok])
        #expect(Set(answers.map(\.etag)).count == 1, "one page, one ETag")
        #expect(Set(answers.map(\.bytes)).count == 1)
    }

    /// When the one render fails (the database cannot be reached), the requests waiting for it
    /// answer with that failure at once instead of trying the database one after another.
    @Test func concurrentRequestsShareTheRendersFailure() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        blog.store.postsFail.store(true, ordering: .relaxed)
        let answers = try await Self.concurrentGets(4, of: "/posts/first", blog: blog, cache: ResponseCache(budget: WebConfiguration.defaultCacheBudget))
        #expect(answers.map(\.status) == Array(repeating: .serviceUnavailable, count: 4))
        #expect(blog.store.postReads == 1, "the database was tried once for 4 requests")
    }

    /// `count` GETs of `path` at once, through a router over `blog` and `cache`, with the store
    /// holding reads of a post until all but the one rendering wait for that render.
    private static func concurrentGets(
        _ count: Int, of path: String, blog: ResponseCacheTests.Fixture, cache: ResponseCache
    ) async throws -> [(status: HTTPResponse.Status, etag: String?, bytes: Int)] {
        let router = try await buildRouter(
            site: blog.site, store: blog.store, cache: cache, watcher: SiteWatcher(store: blog.store, clock: blog.site.clock),
            proxies: .none, metrics: SiteMetrics(cache: cache, databaseConnections: { [:] }), metricsAccess: .loopback,
            uploadLimit: WebConfiguration.defaultUploadLimit
        )
        blog.store.postGate.close()
        return try await Application(router: router).test(.router) { client in
            try await withThrowingTaskGroup(of: (status: HTTPResponse.Status, etag: String?, bytes: Int).self) { group in
                for _ in 0..<count {
                    group.addTask {
                        let answer = try await client.get(path)
                        return (answer.status, answer.headers[.eTag], answer.body.utf8.count)
                    }
                }
                // Generous: under a sanitizer with the whole suite beside it, reaching the cache
                // took more than 10 s.
                let deadline = ContinuousClock.now + .seconds(90)
                while cache.statistics.waits < count - 1, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(cache.statistics.waits == count - 1)
                blog.store.postGate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
    }

    @Test func anEntryBiggerThanTheBudgetIsNotKept() {
        let cache = ResponseCache(budget: 500)
        cache.store(Self.response(bytes: 1000), for: "/big", in: generation)
        #expect(cache.statistics.entries == 0)
    }

    @Test func replacingAKeyKeepsOneEntry() {
        let cache = ResponseCache(budget: 1 << 20)
        cache.store(Self.response(bytes: 10), for: "/", in: generation)
        cache.store(Self.response(bytes: 20), for: "/", in: generation)
        #expect(cache.statistics.entries == 1)
        #expect(cache.lookup("/", in: generation)?.identity.readableBytes == 20)
    }

    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("deflate, gzip;q=0.5", true), ("*", true), ("x-gzip", true),
        ("gzip;q=0", false), ("gzip; q=0.000", false), ("*;q=0", false), ("identity", false), ("", false), ("br, *;q=0, gzip;q=0", false),
        ("*, gzip;q=0", false),
    ])
    func acceptEncoding(header: String, accepts: Bool) {
        #expect(ContentCoding.acceptsGzip([header]) == accepts)
    }

    @Test(arguments: [
        ("/", "/"),
        ("/posts/a?", "/posts/a"),
        ("/tags/swift?page=2&utm_source=x", "/tags/swift?page=2"),
        ("/api/v1/posts?per_page=5&page=2", "/api/v1/posts?page=2&per_page=5"),
        ("/?%70age=3", "/"),
        ("/tags/rust?pag%65=99", "/tags/rust"),
        ("/api/v1/posts?per%5Fpage=5", "/api/v1/posts"),
        ("/?page=%39", "/?page=9"),
        ("/?page=1%26per_page%3D5", "/?page=1%26per%5Fpage%3D5"),
        ("/?ref=a&ref=b", "/"),
    ])
    func cacheKeysKeepOnlyWhatPagesRead(target: String, key: String) {
        #expect(ResponseCacheMiddleware.key(target: target) == key)
    }

    @Test func entityTagsCompareWeakly() {
        #expect(EntityTag.matches("\"a\"", ifNoneMatch: ["\"b\", W/\"a\""]))
        #expect(EntityTag.matches("\"a\"", ifNoneMatch: ["\"b\"", "\"a\""]))
        #expect(!EntityTag.matches("\"a\"", ifNoneMatch: ["\"ab\""]))
        #expect(!EntityTag.matches("\"a\"", ifNoneMatch: []))
    }
}

/// A memory store that counts every call, to prove a cache hit asks it nothing.
final class CountingStore: PublicOnlyStore {
    let inner = MemoryStore()
    private let count = Atomic<Int>(0)
    private let stateReads = Atomic<Int>(0)
    private let postCount = Atomic<Int>(0)
    /// Holds reads of a post while closed.
    let postGate = Gate()
    /// Reads of a post fail as with a database that cannot be reached.
    let postsFail = Atomic<Bool>(false)

    /// Every read, the site state's included.
    var reads: Int { count.load(ordering: .relaxed) }
    /// Reads of pages' content: what a cache hit must not make. A live server's watcher also
    /// reads the site state once a second in the background, whatever the requests.
    var pageReads: Int { reads - stateReads.load(ordering: .relaxed) }
    /// Reads of a post by its slug.
    var postReads: Int { postCount.load(ordering: .relaxed) }
    var localChanges: LocalChanges { inner.localChanges }
    var connectionCounts: [String: Int] { [:] }

    private func counted<T>(_ call: () async throws -> T) async rethrows -> T {
        count.add(1, ordering: .relaxed)
        return try await call()
    }

    func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult {
        await inner.savePost(draft, rendered: rendered, at: now)
    }
    func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) async throws -> Page<PostSummary> {
        await counted { await inner.publishedPosts(request, tagged: tag, at: now) }
    }
    func publishedArchive(at now: Date) async throws -> [ArchiveEntry] { await counted { await inner.publishedArchive(at: now) } }
    func publishedPost(slug: Slug, at now: Date) async throws -> Post? {
        postCount.add(1, ordering: .relaxed)
        await postGate.pass()
        if postsFail.load(ordering: .relaxed) { throw GalleyError(.unavailable, "the database is not reachable") }
        return await counted { await inner.publishedPost(slug: slug, at: now) }
    }
    func post(slug: Slug) async throws -> Post? { await counted { await inner.post(slug: slug) } }
    func revisions(ofPost id: Int64) async throws -> [Revision] { await counted { await inner.revisions(ofPost: id) } }
    func siteState(at now: Date) async throws -> SiteState {
        stateReads.add(1, ordering: .relaxed)
        return await counted { await inner.siteState(at: now) }
    }
    func allSlugs() async throws -> [Slug] { await counted { await inner.allSlugs() } }
    func setting(_ key: String) async throws -> String? { await counted { await inner.setting(key) } }
    func setSetting(_ key: String, to value: String) async throws { await inner.setSetting(key, to: value) }
    func checkHealth() async throws { await counted { await inner.checkHealth() } }
    func search(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> {
        await counted { await inner.search(query, page: page, at: now) }
    }
    func publicTags(at now: Date) async throws -> [TagCount] { await counted { await inner.publicTags(at: now) } }
    func adjacentPosts(to post: Post, at now: Date) async throws -> AdjacentPosts { await counted { await inner.adjacentPosts(to: post, at: now) } }
    func relatedPosts(to post: Post, limit: Int, at now: Date) async throws -> [PostSummary] {
        await counted { await inner.relatedPosts(to: post, limit: limit, at: now) }
    }
    func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) async throws -> [Post] {
        await counted { await inner.latestPosts(limit: limit, tagged: tag, at: now) }
    }
}

/// Holds whoever passes while it is closed, until it opens.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiting: [CheckedContinuation<Void, Never>])>((true, []))

    func close() {
        state.withLock { $0.isOpen = false }
    }

    func open() {
        let waiting = state.withLock { state in
            state.isOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func pass() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen { state.waiting.append(continuation) }
                return state.isOpen
            }
            if isOpen { continuation.resume() }
        }
    }
}
