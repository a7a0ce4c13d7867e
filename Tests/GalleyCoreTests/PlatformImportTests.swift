import Foundation
@testable import GalleyCore
import Testing

/// Ghost and WordPress exports, written here from their documented shapes
/// (Tests/Fixtures/exports), imported into a memory store.
@Suite struct PlatformImportTests {
    static let exports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/exports")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func importer(_ store: MemoryStore, media: String?, dryRun: Bool = false) -> SiteImporter {
        var options = SiteImporter.Options()
        options.mediaFolder = media.map { Self.exports.appendingPathComponent($0) }
        options.dryRun = dryRun
        return SiteImporter(store: store, options: options, clock: { Self.now })
    }

    func post(_ store: MemoryStore, _ slug: String) async throws -> Post {
        try #require(try await store.post(slug: Slug(slug)), "no post \(slug)")
    }

    @Test func aGhostExportComesInWithItsTagsAuthorsImagesAndOldAddresses() async throws {
        let store = MemoryStore()
        let report = await importer(store, media: "ghost-images").importPaths([Self.exports.appendingPathComponent("ghost.json").path])
        #expect(report.engine == .ghost)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.created.count == 3)
        #expect(report.skipped.map(\.reason) == ["a page, not a post"])
        #expect(report.media == 2)
        #expect(report.warnings.isEmpty, "\(report.warnings)")

        let profiling = try await post(store, "profiling-swift-on-linux")
        #expect(profiling.title == "Profiling Swift on Linux")
        #expect(profiling.tags.map(\.name) == ["Swift", "Performance"], "in Ghost's order, without its internal #tags")
        #expect(profiling.bylines == ["Grace Hopper", "Alan Kay"])
        #expect(profiling.summary == "How to find where a Swift server spends its time.")
        #expect(profiling.publishedAt == FrontMatterDate.parse("2024-05-17T09:30:00.000Z"))
        #expect(profiling.updatedAt == FrontMatterDate.parse("2024-05-20T10:30:00.000Z"))
        #expect(profiling.origin?.aliases == ["/profiling-swift-on-linux"])
        #expect(profiling.origin?.source == "ghost:6650a1f2c3b4d5e6f7a8b9c0")
        #expect(profiling.source.hasPrefix("![](/media/"), "the feature image first, as the social card")
        #expect(profiling.source.contains("## Flame graphs {#flame-graphs}"))
        #expect(profiling.source.contains("```bash\nperf record -g ./app\n"))
        #expect(profiling.source.contains("[Benchmarks that lie](/posts/benchmarks-that-lie)"))
        #expect(profiling.source.contains(#"<img src="/media/"#))
        #expect(!profiling.source.contains("__GHOST_URL__"))
        #expect(profiling.rendered.html.contains("<h2 id=\"flame-graphs\""))

        let benchmarks = try await post(store, "benchmarks-that-lie")
        #expect(benchmarks.source == "Three ways a **benchmark** lies:\n\n1. A warm cache\n2. One run\n3. Another machine\n", "the mobiledoc's Markdown card")
        #expect(try await post(store, "notes-on-async-let").status == .draft)

        // The same export again changes nothing.
        let again = await importer(store, media: "ghost-images").importPaths([Self.exports.appendingPathComponent("ghost.json").path])
        #expect(again.unchanged.count == 3 && again.created.isEmpty && again.updated.isEmpty)
    }

    @Test func withoutTheMediaFolderImagesAreListedAndKeptAsTheyWere() async throws {
        let store = MemoryStore()
        let report = await importer(store, media: nil).importPaths([Self.exports.appendingPathComponent("ghost.json").path])
        #expect(report.failures.isEmpty)
        #expect(report.warnings.filter { $0.kind == .missingImage }.count == 2)
        #expect(try await post(store, "profiling-swift-on-linux").source.contains("content/images/2024/05/diagram.png"))
    }

    @Test func aWordPressExportComesInWithItsStatesCategoriesAndOldAddresses() async throws {
        let store = MemoryStore()
        // A post written here already has one of the slugs: it is not touched.
        let mine = try await PostWriter(store: store, clock: { Self.now }).save(PostDraft(slug: try Slug("epoll-by-hand"), title: "Mine", source: "Mine.\n", publishedAt: Self.now)).post
        let report = await importer(store, media: "wp-uploads").importPaths([Self.exports.appendingPathComponent("wordpress.xml").path])
        #expect(report.engine == .wordpress)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.created.count == 3)
        #expect(Set(report.skipped.map(\.reason)) == ["a page, not a post", "an attachment"])
        #expect(report.warnings.map(\.kind) == [.renamed])

        let proc = try await post(store, "reading-proc-for-fun")
        #expect(proc.bylines == ["Linnea Svensson"])
        #expect(proc.tags.map(\.name) == ["Linux", "procfs"])
        #expect(proc.summary == "What /proc tells.")
        #expect(proc.publishedAt == FrontMatterDate.parse("2023-03-14 18:20:00"))
        #expect(proc.updatedAt == FrontMatterDate.parse("2023-04-01 08:00:00"))
        #expect(proc.origin?.aliases == ["/2023/03/reading-proc-for-fun", "/?p=42"])
        #expect(proc.source.hasPrefix("Everything about a process is in `/proc/PID`.\n\nTry this:\n\n```bash\n"), "classic paragraphs")
        #expect(proc.source.contains("![The output](/media/"))
        #expect(proc.source.contains("[epoll by hand](/posts/epoll-by-hand-2)"), "the link follows the post to its new slug")
        #expect(proc.source.contains("<table>"))

        let epoll = try await post(store, "epoll-by-hand-2")
        #expect(epoll.tags.map(\.name) == ["C"], "Uncategorized is WordPress's default, not a tag")
        #expect(epoll.source == "An event loop in forty lines of C.\n\n## The loop\n\n```\nint n = epoll_wait(fd, events, 64, -1);\n```\n\n- Add with `EPOLL_CTL_ADD`\n- Wait\n")
        #expect(await store.post(id: mine.id) == mine)

        let trashed = try await post(store, "old-notes")
        #expect(trashed.trashedAt != nil && trashed.status == .draft)
    }

    @Test func aWordPressExcerptIsTheTextAReaderSaw() {
        // WordPress writes typographic quotes as numeric entities in nearly every excerpt.
        #expect(WordPressExport.excerpt("<p>It&#8217;s <em>fine</em> &amp; done&hellip;</p>\n<p>Second</p>") == "It’s fine & done… Second")
        #expect(WordPressExport.excerpt("<script>hidden()</script>Shown") == "Shown")
    }

    @Test func anExportThatDoesNotParseIsReportedWithWhereAndNothingIsImported() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galley-exports-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let wordpress = try String(contentsOf: Self.exports.appendingPathComponent("wordpress.xml"), encoding: .utf8)
        let cut = folder.appendingPathComponent("cut.xml")
        try String(wordpress.prefix(wordpress.count / 2)).write(to: cut, atomically: true, encoding: .utf8)
        let broken = folder.appendingPathComponent("broken.json")
        try "{\"db\": [{\"data\": {\"posts\": [ {\"id\": 1,, } ]}}]}".write(to: broken, atomically: true, encoding: .utf8)
        let foreign = folder.appendingPathComponent("other.json")
        try "{\"name\": \"package.json\"}".write(to: foreign, atomically: true, encoding: .utf8)

        let store = MemoryStore()
        let report = await importer(store, media: nil).importPaths([cut.path, broken.path, foreign.path])
        #expect(report.created.isEmpty)
        #expect(await store.allSlugs().isEmpty)
        #expect(report.failures.count == 3, "\(report.failures)")
        let xml = try #require(report.failures.first { $0.path.hasSuffix("cut.xml") })
        #expect(xml.line != nil && xml.message.hasPrefix("not valid XML (column ") && xml.message.contains("is it whole?"), "\(xml)")
        #expect(report.failures.contains { $0.path.hasSuffix("broken.json") && $0.line == 1 && $0.message.hasPrefix("not valid JSON") && $0.message.contains("(column 39)") }, "\(report.failures)")
        #expect(report.failures.contains { $0.path.hasSuffix("other.json") && $0.message.hasPrefix("not a Ghost export: no 'db'") }, "\(report.failures)")
    }
}

@Suite struct AliasPathTests {
    @Test(arguments: [
        ("/2019/03/x/", "/2019/03/x"), ("/2019/03/x.html", "/2019/03/x"), ("https://old.example/a/b/index.html", "/a/b"),
        ("/?p=123", "/?p=123"), ("?p=7", "/?p=7"), ("/?p=12a", nil), ("/?p=", nil), ("/search?q=x", "/search"), ("/", nil),
    ] as [(String, String?)])
    func oldAddressesAreKeptInOneForm(address: String, kept: String?) {
        #expect(AliasPath.normalize(address) == kept)
    }
}
