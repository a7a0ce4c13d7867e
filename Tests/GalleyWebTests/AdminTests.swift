import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct SignInTests {
    @Test func signedOutPagesRedirectToTheSignInFormAndWritesAreRefused() async throws {
        try await AdminBlog().test { browser in
            let list = try await browser.get("/admin?filter=drafts")
            #expect(list.status == .seeOther)
            #expect(list.location == "/admin/login?next=%2Fadmin%3Ffilter%3Ddrafts")
            let write = try await browser.post("/admin/posts", [("title", "x")])
            #expect(write.status == .forbidden)
            let login = try await browser.get("/admin/login")
            #expect(login.status == .ok)
            #expect(login.body.contains(#"<form method="post" action="/admin/login""#))
            #expect(login.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            #expect(login.headers[.init("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            #expect(login.headers[.init("Referrer-Policy")!] == "same-origin")
            #expect(login.headers[.cacheControl] == "no-store")
        }
    }

    @Test func theSetupLinkCreatesTheFirstAdminOnceAndExpires() async throws {
        let blog = AdminBlog()
        let path = try #require(try await FirstRunSetup.issue(store: blog.store, at: AdminBlog.now))
        try await blog.test { browser in
            let form = try await browser.get(path)
            #expect(form.status == .ok)
            let token = String(path.split(separator: "=").last!)
            var fields = [("_csrf", form.csrf), ("token", token), ("email", "ada@example.com"), ("name", "Ada"), ("password", "short"), ("password2", "short")]
            let weak = try await browser.post("/admin/setup", fields)
            #expect(weak.status == .badRequest)
            #expect(weak.body.contains("at least 10 characters"))
            fields[4].1 = AdminBlog.password
            fields[5].1 = AdminBlog.password
            let forged = try await browser.post("/admin/setup", fields.map { $0.0 == "_csrf" ? ($0.0, "forged") : $0 })
            #expect(forged.status == .forbidden)
            let created = try await browser.post("/admin/setup", fields)
            #expect(created.status == .seeOther)
            #expect(created.location == "/admin")
            #expect(try await browser.get("/admin").status == .ok)
            #expect(await blog.store.users().map(\.role) == [.admin])
            #expect(try await browser.get(path).status == .notFound, "a used link is dead")
            let again = try await FirstRunSetup.issue(store: blog.store, at: AdminBlog.now)
            #expect(again == nil, "no link once a user exists")
        }
        let late = AdminBlog()
        let expiring = try #require(try await FirstRunSetup.issue(store: late.store, at: AdminBlog.now))
        late.clock.advance(by: FirstRunSetup.lifetime + 1)
        try await late.test { browser in
            let page = try await browser.get(expiring)
            #expect(page.status == .notFound)
        }
    }

    @Test func aFailedSignInSaysNothingAboutWhichPartWasWrong() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            let wrongPassword = try await browser.signIn("ada@example.com", password: "not the password")
            let noSuchUser = try await browser.signIn("nobody@example.com", password: "not the password")
            #expect(wrongPassword.status == .unauthorized)
            #expect(noSuchUser.status == .unauthorized)
            let message = "That email and password do not match an account."
            #expect(wrongPassword.body.contains(message) && noSuchUser.body.contains(message))
            #expect(browser.cookies["galley_session"] == nil)
        }
    }

    @Test func sessionsAreNewAtEverySignInSecureOverHTTPSAndEndAtSignOut() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            let first = try await browser.signIn("ada@example.com")
            #expect(first.status == .seeOther)
            let cookie = try #require(first.cookie("galley_session"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"))
            #expect(try await browser.get("/admin/login").location == "/admin", "signed in: on to the admin")
            // A token planted in the browser before sign-in (session fixation) is replaced.
            browser.forget("galley_session")
            let form = try await browser.request("/admin/login", method: .get, headers: [.cookie: "galley_session=planted"])
            _ = try await browser.request("/admin/login", method: .post, headers: [
                .cookie: "galley_session=planted; galley_form=\(browser.cookies["galley_form"] ?? "")",
                .contentType: "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "_csrf=\(form.csrf)&email=ada%40example.com&password=correct+horse+battery"))
            let token = try #require(browser.cookies["galley_session"])
            #expect(token != "planted" && token.count >= 43, "256 bits, base64url")
            let csrf = try await browser.csrf()
            let out = try await browser.post("/admin/logout", [("_csrf", csrf)])
            #expect(out.status == .seeOther)
            #expect(browser.cookies["galley_session"] == nil)
            #expect(try await browser.get("/admin").status == .seeOther)
        }
    }

    @Test func aSignedOutSessionTokenNoLongerWorks() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let token = try #require(browser.cookies["galley_session"])
            let csrf = try await browser.csrf()
            _ = try await browser.post("/admin/logout", [("_csrf", csrf)])
            let replay = try await browser.request("/admin", method: .get, headers: [.cookie: "galley_session=\(token)"])
            #expect(replay.status == .seeOther, "the server forgot the session, not only the browser")
        }
    }

    @Test func sessionsExpireWhenIdle() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            #expect(try await browser.get("/admin").status == .ok)
            blog.clock.advance(by: Session.idleLifetime + 1)
            #expect(try await browser.get("/admin").status == .seeOther)
        }
    }

    @Test func signInsAreRateLimitedPerAccount() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            for _ in 0..<5 {
                #expect(try await browser.signIn("ada@example.com", password: "wrong password!").status == .unauthorized)
            }
            let limited = try await browser.signIn("ada@example.com")
            #expect(limited.status == .tooManyRequests, "even the right password waits")
            let wait = try #require(limited.headers[.retryAfter].flatMap(Int.init))
            #expect(wait > 0 && wait <= 900)
            blog.clock.advance(by: TimeInterval(wait))
            #expect(try await browser.signIn("ada@example.com").status == .seeOther)
        }
    }

    @Test func aSecondFactorIsAskedForAndRecoveryCodesWorkOnce() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let account = try await browser.get("/admin/account")
            let secretRange = try #require(account.body.range(of: #"name="secret" value=""#))
            let secret = String(account.body[secretRange.upperBound...].prefix { $0 != "\"" })
            let code = String(format: "%06d", TOTP(secret: secret).compute(date: blog.clock.now))
            let enabled = try await browser.post("/admin/account/2fa", [("_csrf", account.csrf), ("secret", secret), ("code", code)])
            #expect(enabled.status == .ok)
            let recovery = enabled.body.components(separatedBy: "<li><code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
            #expect(recovery.count == 10)

            _ = try await browser.post("/admin/logout", [("_csrf", try await browser.csrf())])
            let password = try await browser.signIn("ada@example.com")
            #expect(password.location?.hasPrefix("/admin/login/code") == true)
            #expect(try await browser.get("/admin").location?.hasPrefix("/admin/login/code") == true, "half signed in is not signed in")
            let form = try await browser.get("/admin/login/code")
            #expect(try await browser.post("/admin/login/code", [("_csrf", form.csrf), ("code", "000000")]).status == .unauthorized)
            let recovered = try await browser.post("/admin/login/code", [("_csrf", form.csrf), ("code", recovery[0]), ("next", "/admin")])
            #expect(recovered.status == .seeOther)
            #expect(try await browser.get("/admin").status == .ok)
            #expect(await blog.store.user(email: "ada@example.com")?.recoveryCodeHashes.count == 9, "used up")
        }
    }
}

@Suite struct EditorTests {
    @Test func everyWriteNeedsTheSessionsCSRFToken() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let fields = [("title", "Hello"), ("source", "Hi"), ("status", "draft")]
            #expect(try await browser.post("/admin/posts", fields).status == .forbidden)
            #expect(try await browser.post("/admin/posts", fields + [("_csrf", "wrong")]).status == .forbidden)
            let upload = try await browser.request("/admin/media", method: .post, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: AdminTestImages.png))
            #expect(upload.status == .forbidden)
            #expect(try await browser.save(nil, title: "Hello", source: "Hi", version: nil).status == .seeOther)
        }
    }

    @Test func savingCreatesRevisionsAndAStaleCopyGetsAConflictScreen() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let created = try await browser.save(nil, title: "Shared post", source: "First words.", version: nil)
            let id = try #require(created.location?.postID)
            let editor = try await browser.get("/admin/posts/\(id)")
            #expect(editor.body.contains("First words."))
            #expect(editor.body.contains(#"name="version" value="1""#))
            #expect(try await browser.save(id, title: "Shared post", source: "Tab one's words.", version: 1).status == .seeOther)
            let stale = try await browser.save(id, title: "Shared post", source: "Tab two's words.", version: 1)
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("Tab one&#39;s words.") || stale.body.contains("Tab one&#x27;s words.") || stale.body.contains("Tab one's words."))
            #expect(stale.body.contains("Tab two"))
            #expect(stale.body.contains(#"name="version" value="2""#), "saving again from here is a deliberate overwrite")
            #expect(await blog.store.post(id: id)?.source == "Tab one's words.")
            #expect(await blog.store.revisions(ofPost: id).count == 2)
        }
    }

    @Test func theEditorWorksWithoutJavaScriptIncludingPreview() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let token = try await browser.csrf()
            let preview = try await browser.post("/admin/posts", [
                ("_csrf", token), ("title", "Draft"), ("source", "```python\nprint(1)\n```\n"), ("status", "draft"), ("action", "preview"),
            ])
            #expect(preview.status == .ok)
            #expect(preview.body.contains(#"<pre class="highlight"><code class="language-python""#))
            #expect(await blog.store.postListings(.all, matching: "", authorID: nil, limit: 10, at: blog.clock.now).isEmpty, "a preview saves nothing")
            let live = try await browser.post("/admin/preview", [("source", "# Hi\n\n```swift\nlet x = 1\n```")], headers: [.init("X-CSRF-Token")!: token])
            #expect(live.body.contains(#"class="language-swift""#))
            #expect(live.body.contains("<span class=\"kd\">let</span>"))
            let invalid = try await browser.post("/admin/posts", [("_csrf", token), ("title", "  "), ("source", "Words I typed"), ("status", "draft")])
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.contains("Words I typed"), "the author's words come back with the reason")
        }
    }

    @Test func aScheduledPostAppearsOnPublicPagesAtItsTimeAndNotBefore() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let due = blog.clock.now.addingTimeInterval(3600)
            let field = DateFormatter.utcField.string(from: due)
            let saved = try await browser.save(nil, title: "Later", source: "Soon.", version: nil, status: "published", slug: "later", publishAt: field)
            #expect(saved.status == .seeOther)
            let list = try await browser.get("/admin?filter=scheduled")
            #expect(list.body.contains("Later"))
            #expect(try await browser.get("/posts/later").status == .notFound)
            #expect(try await browser.get("/").body.contains("Later") == false)
            blog.clock.advance(by: 3599)
            #expect(try await browser.get("/posts/later").status == .notFound, "not a second early")
            blog.clock.advance(by: 1)
            #expect(try await browser.get("/posts/later").status == .ok)
            #expect(try await browser.get("/").body.contains("Later"))
        }
    }

    @Test func anUnpublishTimeTakesThePostDownAtItsSecondAndTheEditorShowsIt() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let publish = DateFormatter.utcField.string(from: blog.clock.now.addingTimeInterval(-60))
            let end = blog.clock.now.addingTimeInterval(3600)
            let unpublish = DateFormatter.utcField.string(from: end)
            let early = try await browser.save(nil, title: "Offer", source: "Cheap.", version: nil, status: "published", slug: "offer", publishAt: publish, unpublishAt: publish)
            #expect(early.status == .badRequest)
            #expect(early.body.contains("must be later than"))
            let garbled = try await browser.save(nil, title: "Offer", source: "Cheap.", version: nil, status: "published", slug: "offer", unpublishAt: "soon")
            #expect(garbled.status == .badRequest)
            #expect(garbled.body.contains("The unpublish date must look like"))

            let saved = try await browser.save(nil, title: "Offer", source: "Cheap.", version: nil, status: "published", slug: "offer", publishAt: publish, unpublishAt: unpublish)
            #expect(saved.status == .seeOther)
            let editor = try await browser.get(try #require(saved.location))
            #expect(editor.body.contains(#"name="unpublish_at" type="datetime-local" value="\#(unpublish)""#))
            #expect(try await blog.store.post(slug: Slug("offer"))?.expiresAt == end)
            #expect(try await browser.get("/posts/offer").status == .ok)
            blog.clock.advance(by: 3599)
            #expect(try await browser.get("/").body.contains("Offer"))
            blog.clock.advance(by: 1)
            #expect(try await browser.get("/posts/offer").status == .notFound)
            #expect(try await browser.get("/").body.contains("Offer") == false)
            #expect(try await browser.get("/admin?filter=all").body.contains("state-expired"))
        }
    }

    @Test func changingAPublishedSlugKeepsAPermanentRedirect() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let past = DateFormatter.utcField.string(from: blog.clock.now.addingTimeInterval(-60))
            let id = try #require(try await browser.save(nil, title: "Old", source: "x", version: nil, status: "published", slug: "old-name", publishAt: past).location?.postID)
            #expect(try await browser.get("/posts/old-name").status == .ok)
            #expect(try await browser.save(id, title: "Old", source: "x", version: 1, status: "published", slug: "new-name", publishAt: past).status == .seeOther)
            let moved = try await browser.get("/posts/old-name")
            #expect(moved.status == .movedPermanently)
            #expect(moved.location == "/posts/new-name")
            #expect(try await browser.get("/posts/new-name").status == .ok)
            #expect(try await browser.save(nil, title: "Other", source: "y", version: nil, slug: "new-name").status == .conflict)
        }
    }

    @Test func authorsChangeOnlyTheirOwnPostsAndEditorsAny() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com", role: .author)
        try await blog.user("bob@example.com", role: .author)
        try await blog.user("eve@example.com", role: .editor)
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let id = try #require(try await browser.save(nil, title: "Ada's", source: "mine", version: nil).location?.postID)
            try await browser.signIn("bob@example.com")
            #expect(try await browser.get("/admin/posts/\(id)").status == .forbidden)
            #expect(try await browser.save(id, title: "Bob was here", source: "x", version: 1).status == .forbidden)
            #expect(try await browser.get("/admin").body.contains("Ada&#39;s") == false)
            #expect(try await browser.get("/admin").body.contains("Ada's") == false)
            let token = try await browser.csrf()
            #expect(try await browser.post("/admin/posts/\(id)/trash", [("_csrf", token)]).status == .forbidden)
            try await browser.signIn("eve@example.com")
            #expect(try await browser.get("/admin/posts/\(id)").status == .ok)
            #expect(try await browser.save(id, title: "Ada's, edited", source: "edited", version: 1).status == .seeOther)
        }
    }

    @Test func trashRestoreAndPurge() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let past = DateFormatter.utcField.string(from: blog.clock.now.addingTimeInterval(-60))
            let id = try #require(try await browser.save(nil, title: "Doomed", source: "x", version: nil, status: "published", slug: "doomed", publishAt: past).location?.postID)
            let token = try await browser.csrf()
            #expect(try await browser.post("/admin/posts/\(id)/trash", [("_csrf", token)]).location == "/admin?filter=trash&notice=trashed")
            #expect(try await browser.get("/posts/doomed").status == .notFound)
            #expect(try await browser.get("/admin?filter=trash").body.contains("Doomed"))
            #expect(try await browser.post("/admin/posts/\(id)/restore", [("_csrf", token)]).status == .seeOther)
            #expect(await blog.store.post(id: id)?.trashedAt == nil)
            #expect(try await browser.post("/admin/posts/\(id)/purge", [("_csrf", token)]).status == .conflict, "only from the trash")
            _ = try await browser.post("/admin/posts/\(id)/trash", [("_csrf", token)])
            #expect(try await browser.post("/admin/posts/\(id)/purge", [("_csrf", token)]).status == .seeOther)
            #expect(await blog.store.post(id: id) == nil)
        }
    }

    @Test func revisionsShowADiffAndRestoreAsANewRevision() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let id = try #require(try await browser.save(nil, title: "History", source: "one\ntwo\nthree", version: nil).location?.postID)
            _ = try await browser.save(id, title: "History", source: "one\n2\nthree", version: 1)
            let page = try await browser.get("/admin/posts/\(id)/revisions")
            #expect(page.body.contains("Revision 1 → 2"))
            #expect(page.body.contains(#"<span class="diff-removed">− two"#))
            #expect(page.body.contains(#"<span class="diff-added">+ 2"#))
            let restored = try await browser.post("/admin/posts/\(id)/revisions/1/restore", [("_csrf", page.csrf)])
            #expect(restored.status == .seeOther)
            let revisions = await blog.store.revisions(ofPost: id)
            #expect(revisions.map(\.number) == [1, 2, 3])
            #expect(revisions.last?.source == "one\ntwo\nthree")
            #expect(await blog.store.post(id: id)?.source == "one\ntwo\nthree")
            #expect(try await browser.get("/admin/posts/\(id)/revisions?from=1&to=abc").status == .badRequest)
        }
    }

    @Test func autosavesAreKeptCoalescedAndOfferedBack() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let token = try await browser.csrf()
            let csrf: HTTPFields = [.init("X-CSRF-Token")!: token]
            let first = try await browser.post("/admin/posts/autosave", [("title", "Typed"), ("source", "a")], headers: csrf)
            #expect(first.status == .ok)
            let id = try #require(first.body.postID)
            for text in ["a b", "a b c"] {
                _ = try await browser.post("/admin/posts/\(id)/autosave", [("title", "Typed"), ("source", text)], headers: csrf)
            }
            let revisions = await blog.store.revisions(ofPost: id)
            #expect(revisions.map(\.kind) == [.save, .autosave])
            #expect(revisions.last?.source == "a b c")
            #expect(await blog.store.post(id: id)?.status == .draft)
            let editor = try await browser.get("/admin/posts/\(id)")
            #expect(editor.body.contains("has words that are not saved"))
            let loaded = try await browser.get("/admin/posts/\(id)?autosave=2")
            #expect(loaded.body.contains(">a b c</textarea>"))
        }
    }
}

@Suite struct UploadTests {
    @Test func imagesAreCheckedByContentStoredByHashAndServedImmutable() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let token = try await browser.csrf()
            func upload(_ bytes: [UInt8], type: String = "image/png", name: String = "diagram%20one.png") async throws -> Browser.Page {
                try await browser.request("/admin/media", method: .post, headers: [
                    .contentType: type, .init("X-CSRF-Token")!: token, .init("X-File-Name")!: name,
                ], body: ByteBuffer(bytes: bytes))
            }
            let created = try await upload(AdminTestImages.png)
            #expect(created.status == .created)
            let sha = AdminTestImages.pngSHA256
            #expect(created.body.contains(#""markdown":"![diagram one](/media/\#(sha).png)""#))
            #expect(try await upload(AdminTestImages.png).status == .ok, "the same bytes are stored once")
            let served = try await browser.get("/media/\(sha).png")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(served.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(Array(served.body.utf8).count > 0)
            #expect(try await browser.get("/media/\(sha).gif").status == .notFound)
            #expect(try await browser.get("/media/nothing.png").status == .notFound)

            // SVG is kept as it came, script and all, and served so that nothing in it can run.
            let drawing = Array(#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.utf8)
            let svg = try await upload(drawing, type: "image/png", name: "d.svg")
            #expect(svg.status == .created)
            let svgPath = "/media/\(Media.sha256(of: drawing)).svg"
            #expect(svg.body.contains(svgPath))
            let servedSVG = try await browser.get(svgPath)
            #expect(servedSVG.headers[.contentType] == "image/svg+xml")
            #expect(servedSVG.headers[.contentSecurityPolicy]?.contains("sandbox") == true)
            #expect(servedSVG.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(Array(servedSVG.body.utf8) == drawing)
            let entities = try await upload(Array(#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>"#.utf8), type: "image/svg+xml")
            #expect(entities.status == .badRequest)
            #expect(entities.body.contains("DOCTYPE declares entities"))
            #expect(try await upload(Array("just text".utf8), type: "image/jpeg").status == .badRequest, "the claimed type is not believed")
            let big = try await upload(AdminTestImages.png + [UInt8](repeating: 0, count: 70 * 1024))
            #expect(big.status == .contentTooLarge)
            #expect(try await browser.get("/admin/media").body.contains("/media/\(sha).png"))
        }
    }
}

enum AdminTestImages {
    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
    static let pngSHA256 = "4ff6ab670a58c14270e034e2090d9a432caa263a14e0a25785386b0c12f880b5"
}

extension DateFormatter {
    static var utcField: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter
    }
}

@Suite struct SettingsTests {
    @Test func adminsChangeTheSiteAndEveryPageShowsItAtOnce() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.user("eve@example.com", role: .editor)
        try await blog.test { browser in
            #expect(try await browser.get("/").body.contains("<title>Admin Blog</title>"), "cached before the change")
            try await browser.signIn("eve@example.com")
            #expect(try await browser.get("/admin/settings").status == .forbidden)
            try await browser.signIn("ada@example.com")
            let form = try await browser.get("/admin/settings")
            #expect(form.body.contains(#"value="https://blog.example.com""#))
            func save(_ url: String, perPage: String = "5") async throws -> Browser.Page {
                try await browser.post("/admin/settings", [
                    ("_csrf", form.csrf), ("title", "Renamed"), ("description", "New words."), ("author", "Ada"),
                    ("base_url", url), ("posts_per_page", perPage), ("raw_html", "sanitized"),
                ])
            }
            let bad = try await save("ftp://example.com")
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains(#"value="ftp://example.com""#), "what was typed comes back")
            #expect(try await save("https://example.org", perPage: "0").status == .badRequest)
            #expect(try await save("https://example.org/").status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.body.contains("<title>Renamed</title>"))
            #expect(home.body.contains(#"<link rel="canonical" href="https://example.org/">"#))
            #expect(try await SiteSettings.load(from: blog.store)?.postsPerPage == 5)
        }
    }

    @Test func theRawHTMLSettingRendersEveryPostAgainAndTheEditorFollowsIt() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        let source = "Press <kbd>Ctrl</kbd> <script>alert(1)</script>\n"
        let post = try await PostWriter(store: blog.store, clock: { AdminBlog.now }).save(PostDraft(
            slug: Slug("keys"), title: "Keys", source: source, publishedAt: AdminBlog.now
        )).post
        try await RenderingUpgrade(store: blog.store).run()
        try await blog.test { browser in
            #expect(
                try await browser.get("/posts/keys").body.contains("Press <kbd>Ctrl</kbd> &lt;script&gt;alert(1)&lt;/script&gt;"),
                "sanitized: kept, and the script shown as text by GFM's tag filter"
            )
            try await browser.signIn("ada@example.com")
            let form = try await browser.get("/admin/settings")
            #expect(form.body.contains(#"<option value="sanitized" selected>"#), "serve's default until an admin chooses")
            func choose(_ mode: String) async throws -> Browser.Page {
                try await browser.post("/admin/settings", [
                    ("_csrf", form.csrf), ("title", "Admin Blog"), ("description", "Words."), ("author", ""),
                    ("base_url", "https://blog.example.com"), ("posts_per_page", "10"), ("raw_html", mode),
                ])
            }
            #expect(try await choose("everything").status == .badRequest)
            let escaped = try await choose("escaped")
            #expect(escaped.location == "/admin/settings?notice=saved&rendered=1")
            #expect(try await browser.get(escaped.location!).body.contains("1 post was rendered again with raw HTML escaped."))
            #expect(try await browser.get("/posts/keys").body.contains("Press &lt;kbd&gt;Ctrl&lt;/kbd&gt; &lt;script&gt;alert(1)&lt;/script&gt;"))
            let preview = try await browser.post(AdminPath.preview, [("_csrf", form.csrf), ("source", "<sup>2</sup>")])
            #expect(preview.body.contains("&lt;sup&gt;2&lt;/sup&gt;"), "the preview renders as the site does")
            let stored = try #require(await blog.store.post(id: post.id))
            #expect(stored.version == post.version && stored.updatedAt == post.updatedAt, "only the rendering changed")
            #expect(try await RenderingUpgrade.recordedRawHTML(in: blog.store) == .escaped)

            #expect(try await choose("omitted").location == "/admin/settings?notice=saved&rendered=1")
            #expect(try await browser.get("/posts/keys").body.contains("Press <!-- raw HTML omitted -->Ctrl"), "omitted: the tags go, their text stays")
            #expect(try await choose("omitted").location == "/admin/settings?notice=saved", "no change, nothing rendered")
        }
    }
}

@Suite struct UsersPageTests {
    @Test func adminsAddAndDisableUsersAndNobodyElseCan() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let page = try await browser.get("/admin/users")
            let add = [("_csrf", page.csrf), ("email", "bob@example.com"), ("name", "Bob"), ("role", "author"), ("password", AdminBlog.password)]
            #expect(try await browser.post("/admin/users", add).status == .seeOther)
            #expect(try await browser.post("/admin/users", add).status == .conflict, "an email is one account")
            let bob = try #require(await blog.store.user(email: "bob@example.com"))
            #expect(bob.role == .author && bob.passwordHash.hasPrefix("$2b$12$"), "bcrypt at cost 12")
            let ada = try #require(await blog.store.user(email: "ada@example.com"))
            #expect(try await browser.post("/admin/users/\(ada.id)/disable", [("_csrf", page.csrf)]).status == .conflict)

            let bobBrowser = Browser(client: browser.client)
            #expect(try await bobBrowser.signIn("bob@example.com").status == .seeOther)
            #expect(try await bobBrowser.get("/admin/users").status == .forbidden)
            #expect(try await browser.post("/admin/users/\(bob.id)/disable", [("_csrf", page.csrf)]).status == .seeOther)
            #expect(try await bobBrowser.get("/admin").status == .seeOther, "disabling ends the sessions")
            #expect(try await bobBrowser.signIn("bob@example.com").status == .unauthorized)
        }
    }
}

/// Behind a TLS proxy the site's base URL may say http; the proxy's `X-Forwarded-Proto` decides
/// `Secure`, and only from a trusted proxy.
@Suite struct ProxySchemeTests {
    func sessionCookie(trusting proxies: TrustedProxies, forwardedProto: String?) async throws -> String {
        var blog = AdminBlog()
        blog.baseURL = "http://blog.internal"
        try await blog.user("ada@example.com")
        let app = try await buildApplication(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, site: blog.site, trustedProxies: proxies),
            store: blog.store, logger: Logger(label: "test")
        )
        return try await app.test(.live) { client in
            let browser = Browser(client: client)
            let form = try await browser.get("/admin/login")
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let forwardedProto { headers[.init("X-Forwarded-Proto")!] = forwardedProto }
            let body = "_csrf=\(form.csrf)&email=ada%40example.com&password=correct+horse+battery"
            let page = try await browser.request("/admin/login", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(page.status == .seeOther)
            return page.cookie("galley_session") ?? ""
        }
    }

    @Test func aTrustedProxysHTTPSMakesTheCookieSecure() async throws {
        let loopback = try #require(TrustedProxies(parsing: "127.0.0.1"))
        #expect(try await sessionCookie(trusting: loopback, forwardedProto: "https").contains("Secure"))
        #expect(try await sessionCookie(trusting: loopback, forwardedProto: nil).contains("Secure") == false)
        #expect(try await sessionCookie(trusting: .none, forwardedProto: "https").contains("Secure") == false, "an untrusted peer's header is ignored")
    }
}

/// Bodies over a route's limit are a 413 with a message, never a 500 (a 5 MiB form once was).
@Suite struct BodyLimitTests {
    @Test func aSignInFormOverItsLimitIs413() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            let form = try await browser.get("/admin/login")
            for size in [100 << 10, 5 << 20] {
                let page = try await browser.post("/admin/login", [("_csrf", form.csrf), ("email", "ada@example.com"), ("password", String(repeating: "p", count: size))])
                #expect(page.status == .contentTooLarge, "\(size) bytes")
                #expect(page.body.contains("this form can be at most 64 KB"), "\(page.body.prefix(300))")
            }
        }
    }

    @Test func aPostFormOverItsLimitIs413AndOneUnderItIsSaved() async throws {
        let blog = AdminBlog()
        try await blog.user("ada@example.com")
        try await blog.test { browser in
            try await browser.signIn("ada@example.com")
            let long = try await browser.save(nil, title: "Long", source: String(repeating: "word ", count: 200_000), version: nil)
            #expect(long.status == .seeOther || long.status == .found, "a 1 MB post is fine: \(long.status)")
            let huge = try await browser.save(nil, title: "Huge", source: String(repeating: "word ", count: 1_100_000), version: nil)
            #expect(huge.status == .contentTooLarge)
            #expect(huge.body.contains("this form can be at most 4.0 MB"))
        }
    }

    /// A streamed body has no length to refuse it by: it is refused once the limit is passed.
    @Test func aChunkedBodyOverTheLimitIsTooLarge() async throws {
        let chunks = (0..<100).map { _ in ByteBuffer(repeating: UInt8(ascii: "a"), count: 1024) }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/admin/login", headerFields: [.contentType: "application/x-www-form-urlencoded"]),
            body: RequestBody(asyncSequence: chunks.async)
        )
        await #expect(throws: GalleyError(.tooLarge, "this form can be at most 64 KB; it was larger")) { try await Form.read(request) }
    }

    @Test func hummingbirdsOwnClientErrorsKeepTheirStatus() {
        #expect(Failure(NIOTooManyBytesError(maxBytes: 1024), path: "/admin/media").status == .contentTooLarge)
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence, for a streamed request body.
    fileprivate var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
