import Foundation
import GalleyCore
import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What an imported post brings to the public site: its old addresses answer 301, and its
/// bylines are on the page, in every feed and in the structured data.
@Suite struct ImportedPostTests {
    func importedBlog() async throws -> TestBlog {
        let blog = TestBlog()
        let draft = PostDraft(
            slug: try Slug("moved-in"), title: "Moved in", source: "Words.\n", tags: .named(["Rust"]),
            publishedAt: TestBlog.now.addingTimeInterval(-86_400 * 30), updatedAt: TestBlog.now.addingTimeInterval(-86_400 * 20),
            bylines: ["Ada Lovelace", "Grace Hopper"],
            origin: PostOrigin(source: "_posts/2024-01-01-moved-in.md", aliases: ["/2024/01/01/moved-in", "/tags/rust/feed"])
        )
        try await PostWriter(store: blog.store).save(draft)
        var hidden = draft
        hidden.slug = try Slug("unpublished")
        hidden.status = .draft
        hidden.origin = PostOrigin(source: "_drafts/unpublished.md", aliases: ["/drafts/unpublished"])
        try await PostWriter(store: blog.store).save(hidden)
        return blog
    }

    @Test func aWordPressPostsNumberAnswersAtTheHomePage() async throws {
        let blog = try await importedBlog()
        var numbered = PostDraft(slug: try Slug("numbered"), title: "Numbered", source: "From WordPress.\n", publishedAt: TestBlog.now.addingTimeInterval(-86_400))
        numbered.origin = PostOrigin(source: "wordpress:42", aliases: ["/2023/03/numbered", "/?p=42"])
        try await PostWriter(store: blog.store).save(numbered)
        try await blog.test { client in
            let home = try await client.get("/")
            #expect(home.status == .ok)
            for _ in 0..<2 {
                // Twice: the second would be the cache's answer if the number did not split it.
                let response = try await client.get("/?p=42")
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/posts/numbered")
            }
            #expect(try await client.get("/?p=43").status == .notFound)
            #expect(try await client.get("/?p=abc").status == .notFound)
            #expect(try await client.get("/?utm_source=x").body == home.body, "other parameters are the same page")
        }
    }

    @Test func oldAddressesAnswerAPermanentRedirect() async throws {
        let blog = try await importedBlog()
        try await blog.test { client in
            for path in ["/2024/01/01/moved-in/", "/2024/01/01/moved-in", "/2024/01/01/moved-in.html", "/2024/01/01/moved-in/index.html"] {
                let response = try await client.get(path)
                #expect(response.status == .movedPermanently, "\(path)")
                #expect(response.headers[.location] == "/posts/moved-in", "\(path)")
            }
            let head = try await client.execute(uri: "/2024/01/01/moved-in/", method: .head) { $0.status }
            #expect(head == .movedPermanently)
            // Not for a draft, nor for an address that was never one, nor for other methods.
            #expect(try await client.get("/drafts/unpublished").status == .notFound)
            #expect(try await client.get("/2024/01/01/other/").status == .notFound)
            let post = try await client.execute(uri: "/2024/01/01/moved-in/", method: .post) { $0.status }
            #expect(post != .movedPermanently)
        }
    }

    @Test func bylinesAreOnThePageAndInEveryFeed() async throws {
        let blog = try await importedBlog()
        try await blog.test { client in
            let page = try await client.get("/posts/moved-in")
            #expect(page.body.contains("By Ada Lovelace and Grace Hopper"))
            #expect(page.body.contains(#""author":[{"@type":"Person","name":"Ada Lovelace"},{"@type":"Person","name":"Grace Hopper"}]"#))
            // The import's own dates: updated twenty days ago, not at the import.
            #expect(page.body.contains(#"updated <time datetime="2025-05-26"#))
            let atom = try await client.get("/feed.xml").body
            #expect(atom.contains("<author><name>Ada Lovelace</name></author>\n<author><name>Grace Hopper</name></author>"))
            let rss = try await client.get("/rss.xml").body
            #expect(rss.contains("<dc:creator>Ada Lovelace</dc:creator>"))
            let json = try await client.get("/feed.json").body
            #expect(json.contains(#""authors":[{"name":"Ada Lovelace"},{"name":"Grace Hopper"}]"#))
        }
    }
}
