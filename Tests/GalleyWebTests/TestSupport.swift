import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A blog in memory with a clock the test controls.
struct TestBlog {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    let store: MemoryStore
    let site: SiteConfiguration

    init(now: Date = TestBlog.now, postsPerPage: Int = 10) {
        store = MemoryStore()
        site = SiteConfiguration(baseURL: "https://blog.example.com", title: "Test Blog", description: "Posts for tests.", postsPerPage: postsPerPage, clock: { now })
    }

    @discardableResult
    func publish(
        _ slug: String, title: String? = nil, daysAgo: Double = 1, tags: [String] = [],
        status: PostStatus = .published, source: String? = nil
    ) async throws -> Post {
        let draft = PostDraft(
            slug: try Slug(slug), title: title ?? "Title of \(slug)", summary: "",
            source: source ?? "Text of \(slug).\n", tags: .named(tags), status: status,
            publishedAt: Self.now.addingTimeInterval(-daysAgo * 86_400)
        )
        return try await PostWriter(store: store).save(draft).post
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Self.test(store: store, site: site, body)
    }

    static func test(store: some Store, site: SiteConfiguration, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = try await buildRouter(site: site, store: store)
        try await Application(router: router).test(.router, body)
    }
}

extension TestClientProtocol {
    /// GET a path and hand back status, headers and body as text.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Decodes `{"error": {...}}`.
struct ErrorBody: Decodable {
    struct Detail: Decodable {
        let status: Int
        let code: String
        let message: String
        let request_id: String
    }
    let error: Detail

    init(_ text: String) throws {
        self = try JSONDecoder().decode(ErrorBody.self, from: Data(text.utf8))
    }
}

/// A test store that only serves the public site: the editor's, users' and media's calls fail.
protocol PublicOnlyStore: Store {}

struct NotInThisTest: Error {}

extension PublicOnlyStore {
    func post(id: Int64) async throws -> Post? { throw NotInThisTest() }
    func savePost(_ edit: PostEdit, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult { throw NotInThisTest() }
    func autosave(postID: Int64, title: String, source: String, userID: Int64?, at now: Date) async throws -> Revision { throw NotInThisTest() }
    func revision(ofPost id: Int64, number: Int?) async throws -> Revision? { throw NotInThisTest() }
    func postListings(_ filter: PostFilter, matching: String, authorID: Int64?, limit: Int, at now: Date) async throws -> [PostListing] {
        throw NotInThisTest()
    }
    func setTrashed(postID: Int64, _ trashed: Bool, at now: Date) async throws { throw NotInThisTest() }
    func purgePost(id: Int64) async throws { throw NotInThisTest() }
    func redirect(from slug: Slug) async throws -> Slug? { nil }
    func slugRedirects() async throws -> [Int64: [Slug]] { throw NotInThisTest() }
    func aliasTarget(_ path: String, at now: Date) async throws -> Slug? { nil }
    func importedSlugs() async throws -> [String: Slug] { throw NotInThisTest() }
    func takenSlugs() async throws -> Set<Slug> { throw NotInThisTest() }
    func saveImported(_ posts: [ImportedPost], at now: Date) async throws -> ImportedBatch { throw NotInThisTest() }
    func createUser(_ user: User) async throws -> User { throw NotInThisTest() }
    func user(id: Int64) async throws -> User? { throw NotInThisTest() }
    func user(email: String) async throws -> User? { throw NotInThisTest() }
    func users() async throws -> [User] { throw NotInThisTest() }
    func updateUser(_ user: User) async throws { throw NotInThisTest() }
    func createSession(_ session: Session) async throws { throw NotInThisTest() }
    func session(tokenHash: String) async throws -> Session? { throw NotInThisTest() }
    func updateSession(_ session: Session) async throws { throw NotInThisTest() }
    func deleteSession(tokenHash: String) async throws { throw NotInThisTest() }
    func deleteSessions(userID: Int64) async throws { throw NotInThisTest() }
    func saveMedia(_ media: Media) async throws -> Bool { throw NotInThisTest() }
    func media(sha256: String) async throws -> Media? { throw NotInThisTest() }
    func mediaList() async throws -> [MediaInfo] { throw NotInThisTest() }
}
