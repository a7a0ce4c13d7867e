import Foundation
import GalleyCore
import GalleyWeb
import HummingbirdTesting
import Testing

@Suite struct APITests {
    struct List: Decodable {
        struct Item: Decodable {
            let slug: String
            let title: String
            let url: String
            let published_at: String
            let tags: [TagItem]
            let reading_time_minutes: Int
        }
        let posts: [Item]
        let page: Int
        let per_page: Int
        let total: Int
        let total_pages: Int
    }

    struct TagItem: Decodable {
        let name: String
        let slug: String
    }

    struct Detail: Decodable {
        let slug: String
        let html: String
        let markdown: String
        let table_of_contents: [Heading]
        struct Heading: Decodable {
            let level: Int
            let id: String
            let title: String
        }
    }

    @Test func listsPostsPagedWithTotals() async throws {
        let blog = TestBlog()
        for n in 1...25 { try await blog.publish("p-\(n)", daysAgo: Double(30 - n), tags: ["x"]) }
        try await blog.test { client in
            let response = try await client.get("/api/v1/posts")
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let first = try JSONDecoder().decode(List.self, from: Data(response.body.utf8))
            #expect(first.posts.count == 10)
            #expect(first.page == 1)
            #expect(first.per_page == 10)
            #expect(first.total == 25)
            #expect(first.total_pages == 3)
            #expect(first.posts.first?.slug == "p-25")
            #expect(first.posts.first?.url == "https://blog.example.com/posts/p-25")
            #expect(first.posts.first?.tags.map(\.slug) == ["x"])

            let big = try JSONDecoder().decode(List.self, from: Data(try await client.get("/api/v1/posts?per_page=100").body.utf8))
            #expect(big.posts.count == 25)
            #expect(big.total_pages == 1)

            let last = try JSONDecoder().decode(List.self, from: Data(try await client.get("/api/v1/posts?page=3&per_page=10").body.utf8))
            #expect(last.posts.map(\.slug) == (1...5).reversed().map { "p-\($0)" })
        }
    }

    @Test func showsOnePostWithHTMLAndMarkdown() async throws {
        let blog = TestBlog()
        try await blog.publish("one", source: "# Heading\n\nSome *text*.\n")
        try await blog.test { client in
            let detail = try JSONDecoder().decode(Detail.self, from: Data(try await client.get("/api/v1/posts/one").body.utf8))
            #expect(detail.slug == "one")
            #expect(detail.markdown == "# Heading\n\nSome *text*.\n")
            #expect(detail.html.contains("<em>text</em>"))
            #expect(detail.table_of_contents.map(\.id) == ["heading"])
        }
    }
}
