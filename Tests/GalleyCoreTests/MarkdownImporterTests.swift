import Foundation
import GalleyCore
import Testing

@Suite struct MarkdownImporterTests {
    let writer = PostWriter(store: MemoryStore(), clock: { Date(timeIntervalSince1970: 1_800_000_000) })

    @Test func jekyllFileNamesGiveDateAndSlug() async throws {
        try await withFiles(["_posts/2024-05-17-structured-concurrency.md": "---\ntitle: Structured\ntags: [swift]\n---\nBody\n"]) { folder in
            let report = await MarkdownImporter(writer: writer).importPaths([folder.path])
            #expect(report.created.count == 1)
            #expect(report.failures.isEmpty)
            let post = try #require(try await writer.store.post(slug: Slug("structured-concurrency")))
            #expect(post.publishedAt == Date(timeIntervalSince1970: 1_715_904_000))
            #expect(post.tags.map(\.name) == ["swift"])
            #expect(post.status == .published)
            #expect(post.source == "Body\n")
        }
    }

    @Test func hugoBundlesDraftsFolderAndSectionPages() async throws {
        try await withFiles([
            "content/posts/my-bundle/index.md": "---\ntitle: Bundle\ndate: 2023-01-02\n---\nx\n",
            "content/posts/_index.md": "---\ntitle: Posts\n---\n",
            "_drafts/unfinished.markdown": "---\ntitle: Later\n---\nx\n",
            "notes/plain.md": "# Plain title\n\nNo front matter at all.\n",
            "notes/ignored.txt": "not markdown",
            ".hidden/secret.md": "---\ntitle: Hidden\n---\n",
        ]) { folder in
            let report = await MarkdownImporter(writer: writer).importPaths([folder.path])
            #expect(report.created.count == 3)
            #expect(report.skipped.count == 1)
            #expect(report.failures.isEmpty)
            #expect(try await writer.store.post(slug: Slug("my-bundle"))?.title == "Bundle")
            #expect(try await writer.store.post(slug: Slug("unfinished"))?.status == .draft)
            let plain = try #require(try await writer.store.post(slug: Slug("plain")))
            #expect(plain.title == "Plain title")
            #expect(plain.source == "No front matter at all.\n")
            #expect(try await writer.store.post(slug: Slug("secret")) == nil)
        }
    }

    @Test func reimportingUpdatesInsteadOfDuplicating() async throws {
        try await withFiles(["post.md": "---\ntitle: First\n---\nOne\n"]) { folder in
            let importer = MarkdownImporter(writer: writer)
            #expect(await importer.importPaths([folder.path]).created.count == 1)
            #expect(await importer.importPaths([folder.path]).unchanged.count == 1)
            try "---\ntitle: Second\n---\nTwo\n".write(to: folder.appendingPathComponent("post.md"), atomically: true, encoding: .utf8)
            #expect(await importer.importPaths([folder.path]).updated.count == 1)
            let post = try #require(try await writer.store.post(slug: Slug("post")))
            #expect(post.title == "Second")
            #expect(try await writer.store.revisions(ofPost: post.id).count == 2)
            #expect(try await writer.store.publishedArchive(at: .distantFuture).count == 1)
        }
    }

    @Test func brokenFilesAreReportedAndTheOthersStillImport() async throws {
        try await withFiles([
            "a-good.md": "---\ntitle: Good\n---\nFine\n",
            "b-broken.md": "---\ntitle: Broken\ntags: [unclosed\n---\nx\n",
            "c-untitled.md": "Just text.\n",
            "d-same-slug.md": "---\ntitle: Dup\nslug: a-good\n---\n",
        ]) { folder in
            let report = await MarkdownImporter(writer: writer).importPaths([folder.path, folder.appendingPathComponent("missing.md").path])
            #expect(report.created.count == 1)
            let failures = report.failures.map(\.description)
            #expect(failures.count == 4)
            #expect(failures[0].hasSuffix("b-broken.md:4: not valid YAML at line 4: while parsing a flow sequence: did not find expected ',' or ']'"), "\(failures[0])")
            #expect(failures[1].contains("c-untitled.md:1: no title"))
            #expect(failures[2].contains("d-same-slug.md: slug 'a-good' is already used by"))
            #expect(failures[3].hasSuffix("missing.md: no such file or folder"))
        }
    }

    private func withFiles(_ files: [String: String], _ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galley-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try await body(folder)
    }
}
