import Foundation
@testable import GalleyCore
import GalleyMarkdown
import GalleyWeb
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Leaving loses nothing: a blog exported, imported into an empty store and exported again gives
/// the same folder byte for byte, and the two blogs serve the same public pages.
@Suite struct ExportRoundTripTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let sites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sites")

    /// The three fixture sites imported, and posts written in the editor in every state: a
    /// changed slug, an expiry, a summary, leading blank lines, media referenced and not.
    func original() async throws -> MemoryStore {
        let store = MemoryStore()
        for site in ["jekyll", "hugo", "zola"] {
            let report = await SiteImporter(store: store, options: .init(), clock: { Self.now }).importPaths([Self.sites.appendingPathComponent(site).path])
            #expect(report.failures.isEmpty, "\(site): \(report.failures)")
        }
        // And from the two platforms, with their HTML and WordPress's `/?p=` addresses.
        let exports = Self.sites.deletingLastPathComponent().appendingPathComponent("exports")
        for (file, media) in [("ghost.json", "ghost-images"), ("wordpress.xml", "wp-uploads")] {
            var options = SiteImporter.Options()
            options.mediaFolder = exports.appendingPathComponent(media)
            let report = await SiteImporter(store: store, options: options, clock: { Self.now }).importPaths([exports.appendingPathComponent(file).path])
            #expect(report.failures.isEmpty, "\(file): \(report.failures)")
        }
        let writer = PostWriter(store: store, clock: { Self.now })
        let day: TimeInterval = 86_400
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7, 7]
        let figure = Media(sha256: Media.sha256(of: png), kind: .png, bytes: png, originalName: "figure.png", uploadedBy: nil, createdAt: Self.now)
        _ = await store.saveMedia(figure)
        let unused: [UInt8] = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)
        _ = await store.saveMedia(Media(sha256: Media.sha256(of: unused), kind: .svg, bytes: unused, originalName: "u.svg", uploadedBy: nil, createdAt: Self.now))
        var renamed = PostDraft(
            slug: try Slug("written-here"), title: "Written here: 2024-05-17", summary: "Its own summary.",
            source: "\n\nStarts after blank lines, shows ![a figure](\(figure.path)), links [a post](/posts/first-post).\n\n<!--more-->\n\n`{{< not a shortcode >}}` {% raw %}\n",
            tags: .named(["Swift", "Editor"]), publishedAt: Self.now.addingTimeInterval(-3 * day), expiresAt: Self.now.addingTimeInterval(300 * day)
        )
        let post = try await writer.save(renamed).post
        renamed.slug = try Slug("written-here-renamed")
        _ = try await writer.save(PostEdit(id: post.id, draft: renamed, baseVersion: post.version, userID: nil))
        _ = try await writer.save(PostDraft(slug: try Slug("later"), title: "Later", source: "Soon.\n", tags: .named(["Swift"]), publishedAt: Self.now.addingTimeInterval(day)))
        _ = try await writer.save(PostDraft(slug: try Slug("thought"), title: "A thought", source: "Unfinished.\n", status: .draft, publishedAt: Self.now))
        _ = try await writer.save(PostDraft(slug: try Slug("ended"), title: "Ended", source: "Was up.\n", publishedAt: Self.now.addingTimeInterval(-9 * day), expiresAt: Self.now.addingTimeInterval(-day)))
        let binned = try await writer.save(PostDraft(slug: try Slug("binned"), title: "Binned", source: "Gone.\n", publishedAt: Self.now.addingTimeInterval(-2 * day))).post
        try await store.setTrashed(postID: binned.id, true, at: Self.now.addingTimeInterval(-day))
        try await SiteSettings(title: "Round Trip", description: "Out and back.", author: "Ada", baseURL: "https://blog.example.com", postsPerPage: 3, rawHTML: .sanitized).save(to: store)
        return store
    }

    func export(_ store: MemoryStore, to folder: URL) async throws -> BlogExporter.Summary {
        try await BlogExporter(store: store, clock: { Self.now }).export(to: folder)
    }

    /// Every file below `folder`, by its relative path.
    func files(in folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = enumerator?.nextObject() as? URL {
            guard try file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            files[String(file.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: file)
        }
        return files
    }

    /// Every public page of a blog: lists and their pages, each public post, tags, feeds.
    func pages(of store: MemoryStore) async throws -> [String: String] {
        let site = SiteConfiguration(baseURL: "https://blog.example.com", title: "Test Blog", description: "Posts.", postsPerPage: 10, clock: { Self.now })
        var paths = ["/", "/?page=2", "/?page=3", "/archive", "/tags", "/feed.xml", "/rss.xml", "/feed.json", "/sitemap.xml", "/search?q=post", "/api/v1/posts"]
        for post in await store.publicPosts(at: Self.now) { paths += ["/posts/\(post.slug)", "/api/v1/posts/\(post.slug)"] }
        for tag in await store.publicTags(at: Self.now) { paths += ["/tags/\(tag.tag.slug)", "/tags/\(tag.tag.slug)/feed.xml"] }
        for alias in await store.aliases.keys { paths.append(alias) }
        let found = Mutex<[String: String]>([:])
        try await TestBlog.test(store: store, site: site) { [paths] client in
            for path in paths {
                let page = try await client.get(path)
                // An error page names its request, which no two requests share.
                let body = page.body.replacingOccurrences(of: #"\b[0-9a-f]{32}\b"#, with: "<request id>", options: .regularExpression)
                found.withLock { $0[path] = "\(page.status.code) \(page.headers[.location] ?? "")\n\(body)" }
            }
        }
        return found.withLock { $0 }
    }

    @Test func anExportImportedIntoAnEmptyBlogExportsTheSameFilesAndServesTheSamePages() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("galley-round-trip-\(UUID())")
        defer { try? FileManager.default.removeItem(at: work) }
        let first = try await original()
        let summary = try await export(first, to: work.appendingPathComponent("first"))
        #expect(summary.published >= 10 && summary.scheduled == 1 && summary.drafts >= 2 && summary.trashed == 2)
        #expect(summary.media == (await first.mediaList().count) && summary.media >= 4)

        let second = MemoryStore()
        let report = await SiteImporter(store: second, options: .init(), clock: { Self.now.addingTimeInterval(3_600) })
            .importPaths([work.appendingPathComponent("first").path])
        #expect(report.engine == .galley)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.warnings.allSatisfy { $0.kind == .expiry }, "\(report.warnings)")
        #expect(report.created.count == summary.posts)
        #expect(report.settings == "taken from site.yaml")
        _ = try await export(second, to: work.appendingPathComponent("second"))

        let before = try files(in: work.appendingPathComponent("first"))
        let after = try files(in: work.appendingPathComponent("second"))
        #expect(before.keys.sorted() == after.keys.sorted())
        for (path, data) in before where after[path] != data {
            Issue.record("\(path) differs:\n\(String(decoding: data, as: UTF8.self))\n---\n\(String(decoding: after[path] ?? Data(), as: UTF8.self))")
        }

        let served = try await pages(of: first)
        let again = try await pages(of: second)
        #expect(served.count > 40)
        for (path, page) in served where again[path] != page {
            Issue.record("\(path) differs:\n\(page.prefix(2_000))\n---\n\((again[path] ?? "missing").prefix(2_000))")
        }

        // The same export again changes nothing: each file knows its post.
        let repeated = await SiteImporter(store: second, options: .init(), clock: { Self.now }).importPaths([work.appendingPathComponent("first").path])
        #expect(repeated.created.isEmpty && repeated.updated.isEmpty && repeated.unchanged.count == summary.posts, "\(repeated.created) \(repeated.updated)")
        #expect(repeated.settings == "this blog's kept (site.yaml not applied)")
    }
}
