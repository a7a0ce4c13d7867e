import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route's security headers, checked in one place: public answers (pages, errors, feeds,
/// search, health, media, assets) carry the public set, admin answers the admin's, and no
/// answer names a version.
@Suite struct SecurityHeadersTests {
    static let publicPaths = [
        "/", "/?page=2", "/posts/first", "/posts/nope", "/tags", "/tags/t", "/tags/t/feed.xml", "/archive", "/search", "/search?q=text",
        "/feed.xml", "/feed.json", "/rss.xml", "/sitemap.xml", "/robots.txt", "/api/v1/posts", "/api/v1/posts/first", "/api/v1/search?q=text",
        "/api/v1/nothing", "/healthz", "/readyz", "/metrics", "/no/such/page", "/media/nothing.png",
    ]

    func checkPublic(_ headers: HTTPFields, _ path: String) {
        #expect(headers[.contentSecurityPolicy] == PublicHeaders.contentSecurityPolicy, "\(path)")
        #expect(headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path)")
        #expect(headers[.xContentTypeOptions] == "nosniff", "\(path)")
        #expect(headers[.referrerPolicy] == "strict-origin-when-cross-origin", "\(path)")
        #expect(headers[.xFrameOptions] == "DENY", "\(path)")
        #expect(headers[.strictTransportSecurity] == PublicHeaders.hsts, "\(path): the site is https")
        #expect(headers[.server].map { !$0.contains(where: \.isNumber) } ?? true, "\(path): no version")
    }

    @Test func everyPublicAnswerCarriesThePublicHeadersMissOrHit() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        try await blog.test { client in
            for path in Self.publicPaths {
                for _ in 0..<2 {
                    let response = try await client.get(path)
                    #expect(response.status.code < 500, "\(path)")
                    checkPublic(response.headers, path)
                }
            }
            try await client.execute(uri: "/", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                checkPublic(response.headers, "POST /")
            }
        }
    }

    @Test func overPlainHTTPThereIsNoHSTS() async throws {
        let router = try await buildRouter(site: SiteConfiguration(baseURL: "http://127.0.0.1:8080"), store: MemoryStore())
        try await Application(router: router).test(.router) { client in
            for path in ["/", "/nope", "/admin/login"] {
                let headers = try await client.get(path).headers
                #expect(headers[.strictTransportSecurity] == nil, "\(path)")
            }
        }
    }

    @Test func everyAdminAnswerIsUncachedUnframedAndItsCookiesLocked() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            func check(_ page: Browser.Page, _ path: String) {
                #expect(page.headers[.cacheControl] == "no-store", "\(path)")
                #expect(page.headers[.contentSecurityPolicy] == AdminHeaders.contentSecurityPolicy, "\(path)")
                #expect(page.headers[.xFrameOptions] == "DENY", "\(path)")
                #expect(page.headers[.referrerPolicy] == "same-origin", "\(path)")
                #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(page.headers[.strictTransportSecurity] == PublicHeaders.hsts, "\(path)")
                for cookie in page.headers[values: .setCookie] {
                    #expect(cookie.contains("; HttpOnly") && cookie.contains("; Secure") && cookie.contains("SameSite=Lax"), "\(path): \(cookie)")
                }
            }
            var pages = [("/admin signed out", try await browser.get("/admin")), ("/admin/login", try await browser.get("/admin/login"))]
            pages.append(("sign-in", try await browser.signIn("ada@example.com")))
            for path in ["/admin", "/admin/posts", "/admin/posts/new", "/admin/media", "/admin/settings", "/admin/users", "/admin/account", "/admin/nope"] {
                pages.append((path, try await browser.get(path)))
            }
            let token = try await browser.csrf()
            pages.append(("sign-out", try await browser.post("/admin/logout", [("_csrf", token)])))
            for (path, page) in pages { check(page, path) }
        }
    }
}
