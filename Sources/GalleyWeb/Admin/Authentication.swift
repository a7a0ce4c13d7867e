import Foundation
import GalleyCore
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOPosix

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}

/// Sessions as cookies: the browser holds a random token, the database its hash.
struct Sessions: Sendable {
    static let cookieName = "galley_session"
    /// The double-submit token of the forms shown before anyone is signed in (sign-in, setup).
    static let formCookieName = "galley_form"
    /// A session's last-seen time is written at most this often, not on every request.
    static let touchInterval: TimeInterval = 60

    let store: any Store
    let site: SiteConfiguration
    var clock: @Sendable () -> Date { site.clock }

    /// Starts a session for `user` (always a new token, so a token planted before sign-in is
    /// useless after it) and returns the cookie that carries it.
    func start(for user: User, awaitingSecondFactor: Bool, context: AppRequestContext) async throws -> (Session, Cookie) {
        let token = Secret.token()
        let now = clock()
        let session = Session(
            tokenHash: Secret.sha256(token), userID: user.id, csrfToken: Secret.token(),
            awaitingSecondFactor: awaitingSecondFactor, createdAt: now, lastSeenAt: now
        )
        try await store.createSession(session)
        return (session, cookie(Self.cookieName, token, maxAge: Int(Session.absoluteLifetime), context: context))
    }

    /// The signed-in session and user of a request, if its cookie names a live one.
    func resume(_ request: Request) async throws -> (Session, User)? {
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else { return nil }
        let now = clock()
        guard var session = try await store.session(tokenHash: Secret.sha256(token)) else { return nil }
        guard session.isValid(at: now) else {
            try await store.deleteSession(tokenHash: session.tokenHash)
            return nil
        }
        guard let user = try await store.user(id: session.userID), !user.disabled else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            session.lastSeenAt = now
            try await store.updateSession(session)
        }
        return (session, user)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, context: AppRequestContext) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/",
            // The site's own scheme when it names https; a trusted proxy's X-Forwarded-Proto otherwise.
            secure: site.baseURL.hasPrefix("https://") || context.scheme == "https", httpOnly: true, sameSite: .lax
        )
    }

    func expired(_ name: String, context: AppRequestContext) -> Cookie {
        cookie(name, "", maxAge: 0, context: context)
    }
}

/// Reads the session cookie on admin routes and, for everything but the sign-in pages, requires
/// a signed-in user: a page asked for by GET redirects to the sign-in form; anything else is a
/// 403. Every state-changing request must carry the session's CSRF token, in the `_csrf` field
/// of its form or the `X-CSRF-Token` header.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: Sessions
    /// Paths that work signed out (sign-in, setup) or half signed in (the second factor).
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let (session, user) = try await sessions.resume(request) {
            context.session = session
            context.user = user
            context.logger[metadataKey: "user"] = "\(user.id)"
        }
        if openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let session = context.session, !session.awaitingSecondFactor else {
            if request.method == .get || request.method == .head {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                let target = context.session == nil ? AdminPath.login : AdminPath.secondFactor
                return .redirect(to: target + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), type: .normal)
            }
            throw GalleyError(.forbidden, "sign in first")
        }
        var request = request
        if !request.method.isSafe {
            try await CSRF.check(&request, expected: session.csrfToken)
        }
        return try await next(request, context)
    }
}

enum CSRF {
    /// Throws a 403 unless the request carries `expected`, in the header or the form.
    static func check(_ request: inout Request, expected: String) async throws {
        let sent: String?
        if let header = request.headers[.csrfToken] {
            sent = header
        } else if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            // The route reads the form again with its own limit, which may be smaller.
            sent = try await Form.read(&request, limit: Form.postLimit)["_csrf"]
        } else {
            sent = nil
        }
        guard let sent, Secret.equal(sent, expected) else {
            throw GalleyError(.forbidden, "this form has expired or did not come from this site; reload the page and try again")
        }
    }
}

extension HTTPRequest.Method {
    var isSafe: Bool { self == .get || self == .head || self == .options }
}

/// bcrypt off the event loops: a hash at cost 12 takes about a quarter of a second of CPU.
enum Passwords {
    static let cost: UInt8 = 12
    /// A hash of nothing anyone knows, checked when the account does not exist, so that a wrong
    /// email takes as long as a wrong password.
    static let decoy = Bcrypt.hash("galley decoy password", cost: cost)

    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(password, hash: hash ?? decoy) && hash != nil
        }
    }
}

/// The admin's URLs.
enum AdminPath {
    static let root = "/admin"
    static let login = "/admin/login"
    static let secondFactor = "/admin/login/code"
    static let logout = "/admin/logout"
    static let setup = "/admin/setup"
    static let newPost = "/admin/posts/new"
    static let preview = "/admin/preview"
    static let media = "/admin/media"
    static let account = "/admin/account"
    static func post(_ id: Int64) -> String { "/admin/posts/\(id)" }
    static func revisions(_ id: Int64) -> String { "/admin/posts/\(id)/revisions" }

    /// Where to go after signing in: only a path of the admin itself, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/admin"), !next.hasPrefix("//"), !next.contains("\\") else { return root }
        return next
    }
}
