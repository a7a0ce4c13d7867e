import Foundation
@testable import GalleyCore
import GalleyMarkdown
import Testing

/// The fixture sites in Tests/Fixtures/sites, one per engine, imported into a memory store.
@Suite struct SiteImporterTests {
    static let sites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sites")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func importer(_ store: MemoryStore, dryRun: Bool = false) -> SiteImporter {
        var options = SiteImporter.Options()
        options.dryRun = dryRun
        return SiteImporter(store: store, options: options, clock: { Self.now })
    }

    func site(_ name: String) -> String { Self.sites.appendingPathComponent(name).path }

    func post(_ store: MemoryStore, _ slug: String) async throws -> Post {
        try #require(try await store.post(slug: Slug(slug)), "no post \(slug)")
    }

    @Test func jekyllSite() async throws {
        let store = MemoryStore()
        let report = await importer(store).importPaths([site("jekyll")])
        #expect(report.engine == .jekyll)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.created.count == 5)
        #expect(report.skipped.map(\.reason) == ["published: false"])

        let hello = try await post(store, "hello-world")
        #expect(hello.title == "Hello, World")
        // Ruby's date with its own zone; updated from last_modified_at (midnight in Los Angeles).
        #expect(hello.publishedAt == Date(timeIntervalSince1970: 1_675_045_822))
        #expect(hello.updatedAt == Date(timeIntervalSince1970: 1_676_016_000))
        #expect(hello.bylines == ["Jane Doe"])
        #expect(hello.tags.map(\.name) == ["jekyll", "Release"])
        #expect(hello.summary == "The first paragraph, shown in lists.")
        #expect(!hello.source.contains("<!--more-->"))
        // `pretty` with the category, the redirect_from, under one form each.
        #expect(hello.origin?.aliases == ["/old-hello", "/release/2023/01/29/Hello-World"])
        #expect(hello.origin?.source == "_posts/2023-01-29-Hello-World.md")
        #expect(hello.source.contains("[second post](/posts/second)"))
        #expect(hello.source.contains("[the install guide](/posts/install)"))
        #expect(hello.source.contains("```ruby\nputs \"hi\"\n```"))
        #expect(hello.source.contains("{% include note.html"))
        let image = try #require(await store.mediaList().first)
        #expect(hello.source.contains("![A dot](\(image.path))"))

        let second = try await post(store, "second")
        // No zone: the site's (Los Angeles), so 23:30 on Feb 1 is Feb 2 in UTC.
        #expect(second.publishedAt == Date(timeIntervalSince1970: 1_675_323_000))
        #expect(second.updatedAt == second.publishedAt)
        #expect(second.bylines == ["Default Author"])
        #expect(second.source.contains("[first post](/posts/hello-world)"))
        #expect(second.source.contains("[install](/posts/install)"))
        #expect(second.source.contains("{{ not liquid }}"))
        // A link to one of the old site's pages stays as it was, and is no file to carry over.
        #expect(second.source.contains("[about us](/about.html)"))
        #expect(!report.warnings.contains { $0.kind == .refusedFile })
        #expect(report.warnings.contains { $0.kind == .unresolvedLink && $0.message.contains("2020-01-01-nothing") && $0.line == 9 })
        #expect(report.warnings.contains { $0.kind == .untranslatedTag && $0.message.contains("'include'") && $0.line == 24 })

        #expect(try await post(store, "an-idea").status == .draft)
        let install = try await post(store, "install")
        #expect(install.title == "Install")
        #expect(install.origin?.aliases == ["/docs/install"])
        #expect(try await store.post(slug: Slug("not-yet")) == nil)
    }

    @Test func hugoSite() async throws {
        let store = MemoryStore()
        let report = await importer(store).importPaths([site("hugo")])
        #expect(report.engine == .hugo)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(Set(report.skipped.map(\.reason)) == ["never rendered by the site", "section page (_index)"])
        #expect(report.skipped.count == 5)

        let first = try await post(store, "first-post")
        // A local time in Oslo (UTC+2 in May).
        #expect(first.publishedAt == Date(timeIntervalSince1970: 1_715_932_800))
        #expect(first.updatedAt == Date(timeIntervalSince1970: 1_717_221_600))
        #expect(first.bylines == ["Ada Lovelace"])
        #expect(Set(first.tags.map(\.name)) == ["go", "Intro"])
        #expect(first.summary == "Summary before the fold about Widget.")
        #expect(first.origin?.aliases == ["/2024/05/first-post", "/old/first"])
        #expect(first.source.contains("```go\nfmt.Println(\"hi\")\n```"))
        #expect(first.source.contains("[the bundle](/posts/bundle)"))
        #expect(first.source.contains("[JSON](/posts/json)"))
        #expect(first.source.contains("https://www.youtube.com/watch?v=dQw4w9WgXcQ"))
        #expect(first.source.contains("**More**\n\nHidden text."))
        #expect(first.source.contains("`{{< figure src=\"x\" >}}`"))
        #expect(first.source.contains(#"![A dot](/media/"#))
        #expect(first.origin.map { $0.frontMatter.contains("\"series\"") } == true)
        #expect(report.warnings.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.expiry, .untranslatedTag])
        // Past its expiry date: the old site no longer showed it, and neither does Galley; the
        // post keeps its status and its date, so an author can see why.
        let expired = try await post(store, "expired")
        #expect(expired.status == .published)
        #expect(expired.expiresAt == Date(timeIntervalSince1970: 1_609_455_600))
        #expect(await store.publishedPost(slug: expired.slug, at: Self.now) == nil)
        #expect(report.warnings.contains { $0.kind == .expiry && $0.message == "expired on 2021-01-01: imported, not public" })

        let bundle = try await post(store, "bundle")
        #expect(bundle.origin?.aliases == ["/custom/bundle"])
        // The cover and the image beside the page are the same file: one media item.
        #expect(bundle.source.contains("![local](/media/"))
        #expect(await store.mediaList().count == 2)

        let json = try await post(store, "json")
        #expect(json.origin?.aliases == ["/2024/02/json-front-matter"])
        #expect(json.origin?.frontMatter == #"{"weight":7}"#)
    }

    @Test func zolaSite() async throws {
        let store = MemoryStore()
        let report = await importer(store).importPaths([site("zola")])
        #expect(report.engine == .zola)
        #expect(report.failures.isEmpty, "\(report.failures)")
        let dated = try await post(store, "dated")
        #expect(dated.publishedAt == Date(timeIntervalSince1970: 1_704_153_600))
        #expect(dated.origin?.aliases == ["/blog/dated"])
        #expect(dated.source.contains("[the path post](/posts/pathy)"))
        #expect(dated.source.contains("`{{impl}}`"))
        #expect(dated.tags.map(\.name) == ["zola"])

        let pathy = try await post(store, "pathy")
        // No date key: the date in its path.
        #expect(pathy.publishedAt == Date(timeIntervalSince1970: 1_709_510_400))
        #expect(pathy.origin?.aliases == ["/2024/03/04/Pathy-Post"])
        #expect(pathy.bylines == ["Zed"])
        #expect(pathy.source.contains("![dot](/media/"))
        #expect(report.warnings.contains { $0.kind == .untranslatedTag && $0.message.contains("'custom'") })

        let bundle = try await post(store, "bundle")
        #expect(bundle.updatedAt == Date(timeIntervalSince1970: 1_717_804_800))
        #expect(bundle.source.contains("![beside](/media/"))
    }

    @Test func importingAgainUpdatesTheSamePostsAndNothingElse() async throws {
        let store = MemoryStore()
        // A post written in the editor, with the slug an imported file wants.
        let editor = try await PostWriter(store: store).save(PostEdit(
            id: nil, draft: PostDraft(slug: try Slug("introduction"), title: "Mine", source: "Written here.", publishedAt: Self.now),
            baseVersion: nil, userID: 1
        )).post
        let first = await importer(store).importPaths([site("jekyll")])
        #expect(first.created.count == 5)
        #expect(first.warnings.contains { $0.kind == .renamed && $0.message.contains("/posts/introduction-2") })
        #expect(try await post(store, "introduction").source == "Written here.")
        #expect(try await post(store, "introduction").id == editor.id)
        #expect(try await post(store, "introduction-2").origin?.source == "_posts/2023-04-01-introduction.md")

        let again = await importer(store).importPaths([site("jekyll")])
        #expect(again.created.isEmpty)
        #expect(again.updated.isEmpty)
        #expect(again.unchanged.count == 5)
        #expect(!again.warnings.contains { $0.kind == .renamed })
        #expect(await store.publishedArchive(at: .distantFuture).count == 5)
        #expect(try await post(store, "introduction").source == "Written here.")
    }

    @Test func aDryRunWritesNothingAndReportsTheSame() async throws {
        let store = MemoryStore()
        let dry = await importer(store, dryRun: true).importPaths([site("hugo")])
        #expect(dry.created.count == 4)
        #expect(await store.allSlugs().isEmpty)
        #expect(await store.mediaList().isEmpty)
        let real = await importer(store).importPaths([site("hugo")])
        #expect(real.created == dry.created)
        #expect(real.warnings == dry.warnings)
    }

    @Test func aFolderWithoutPostsIsAnError() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("galley-empty-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        try Data("{}".utf8).write(to: empty.appendingPathComponent("ghost-export.json"))
        let report = await importer(MemoryStore()).importPaths([empty.path])
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.message.contains("no post files found here") == true)
    }

    @Test func aBrokenFileIsReportedWithItsCauseAndTheOthersImport() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("galley-broken-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "+++\ntitle = \"x\"\ndate = \n+++\n".write(to: folder.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        try "---\ndate: 2024-01-01\n---\nNo title.\n".write(to: folder.appendingPathComponent("b.md"), atomically: true, encoding: .utf8)
        try "# Fine\n\nText.\n".write(to: folder.appendingPathComponent("c.md"), atomically: true, encoding: .utf8)
        let report = await importer(MemoryStore()).importPaths([folder.path])
        #expect(report.created.count == 1)
        #expect(report.failures.map(\.line) == [3, 1])
        #expect(report.failures.first?.message.hasPrefix("TOML front matter:") == true)
        #expect(report.failures.last?.message == "no title: the YAML front matter has no 'title' key")
    }

    @Test(arguments: [
        ("2024-05-17-my-post.md", "my-post", "2024-05-17"),
        ("2024-05-17_zola-post.md", "zola-post", "2024-05-17"),
        ("posts/bundle/index.md", "bundle", nil),
        ("Rust-1.88.0.md", "Rust-1.88.0", nil),
    ] as [(String, String, String?)])
    func fileNames(path: String, slug: String, date: String?) {
        let name = FileName(path)
        #expect(name.slug == slug)
        #expect(name.date == date)
    }
}
