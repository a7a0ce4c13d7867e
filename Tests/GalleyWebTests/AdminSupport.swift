import Foundation
import GalleyCore
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Synchronization
import Testing

/// A blog with an admin: users made with a cheap bcrypt cost (verification time follows the
/// hash's cost, so tests stay fast), a clock the test moves, and a browser-like client.
struct AdminBlog {
    /// On a whole minute, as the editor's date field is.
    static let now = Date(timeIntervalSince1970: 1_750_000_020)
    static let password = "correct horse battery"

    let store = MemoryStore()
    let clock = MovableClock(AdminBlog.now)
    var uploadLimit = 64 * 1024
    var baseURL = "https://blog.example.com"

    var site: SiteConfiguration {
        SiteConfiguration(baseURL: baseURL, title: "Admin Blog", clock: { [clock] in clock.now })
    }

    @discardableResult
    func user(_ email: String, role: Role = .admin, totp: String? = nil) async throws -> User {
        try await store.createUser(User(
            email: email, name: email.split(separator: "@")[0].capitalized, role: role,
            passwordHash: Bcrypt.hash(Self.password, cost: 4), totpSecret: totp, createdAt: Self.now
        ))
    }

    func test(_ body: @Sendable (Browser) async throws -> Void) async throws {
        let router = try await buildRouter(site: site, store: store, uploadLimit: uploadLimit)
        try await Application(router: router).test(.router) { client in
            try await body(Browser(client: client))
        }
    }
}

/// Keeps cookies between requests, as a browser does, and reads forms' CSRF fields.
final class Browser: Sendable {
    let client: any TestClientProtocol
    private let jar = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        var location: String? { headers[.location] }

        /// The value of the first hidden `_csrf` field.
        var csrf: String {
            guard let range = body.range(of: #"name="_csrf" value=""#) else { return "" }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }

        func cookie(_ name: String) -> String? {
            headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
        }
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    func forget(_ name: String) {
        jar.withLock { _ = $0.removeValue(forKey: name) }
    }

    func request(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> Page {
        var headers = headers
        let cookieHeader = jar.withLock { $0.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        jar.withLock { jar in
            for line in page.headers[values: .setCookie] {
                let pair = line.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || line.contains("Max-Age=0") { jar[String(pair[0])] = nil } else { jar[String(pair[0])] = value }
            }
        }
        return page
    }

    func get(_ uri: String) async throws -> Page {
        try await request(uri, method: .get)
    }

    func post(_ uri: String, _ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> Page {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await request(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Signs in through the form, as a person would, after dropping any session this browser
    /// had (the sign-in page sends a signed-in browser on to the admin).
    @discardableResult
    func signIn(_ email: String, password: String = AdminBlog.password) async throws -> Page {
        forget("galley_session")
        let form = try await get("/admin/login")
        return try await post("/admin/login", [("_csrf", form.csrf), ("email", email), ("password", password), ("next", "/admin")])
    }

    /// The session's CSRF token, read from a signed-in page.
    func csrf() async throws -> String {
        try await get("/admin/posts/new").csrf
    }

    /// Saves the editor's form for `postID` (nil: a new post) and returns the response.
    func save(
        _ postID: Int64?, title: String, source: String, version: Int?, status: String = "draft", slug: String = "",
        publishAt: String = "", unpublishAt: String = "", tags: String = ""
    ) async throws -> Page {
        let token = try await csrf()
        return try await post(postID.map { "/admin/posts/\($0)" } ?? "/admin/posts", [
            ("_csrf", token), ("title", title), ("slug", slug), ("tags", tags), ("summary", ""), ("status", status),
            ("publish_at", publishAt), ("unpublish_at", unpublishAt), ("source", source), ("version", version.map(String.init) ?? ""), ("action", "save"),
        ])
    }
}

extension String {
    /// The id in `/admin/posts/12?notice=saved`.
    var postID: Int64? {
        guard let range = range(of: "/admin/posts/") else { return nil }
        return Int64(self[range.upperBound...].prefix { $0.isNumber })
    }
}
