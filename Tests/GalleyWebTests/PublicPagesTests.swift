import Foundation
import GalleyCore
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PublicPagesTests {
    @Test func indexShowsTenNewestPostsAPageWithOlderAndNewerLinks() async throws {
        let blog = TestBlog()
        for n in 1...12 { try await blog.publish("post-\(n)", daysAgo: Double(20 - n)) }
        try await blog.test { client in
            let first = try await client.get("/")
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "text/html; charset=utf-8")
            #expect(first.body.components(separatedBy: "<article class=\"post-card\">").count - 1 == 10)
            #expect(first.body.range(of: "post-12")!.lowerBound < first.body.range(of: "post-11")!.lowerBound)
            #expect(!first.body.contains("/posts/post-2\""))
            #expect(first.body.contains(#"<a class="older" rel="next" href="/?page=2">"#))
            #expect(!first.body.contains("rel=\"prev\""))
            #expect(first.body.contains("<title>Test Blog</title>"))
            #expect(first.body.contains(#"<link rel="canonical" href="https://blog.example.com/">"#))

            let second = try await client.get("/?page=2")
            #expect(second.body.components(separatedBy: "<article class=\"post-card\">").count - 1 == 2)
            #expect(second.body.contains(#"<a class="newer" rel="prev" href="/">"#))
            #expect(second.body.contains("<title>Page 2 — Test Blog</title>"))
            #expect(second.body.contains(#"<link rel="canonical" href="https://blog.example.com/?page=2">"#))
        }
    }

    @Test func anEmptyBlogHasAnEmptyFirstPage() async throws {
        try await TestBlog().test { client in
            let response = try await client.get("/")
            #expect(response.status == .ok)
            #expect(response.body.contains("No posts yet"))
        }
    }

    @Test func postPageShowsTheRenderedPostWithItsMetadata() async throws {
        let blog = TestBlog()
        try await blog.publish("hello", title: "Hello <World>", tags: ["Swift"], source: """
            Intro with `code`.

            ## One
            ## Two
            ## Three

            ```swift
            let x = 1
            ```
            """)
        try await blog.test { client in
            let response = try await client.get("/posts/hello")
            #expect(response.status == .ok)
            #expect(response.body.contains("<title>Hello &lt;World&gt; — Test Blog</title>"))
            #expect(response.body.contains("<h1>Hello &lt;World&gt;</h1>"))
            #expect(response.body.contains(#"<meta name="description" content="Intro with code.">"#))
            #expect(response.body.contains(#"<link rel="canonical" href="https://blog.example.com/posts/hello">"#))
            #expect(response.body.contains(#"<pre class="highlight"><code class="language-swift" data-lang="swift"><span class="kd">let</span> <span class="n">x</span>"#))
            #expect(response.body.contains(#"<h2 id="two">"#))
            #expect(response.body.contains(#"<nav class="toc""#))
            #expect(response.body.contains(#"<a href="/tags/swift">Swift</a>"#))
            #expect(response.body.contains(#"<time datetime="2025-06-14T15:06:40Z">14 June 2025</time>"#))
        }
    }

    @Test func postsWithFewHeadingsHaveNoOutline() async throws {
        let blog = TestBlog()
        try await blog.publish("short", source: "## Only one\n\nText.\n")
        try await blog.test { client in
            let body = try await client.get("/posts/short").body
            #expect(!body.contains("class=\"toc\""))
        }
    }

    @Test func tagPagesListThePostsWithThatTag() async throws {
        let blog = TestBlog()
        try await blog.publish("a", tags: ["Server Side"])
        try await blog.publish("b", tags: ["other"])
        try await blog.test { client in
            let response = try await client.get("/tags/server-side")
            #expect(response.status == .ok)
            #expect(response.body.contains("<h1>Server Side</h1>"))
            #expect(response.body.contains("/posts/a\""))
            #expect(!response.body.contains("/posts/b\""))
            #expect(response.body.contains("1 post"))
            #expect(try await client.get("/tags/nothing").status == .notFound)
            #expect(try await client.get("/tags/Not%20A%20Slug").status == .notFound)
        }
    }

    @Test func archiveGroupsEveryPostByYear() async throws {
        let blog = TestBlog()
        try await blog.publish("recent", daysAgo: 1)
        try await blog.publish("older", daysAgo: 400)
        try await blog.publish("oldest", daysAgo: 800)
        try await blog.test { client in
            let body = try await client.get("/archive").body
            #expect(body.contains(#"<h2 id="year-2025">2025 <span class="count">1 post</span></h2>"#))
            #expect(body.contains(#"<h2 id="year-2024">2024"#))
            #expect(body.contains(#"<h2 id="year-2023">2023"#))
            #expect(body.contains("3 posts"))
        }
    }

    @Test func draftsAndScheduledPostsAppearNowherePublic() async throws {
        let blog = TestBlog()
        try await blog.publish("visible", tags: ["t"])
        try await blog.publish("secret-draft", tags: ["t"], status: .draft)
        try await blog.publish("scheduled", daysAgo: -0.5, tags: ["t", "future-only"])
        try await blog.test { client in
            for path in ["/", "/archive", "/tags/t", "/api/v1/posts"] {
                let body = try await client.get(path).body
                #expect(body.contains("visible"), "\(path)")
                #expect(!body.contains("secret-draft"), "\(path)")
                #expect(!body.contains("scheduled"), "\(path)")
            }
            for path in ["/posts/secret-draft", "/posts/scheduled", "/api/v1/posts/secret-draft", "/api/v1/posts/scheduled", "/tags/future-only"] {
                #expect(try await client.get(path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func aScheduledPostPublishesItselfWhenItsTimeComes() async throws {
        let store = MemoryStore()
        let due = TestBlog.now.addingTimeInterval(3600)
        try await PostWriter(store: store).save(PostDraft(slug: try Slug("soon"), title: "Soon", source: "x", publishedAt: due))
        let before = SiteConfiguration(clock: { due.addingTimeInterval(-1) })
        let after = SiteConfiguration(clock: { due })
        try await TestBlog.test(store: store, site: before) { client in
            let response = try await client.get("/posts/soon")
            #expect(response.status == .notFound)
        }
        try await TestBlog.test(store: store, site: after) { client in
            let response = try await client.get("/posts/soon")
            let index = try await client.get("/")
            #expect(response.status == .ok)
            #expect(index.body.contains("/posts/soon"))
        }
    }

    @Test func themeAssetsAreFingerprintedAndCachedForAYear() async throws {
        try await TestBlog().test { client in
            let page = try await client.get("/").body
            let href = try #require(page.firstMatch(of: /href="(\/assets\/style\.[0-9a-f]{10}\.css)"/)?.1)
            let css = try await client.get(String(href))
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(css.body.contains("prefers-color-scheme: dark"))
            let etag = try #require(css.headers[.eTag])
            #expect(try await client.get(String(href), headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.get("/assets/style.css").status == .notFound)
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let blog = TestBlog()
        try await blog.publish("hello")
        try await blog.test { client in
            try await client.execute(uri: "/posts/hello", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }
}
