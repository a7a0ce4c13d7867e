import Foundation
@testable import GalleyCore
import GalleyMarkdown
import Testing

/// `galley export`: every post in every state, its media, revisions and the settings, as files.
@Suite struct BlogExporterTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]

    /// A blog with a post in every state, an import's origin, a changed slug, media and settings.
    func blog() async throws -> (MemoryStore, Media) {
        let store = MemoryStore()
        let writer = PostWriter(store: store, clock: { Self.now })
        let media = Media(sha256: Media.sha256(of: Self.png), kind: .png, bytes: Self.png, originalName: "a.png", uploadedBy: nil, createdAt: Self.now)
        _ = await store.saveMedia(media)
        let day: TimeInterval = 86_400
        var published = PostDraft(
            slug: try Slug("first"), title: "First: a \"quoted\" title", summary: "Said first.",
            source: "Text with ![a figure](\(media.path)) and [a link](https://example.com\(media.path)).\n\n```\n\(media.path)\n```\n",
            tags: .named(["Swift", "Server Side"]), status: .published, publishedAt: Self.now.addingTimeInterval(-10 * day),
            expiresAt: Self.now.addingTimeInterval(100 * day), updatedAt: Self.now.addingTimeInterval(-9 * day), bylines: ["Ada Lovelace"],
            origin: PostOrigin(source: "_posts/2024-01-01-first.md", aliases: ["/2024/01/01/first"], frontMatter: #"{"series":["Intro"],"weight":7,"extra":{"yes":true}}"#)
        )
        let first = try await writer.save(published).post
        published.slug = try Slug("first-renamed")
        _ = try await writer.save(PostEdit(id: first.id, draft: published, baseVersion: first.version, userID: nil))
        _ = try await writer.save(PostDraft(slug: try Slug("soon"), title: "Soon", source: "Later.\n", publishedAt: Self.now.addingTimeInterval(day)))
        _ = try await writer.save(PostDraft(slug: try Slug("idea"), title: "Idea", source: "Maybe.\n", status: .draft, publishedAt: Self.now))
        let gone = try await writer.save(PostDraft(slug: try Slug("gone"), title: "Gone", source: "Bye.\n", publishedAt: Self.now.addingTimeInterval(-day))).post
        try await store.setTrashed(postID: gone.id, true, at: Self.now)
        try await SiteSettings(title: "Notes", description: "On code.", author: "Ada", baseURL: "https://example.com", postsPerPage: 5, rawHTML: .escaped).save(to: store)
        return (store, media)
    }

    func text(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everyPostMediaFileRevisionAndSettingIsWritten() async throws {
        let (store, media) = try await blog()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galley-export-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = BlogExporter.Options()
        options.revisions = true
        let summary = try await BlogExporter(store: store, options: options, clock: { Self.now }).export(to: folder)
        #expect(summary == BlogExporter.Summary(published: 1, scheduled: 1, drafts: 1, trashed: 1, media: 1, revisions: 5))

        #expect(try text(folder, "posts/2027-01-05-first-renamed.md") == """
            ---
            title: "First: a \\"quoted\\" title"
            slug: "first-renamed"
            date: "2027-01-05T08:00:00.000Z"
            updated: "2027-01-06T08:00:00.000Z"
            expires: "2027-04-25T08:00:00.000Z"
            tags: ["Swift","Server Side"]
            summary: "Said first."
            authors: ["Ada Lovelace"]
            aliases: ["/2024/01/01/first","/posts/first"]
            source: "_posts/2024-01-01-first.md"
            extra: {"yes":true}
            series: ["Intro"]
            weight: 7
            ---
            Text with ![a figure](../media/\(media.info.fileName)) and [a link](https://example.com\(media.path)).

            ```
            ../media/\(media.info.fileName)
            ```

            """)
        #expect(try text(folder, "scheduled/2027-01-16-soon.md").contains(#"title: "Soon""#))
        #expect(try text(folder, "drafts/2027-01-15-idea.md").contains("draft: true\n"))
        let trashed = try text(folder, "trash/2027-01-14-gone.md")
        #expect(trashed.contains("draft: true\n") && trashed.contains(#"trashed: "2027-01-15T08:00:00.000Z""#))
        #expect(try Data(contentsOf: folder.appendingPathComponent("media/\(media.info.fileName)")) == Data(Self.png))
        #expect(try text(folder, "revisions/first-renamed/2.md").hasPrefix("---\ntitle: \"First: a \\\"quoted\\\" title\"\ndate: \"2027-01-06T08:00:00.000Z\"\nkind: \"save\"\n---\nText with ![a figure](../../media/"))
        #expect(try text(folder, "site.yaml") == """
            # Galley export
            title: "Notes"
            description: "On code."
            author: "Ada"
            base_url: "https://example.com"
            posts_per_page: 5
            raw_html: "escaped"

            """)

        // What other engines and Galley's own import read back from the front matter.
        let document = try MarkdownDocument.parse(try text(folder, "posts/2027-01-05-first-renamed.md"))
        let front = document.frontMatter
        #expect(front.title == "First: a \"quoted\" title")
        #expect(front.date == Self.now.addingTimeInterval(-10 * 86_400))
        #expect(front.updated == Self.now.addingTimeInterval(-9 * 86_400))
        #expect(front.expires == Self.now.addingTimeInterval(100 * 86_400))
        #expect(front.tags == ["Swift", "Server Side"])
        #expect(front.authors == ["Ada Lovelace"])
        #expect(front.aliases == ["/2024/01/01/first", "/posts/first"])
        #expect(front.unknown.map(\.key) == ["source", "extra", "series", "weight"])
    }

    @Test func aFolderWithFilesIsRefusedUnlessForcedAndThenOnlyTheExportsOwnAreReplaced() async throws {
        let (store, _) = try await blog()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galley-export-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("posts"), withIntermediateDirectories: true)
        try "old".write(to: folder.appendingPathComponent("posts/stale.md"), atomically: true, encoding: .utf8)
        try "mine".write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        await #expect(throws: GalleyError.self) { try await BlogExporter(store: store).export(to: folder) }
        #expect(try text(folder, "posts/stale.md") == "old", "nothing written")

        var options = BlogExporter.Options()
        options.force = true
        _ = try await BlogExporter(store: store, options: options, clock: { Self.now }).export(to: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("posts/stale.md").path))
        #expect(try text(folder, "README.md") == "mine")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("posts/2027-01-05-first-renamed.md").path))
    }

    @Test(arguments: [0, 951_782_400_123, -1, 1_709_208_000_999, 4_102_444_799_999, -2_208_988_800_001])
    func timestampsAreTheISOFormattersToTheMillisecond(milliseconds: Int64) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = Date(millisecondsSince1970: milliseconds)
        #expect(BlogExporter.timestamp(date) == formatter.string(from: date))
    }

    @Test func onlyWholeReferencesToTheBlogsOwnMediaBecomeRelative() {
        let sha = String(repeating: "a", count: 64)
        let paths: Set = ["/media/\(sha).png"]
        #expect(BlogExporter.relativeMedia("/media/\(sha).png", paths: paths, prefix: "../media/") == "../media/\(sha).png")
        #expect(BlogExporter.relativeMedia("<img src=\"/media/\(sha).png\">", paths: paths, prefix: "../media/") == "<img src=\"../media/\(sha).png\">")
        #expect(BlogExporter.relativeMedia("x/media/\(sha).png /media/\(sha).gif /media/other.png", paths: paths, prefix: "../media/")
            == "x/media/\(sha).png /media/\(sha).gif /media/other.png")
    }
}
