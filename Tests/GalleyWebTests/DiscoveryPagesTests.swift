import Foundation
import GalleyCore
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DiscoveryPagesTests {
    /// Two public posts, one draft and one scheduled post, each sharing the tag "swift".
    func blogWithSecrets() async throws -> TestBlog {
        let blog = TestBlog()
        try await blog.publish("older-post", title: "Older post about actors", daysAgo: 5, tags: ["swift", "actors"], source: "Actors isolate state. See [the next one](/posts/newer-post) and ![chart](/media/chart.png).\n")
        try await blog.publish("newer-post", title: "Newer post about actors", daysAgo: 2, tags: ["swift"], source: "More about actors and isolation.\n")
        try await blog.publish("hidden-draft", title: "Hidden draft about actors", daysAgo: 3, tags: ["swift", "drafts-only"], status: .draft, source: "Draft text about actors.\n")
        try await blog.publish("future-post", title: "Future post about actors", daysAgo: -1, tags: ["swift", "future-only"], source: "Scheduled text about actors.\n")
        return blog
    }

    @Test func draftsAndScheduledPostsLeakThroughNoSurface() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let surfaces = [
                "/feed.xml", "/rss.xml", "/feed.json", "/tags/swift/feed.xml", "/tags/swift/rss.xml", "/tags/swift/feed.json",
                "/search?q=actors", "/api/v1/search?q=actors", "/sitemap.xml", "/tags", "/posts/older-post", "/posts/newer-post",
                "/", "/archive", "/tags/swift", "/api/v1/posts",
            ]
            for path in surfaces {
                let response = try await client.get(path)
                #expect(response.status == .ok, "\(path)")
                for secret in ["hidden-draft", "Hidden draft", "future-post", "Future post", "drafts-only", "future-only"] {
                    #expect(!response.body.contains(secret), "\(path) leaks \(secret)")
                }
            }
            let tags = try await client.get("/tags").body
            #expect(tags.contains(#"<a href="/tags/swift">swift <span class="count">2</span></a>"#), "the tag count ignores hidden posts")
            for path in ["/tags/drafts-only/feed.xml", "/tags/future-only/feed.json"] {
                #expect(try await client.get(path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func feedsCarryFullContentWithAbsoluteURLs() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let atom = try await client.get("/feed.xml")
            #expect(atom.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(atom.body.contains("<id>https://blog.example.com/posts/older-post</id>"))
            #expect(atom.body.contains(#"<link rel="self" type="application/atom+xml" href="https://blog.example.com/feed.xml"/>"#))
            #expect(atom.body.contains("href=&quot;https://blog.example.com/posts/newer-post&quot;"))
            #expect(atom.body.contains("src=&quot;https://blog.example.com/media/chart.png&quot;"))
            #expect(atom.body.contains("<published>2025-06-10T15:06:40Z</published>"))

            let rss = try await client.get("/rss.xml")
            #expect(rss.headers[.contentType] == "application/rss+xml; charset=utf-8")
            #expect(rss.body.contains("<pubDate>Tue, 10 Jun 2025 15:06:40 +0000</pubDate>"))
            #expect(rss.body.contains(#"<guid isPermaLink="true">https://blog.example.com/posts/older-post</guid>"#))

            let json = try await client.get("/tags/actors/feed.json")
            #expect(json.headers[.contentType] == "application/feed+json; charset=utf-8")
            let feed = try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any]
            #expect(feed?["version"] as? String == "https://jsonfeed.org/version/1.1")
            #expect(feed?["feed_url"] as? String == "https://blog.example.com/tags/actors/feed.json")
            #expect((feed?["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["https://blog.example.com/posts/older-post"])
        }
    }

    @Test func everyPageAdvertisesTheFeedsAndTagPagesTheirOwn() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let home = try await client.get("/").body
            #expect(home.contains(#"<link rel="alternate" type="application/atom+xml" title="Test Blog (Atom)" href="https://blog.example.com/feed.xml">"#))
            #expect(home.contains(#"type="application/feed+json""#))
            let tag = try await client.get("/tags/actors").body
            #expect(tag.contains(#"href="https://blog.example.com/tags/actors/rss.xml""#))
        }
    }

    @Test func searchPageMarksMatchesAndPreservesTheQuery() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let empty = try await client.get("/search")
            #expect(empty.status == .ok)
            #expect(empty.body.contains("Search every post"))
            let page = try await client.get("/search?q=isolation")
            #expect(page.body.contains("1 post matches “isolation”."))
            #expect(page.body.contains("<mark>isolation</mark>"))
            #expect(page.body.contains(#"value="isolation""#))
            #expect(page.body.contains(#"<meta name="robots" content="noindex">"#))
            let none = try await client.get("/search?q=%3Cscript%3E")
            #expect(none.body.contains("No posts match “&lt;script&gt;”."))
            #expect(!none.body.contains("<script>"))
        }
    }

    @Test(arguments: [
        ("/api/v1/search", 400, "q must not be empty"),
        ("/api/v1/search?q=%20", 400, "q must not be empty"),
        ("/api/v1/search?q=" + String(repeating: "a", count: 201), 400, "q must be at most 200 characters, got 201"),
        ("/api/v1/search?q=actors&page=0", 400, "page must be a positive integer, got '0'"),
        ("/api/v1/search?q=actors&page=9", 404, "page 9 is past the last page (1)"),
    ])
    func badSearchInputIsAClearClientError(path: String, status: Int, message: String) async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let response = try await client.get(path)
            #expect(response.status.code == status)
            #expect(try ErrorBody(response.body).error.message == message)
        }
    }

    @Test func searchAPIAnswersWithRankedResults() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            for odd in ["%22", "*", "AND%20(", "%F0%9F%8E%89", "NEAR(x", "a%22b"] {
                #expect(try await client.get("/api/v1/search?q=\(odd)").status == .ok, "\(odd)")
            }
            let body = try await client.get("/api/v1/search?q=actor").body
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let results = json?["results"] as? [[String: Any]] ?? []
            #expect(json?["total"] as? Int == 2)
            #expect(results.compactMap { ($0["post"] as? [String: Any])?["slug"] as? String }.sorted() == ["newer-post", "older-post"])
            #expect((results.first?["snippet"] as? String)?.contains("<mark>") == true)
        }
    }

    @Test func postPagesLinkNeighboursAndRelatedPostsWithSocialMetadata() async throws {
        let blog = try await blogWithSecrets()
        try await blog.publish("unrelated", daysAgo: 10)
        try await blog.test { client in
            let body = try await client.get("/posts/older-post").body
            #expect(body.contains(#"<a class="newer" rel="next" href="/posts/newer-post">"#))
            #expect(body.contains(#"<a class="older" rel="prev" href="/posts/unrelated">"#))
            #expect(body.contains(#"<h2 id="related-heading">Related posts</h2>"#))
            #expect(body.contains(#"<li><a href="/posts/newer-post">Newer post about actors</a>"#))
            #expect(!body.contains(#"<li><a href="/posts/unrelated">"#))
            #expect(body.contains(#"<meta property="og:type" content="article">"#))
            #expect(body.contains(#"<meta property="og:image" content="https://blog.example.com/media/chart.png">"#))
            #expect(body.contains(#"<meta name="twitter:card" content="summary_large_image">"#))
            #expect(body.contains(#"<meta property="article:published_time" content="2025-06-10T15:06:40Z">"#))
            let jsonLD = try #require(body.firstMatch(of: /<script type="application\/ld\+json">(.*)<\/script>/)?.1)
            let data = try JSONSerialization.jsonObject(with: Data(jsonLD.utf8)) as? [String: Any]
            #expect(data?["@type"] as? String == "BlogPosting")
            #expect(data?["headline"] as? String == "Older post about actors")
            #expect(data?["datePublished"] as? String == "2025-06-10T15:06:40Z")
        }
    }

    @Test func structuredDataCannotCloseItsScriptElement() async throws {
        let blog = TestBlog()
        try await blog.publish("tricky", title: "</script><script>alert(1)</script>")
        try await blog.test { client in
            let body = try await client.get("/posts/tricky").body
            #expect(!body.contains("</script><script>alert(1)"))
            #expect(body.contains(#"\u003c/script>"#))
        }
    }

    @Test func archiveGroupsByYearAndMonth() async throws {
        let blog = TestBlog()
        try await blog.publish("june", daysAgo: 1)
        try await blog.publish("may", daysAgo: 40)
        try await blog.test { client in
            let body = try await client.get("/archive").body
            #expect(body.contains(#"<h3 class="archive-month">June</h3>"#))
            #expect(body.contains(#"<h3 class="archive-month">May</h3>"#))
        }
    }

    @Test func sitemapAndRobotsPointSearchEnginesAtPublicPages() async throws {
        let blog = try await blogWithSecrets()
        try await blog.test { client in
            let sitemap = try await client.get("/sitemap.xml")
            #expect(sitemap.headers[.contentType] == "application/xml; charset=utf-8")
            #expect(sitemap.body.contains("<url><loc>https://blog.example.com/posts/older-post</loc><lastmod>"))
            #expect(sitemap.body.contains("<url><loc>https://blog.example.com/tags/actors</loc></url>"))
            let robots = try await client.get("/robots.txt").body
            #expect(robots.contains("Sitemap: https://blog.example.com/sitemap.xml"))
        }
    }
}
