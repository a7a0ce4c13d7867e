import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import Logging
import Testing

/// The behaviour every store must have, run unchanged over each implementation.
@Suite struct StoreContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let renderer = MarkdownRenderer()

    func save(_ store: some Store, _ draft: PostDraft, at now: Date = t0) async throws -> SaveResult {
        try await store.savePost(draft, rendered: Self.renderer.render(draft.source), at: now)
    }

    @Test(arguments: StoreKind.allCases)
    func newPostIsCreatedWithItsFirstRevision(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let draft = PostDraft.fixture(slug: "hello", tags: ["Swift", "Server Side"])
            let result = try await save(store, draft)
            #expect(result.outcome == .created)
            #expect(result.post.version == 1)
            let stored = try #require(try await store.post(slug: draft.slug))
            #expect(stored == result.post)
            #expect(stored.draft == draft.filled(from: stored))
            #expect(stored.rendered == Self.renderer.render(draft.source))
            #expect(stored.tags.map(\.name) == ["Swift", "Server Side"])
            #expect(stored.tags.map(\.slug.rawValue) == ["swift", "server-side"])
            let revisions = try await store.revisions(ofPost: stored.id)
            #expect(revisions == [Revision(postID: stored.id, number: 1, title: draft.title, source: draft.source, createdAt: Self.t0)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func savingTheSameDraftAgainChangesNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let draft = PostDraft.fixture(slug: "same")
            let first = try await save(store, draft)
            let revision = try await store.siteState(at: Self.t0).revision
            let second = try await save(store, draft, at: Self.t0.addingTimeInterval(60))
            #expect(second.outcome == .unchanged)
            #expect(second.post == first.post)
            #expect(try await store.siteState(at: Self.t0).revision == revision)
            #expect(try await store.revisions(ofPost: first.post.id).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changingAPostAppendsARevisionAndBumpsItsVersion(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var draft = PostDraft.fixture(slug: "evolving", tags: ["a"])
            let first = try await save(store, draft)
            draft.source = "Second *version*."
            draft.title = "Evolved"
            draft.tags = .named(["b", "a"])
            let later = Self.t0.addingTimeInterval(3600)
            let second = try await save(store, draft, at: later)
            #expect(second.outcome == .updated)
            #expect(second.post.id == first.post.id)
            #expect(second.post.version == 2)
            #expect(second.post.createdAt == Self.t0)
            #expect(second.post.updatedAt == later)
            let stored = try #require(try await store.post(slug: draft.slug))
            #expect(stored == second.post)
            #expect(stored.tags.map(\.name) == ["b", "a"])
            let revisions = try await store.revisions(ofPost: stored.id)
            #expect(revisions.map(\.number) == [1, 2])
            #expect(revisions.map(\.title) == ["Post evolving", "Evolved"])
            #expect(revisions.last?.source == "Second *version*.")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aNewRenderingOfTheSameSourceUpdatesWithoutARevision(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let draft = PostDraft.fixture(slug: "rerender")
            let first = try await save(store, draft)
            var rendered = Self.renderer.render(draft.source)
            rendered.html += "<!-- better -->"
            let second = try await store.savePost(draft, rendered: rendered, at: Self.t0.addingTimeInterval(1))
            #expect(second.outcome == .updated)
            #expect(second.post.version == first.post.version)
            #expect(second.post.updatedAt == first.post.updatedAt, "a new rendering is not an author's edit")
            #expect(try await store.post(slug: draft.slug)?.updatedAt == first.post.updatedAt)
            #expect(try await store.post(slug: draft.slug)?.rendered.html == rendered.html)
            #expect(try await store.revisions(ofPost: first.post.id).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func draftsAndScheduledPostsAreHiddenFromEveryPublicRead(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = Self.t0
            _ = try await save(store, .fixture(slug: "public", date: now.addingTimeInterval(-60), tags: ["t"]))
            _ = try await save(store, .fixture(slug: "draft", date: now.addingTimeInterval(-60), tags: ["t"], status: .draft))
            _ = try await save(store, .fixture(slug: "scheduled", date: now.addingTimeInterval(1), tags: ["t"]))
            let page = try await store.publishedPosts(PageRequest(), tagged: nil, at: now)
            #expect(page.items.map(\.slug.rawValue) == ["public"])
            #expect(page.total == 1)
            let tagged = try await store.publishedPosts(PageRequest(), tagged: Slug("t"), at: now)
            #expect(tagged.items.map(\.slug.rawValue) == ["public"])
            #expect(try await store.publishedArchive(at: now).map(\.slug.rawValue) == ["public"])
            #expect(try await store.publishedPost(slug: Slug("draft"), at: now) == nil)
            #expect(try await store.publishedPost(slug: Slug("scheduled"), at: now) == nil)
            #expect(try await store.post(slug: Slug("draft")) != nil)
            #expect(try await store.post(slug: Slug("scheduled")) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aScheduledPostAppearsAtItsMomentAndNotBefore(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let due = Self.t0.addingTimeInterval(3600)
            _ = try await save(store, .fixture(slug: "later", date: due))
            #expect(try await store.publishedPost(slug: Slug("later"), at: due.addingTimeInterval(-0.001)) == nil)
            #expect(try await store.publishedPost(slug: Slug("later"), at: due) != nil)
            #expect(try await store.publishedPosts(PageRequest(), tagged: nil, at: due).total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func publicListsAreNewestFirstAndPaged(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for day in 1...25 {
                _ = try await save(store, .fixture(slug: "day-\(day)", date: Self.t0.addingTimeInterval(Double(day) * 86_400), tags: day.isMultiple(of: 5) ? ["fifth"] : []))
            }
            let now = Self.t0.addingTimeInterval(100 * 86_400)
            let first = try await store.publishedPosts(PageRequest(page: 1, perPage: 10), tagged: nil, at: now)
            #expect(first.items.map(\.slug.rawValue) == (16...25).reversed().map { "day-\($0)" })
            #expect(first.total == 25)
            #expect(first.totalPages == 3)
            let last = try await store.publishedPosts(PageRequest(page: 3, perPage: 10), tagged: nil, at: now)
            #expect(last.items.map(\.slug.rawValue) == (1...5).reversed().map { "day-\($0)" })
            let beyond = try await store.publishedPosts(PageRequest(page: 4, perPage: 10), tagged: nil, at: now)
            #expect(beyond.items.isEmpty)
            let fifth = try await store.publishedPosts(PageRequest(page: 1, perPage: 2), tagged: Slug("fifth"), at: now)
            #expect(fifth.items.map(\.slug.rawValue) == ["day-25", "day-20"])
            #expect(fifth.total == 5)
            #expect(fifth.items.first?.tags.map(\.name) == ["fifth"])
            let archive = try await store.publishedArchive(at: now)
            #expect(archive.count == 25)
            #expect(archive.first?.slug.rawValue == "day-25")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func summariesCarryTheExcerptAndReadingTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let words = Array(repeating: "word", count: 500).joined(separator: " ")
            _ = try await save(store, .fixture(slug: "long", source: "# Heading\n\n\(words)\n"))
            _ = try await save(store, .fixture(slug: "summarised", summary: "Given by the author."))
            let items = try await store.publishedPosts(PageRequest(), tagged: nil, at: Self.t0).items
            let long = try #require(items.first { $0.slug.rawValue == "long" })
            #expect(long.readingMinutes == 3)
            #expect(long.summary.hasSuffix("…"))
            #expect(long.summary.count <= 281)
            #expect(items.first { $0.slug.rawValue == "summarised" }?.summary == "Given by the author.")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func siteRevisionGrowsWithEveryChange(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let start = try await store.siteState(at: Self.t0).revision
            _ = try await save(store, .fixture(slug: "one"))
            let afterOne = try await store.siteState(at: Self.t0).revision
            _ = try await save(store, .fixture(slug: "two"))
            let afterTwo = try await store.siteState(at: Self.t0).revision
            #expect(start < afterOne)
            #expect(afterOne < afterTwo)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func siteStateNamesTheNextScheduledPublication(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.siteState(at: Self.t0).nextChange == nil)
            let soon = Self.t0.addingTimeInterval(60)
            let later = Self.t0.addingTimeInterval(3600)
            _ = try await save(store, .fixture(slug: "public", date: Self.t0.addingTimeInterval(-60)))
            _ = try await save(store, .fixture(slug: "later", date: later))
            _ = try await save(store, .fixture(slug: "soon", date: soon))
            _ = try await save(store, .fixture(slug: "draft", date: soon.addingTimeInterval(-30), status: .draft))
            #expect(try await store.siteState(at: Self.t0).nextChange == soon)
            #expect(try await store.siteState(at: soon).nextChange == later)
            #expect(try await store.siteState(at: later).nextChange == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiringPostIsPublicUntilItsExpiryOnEveryList(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let expiry = Self.t0.addingTimeInterval(600)
            var offer = PostDraft.fixture(slug: "offer", source: "A limited **offer** of caramel.", date: Self.t0.addingTimeInterval(-7_200), tags: ["deals", "food"])
            offer.expiresAt = expiry
            offer.origin = PostOrigin(source: "content/offer.md", aliases: ["/2023/offer"])
            let saved = try await save(store, offer).post
            #expect(saved.expiresAt == expiry)
            let older = try await save(store, .fixture(slug: "older", date: Self.t0.addingTimeInterval(-10_800), tags: ["food"])).post
            let newer = try await save(store, .fixture(slug: "newer", date: Self.t0.addingTimeInterval(-3_600), tags: ["food"])).post
            #expect(try await store.siteState(at: Self.t0).nextChange == expiry)

            // Before the expiry, it is everywhere a public post is.
            let before = expiry.addingTimeInterval(-1)
            #expect(try await store.publishedPost(slug: saved.slug, at: before) != nil)
            #expect(try await store.publishedPosts(PageRequest(), tagged: nil, at: before).items.map(\.slug.rawValue) == ["newer", "offer", "older"])
            #expect(try await store.publishedArchive(at: before).count == 3)
            #expect(try await store.latestPosts(limit: 10, tagged: nil, at: before).count == 3)
            #expect(try await store.search(SearchQuery("caramel"), page: PageRequest(), at: before).total == 1)
            #expect(try await store.publicTags(at: before).first { $0.tag.slug.rawValue == "deals" }?.count == 1)
            #expect(try await store.adjacentPosts(to: newer, at: before).older?.id == saved.id)
            #expect(try await store.relatedPosts(to: older, limit: 3, at: before).map(\.id).contains(saved.id))
            #expect(try await store.aliasTarget("/2023/offer", at: before) == saved.slug)
            #expect(try await store.postListings(.published, matching: "", authorID: nil, limit: 10, at: before).count == 3)

            // At its expiry, it is on none of them, with no write in between.
            #expect(try await store.publishedPost(slug: saved.slug, at: expiry) == nil)
            #expect(try await store.publishedPosts(PageRequest(), tagged: nil, at: expiry).items.map(\.slug.rawValue) == ["newer", "older"])
            #expect(try await store.publishedPosts(PageRequest(), tagged: try Slug("deals"), at: expiry).total == 0)
            #expect(try await store.publishedArchive(at: expiry).count == 2)
            #expect(try await store.latestPosts(limit: 10, tagged: nil, at: expiry).count == 2)
            #expect(try await store.search(SearchQuery("caramel"), page: PageRequest(), at: expiry).total == 0)
            #expect(try await store.publicTags(at: expiry).first { $0.tag.slug.rawValue == "deals" } == nil)
            #expect(try await store.adjacentPosts(to: newer, at: expiry).older?.id == older.id)
            #expect(try await store.adjacentPosts(to: older, at: expiry).newer?.id == newer.id)
            #expect(try await !store.relatedPosts(to: older, limit: 3, at: expiry).map(\.id).contains(saved.id))
            #expect(try await store.aliasTarget("/2023/offer", at: expiry) == nil)
            #expect(try await store.postListings(.published, matching: "", authorID: nil, limit: 10, at: expiry).count == 2)
            let listed = try await store.postListings(.all, matching: "offer", authorID: nil, limit: 10, at: expiry)
            #expect(listed.map { $0.state(at: expiry) } == ["expired"])
            #expect(try await store.siteState(at: expiry).nextChange == nil)

            // An edit that clears the expiry brings it back.
            var kept = saved.draft
            kept.expiresAt = nil
            let edited = try await store.savePost(PostEdit(id: saved.id, draft: kept, baseVersion: saved.version, userID: nil), rendered: Self.renderer.render(kept.source), at: expiry)
            #expect(edited.outcome == .updated)
            #expect(try await store.publishedPost(slug: saved.slug, at: expiry.addingTimeInterval(86_400)) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyWriteIsCountedInMemory(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let start = store.localChanges.value
            _ = try await save(store, .fixture(slug: "one"))
            #expect(store.localChanges.value > start)
            let afterSave = store.localChanges.value
            try await store.setSetting("k", to: "v")
            #expect(store.localChanges.value > afterSave)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentSavesAllLand(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask { _ = try await save(store, .fixture(slug: "c-\(n)", tags: ["x", "y"])) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.publishedPosts(PageRequest(), tagged: Slug("y"), at: Self.t0).total == 40)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func settingsAreKeptAndReplaced(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.setting("renderer_version") == nil)
            try await store.setSetting("renderer_version", to: "1")
            try await store.setSetting("renderer_version", to: "2")
            #expect(try await store.setting("renderer_version") == "2")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everySlugIsListedWhateverItsStatus(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await save(store, .fixture(slug: "b-draft", status: .draft))
            _ = try await save(store, .fixture(slug: "a-public"))
            #expect(try await store.allSlugs().map(\.rawValue) == ["a-public", "b-draft"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func postsAreRenderedAgainOnceWhenTheRendererChanges(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let source = "```python\nx = 1\n```\n"
            let old = PostWriter(store: store, renderer: MarkdownRenderer(codeBlocks: PlainCodeBlockRenderer()), clock: { Self.t0 })
            let saved = try await old.save(.fixture(slug: "code", source: source)).post
            try await RenderingUpgrade(store: store, renderer: old.renderer, version: "1").run()
            #expect(try await RenderingUpgrade(store: store, version: "1").run() == 0, "same version: nothing to do")

            #expect(try await RenderingUpgrade(store: store, version: "2").run() == 1)
            let upgraded = try #require(try await store.post(slug: Slug("code")))
            #expect(upgraded.rendered.html.contains(#"<span class="n">x</span>"#))
            #expect(upgraded.updatedAt == saved.updatedAt)
            #expect(upgraded.version == saved.version)
            #expect(try await store.revisions(ofPost: saved.id).count == 1)
            #expect(try await RenderingUpgrade(store: store, version: "2").run() == 0, "done once")

            // The site's raw-HTML setting is part of what was rendered.
            let html = try await old.save(.fixture(slug: "html", source: "<kbd>K</kbd>")).post
            #expect(try await RenderingUpgrade.recordedRawHTML(in: store) == .sanitized)
            let escaped = MarkdownRenderer(rawHTML: .escaped)
            #expect(try await RenderingUpgrade(store: store, renderer: escaped, version: "2").run() == 1, "the code post has no HTML")
            #expect(try await store.post(id: html.id)?.rendered.html == "<p>&lt;kbd&gt;K&lt;/kbd&gt;</p>\n")
            #expect(try await RenderingUpgrade.recordedRawHTML(in: store) == .escaped)
            #expect(try await RenderingUpgrade(store: store, renderer: escaped, version: "2").run() == 0)
        }
    }

    /// SQLite's text ends at a NUL and PostgreSQL refuses one: the writer stores U+FFFD instead,
    /// as CommonMark reads a NUL (found by the XSS corpus: a title `<\0img …>` came back as `<`).
    @Test(arguments: StoreKind.allCases)
    func aNULInWhatAnAuthorWroteIsStoredAsAReplacementCharacter(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let writer = PostWriter(store: store, clock: { Self.t0 })
            let draft = try PostDraft(
                slug: Slug("nul"), title: "a\u{0}b", summary: "c\u{0}", source: "<\u{0}img src=x>\n", tags: [Tag(name: "t\u{0}g")], publishedAt: Self.t0
            )
            let saved = try await writer.save(draft).post
            let stored = try #require(try await store.post(id: saved.id))
            #expect(stored.title == "a\u{FFFD}b" && stored.summary == "c\u{FFFD}" && stored.source == "<\u{FFFD}img src=x>\n")
            #expect(stored.tags.map(\.name) == ["t\u{FFFD}g"])
            var edit = PostEdit(id: saved.id, draft: draft, baseVersion: saved.version, userID: nil)
            edit.draft.title = "d\u{0}"
            #expect(try await writer.save(edit).post.title == "d\u{FFFD}")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func healthCheckAnswers(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.checkHealth()
        }
    }
}

/// The store implementations under contract. PostgreSQL is among them when a server is there
/// to test against (`scripts/postgres.sh run` starts one; `make test` always does), or when the
/// run requires it (`GALLEY_REQUIRE_POSTGRES=1`, set by `make test`), so that a missing server
/// fails those tests instead of leaving them out.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    static var allCases: [StoreKind] {
        PostgresTestDatabase.isConfigured ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
    }

    var testDescription: String { rawValue }

    func withStore(_ body: (any Store) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(MemoryStore())
        case .sqlite:
            try await TemporaryFolder.with { folder in
                let store = try await SQLStore.openSQLite(path: folder.appendingPathComponent("galley.sqlite").path, logger: Logger(label: "test"))
                try await store.migrate()
                try await store.closing { try await body($0) }
            }
        case .postgres:
            try await PostgresTestDatabase.with { store in try await body(store) }
        }
    }
}

enum TemporaryFolder {
    static func with<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("galley-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}

extension PostDraft {
    static func fixture(
        slug: String, source: String? = nil, summary: String = "", date: Date = StoreContractTests.t0.addingTimeInterval(-86_400),
        tags: [String] = [], status: PostStatus = .published
    ) -> PostDraft {
        PostDraft(
            slug: try! Slug(slug), title: "Post \(slug)", summary: summary,
            source: source ?? "Body of **\(slug)**.\n\n## Section\n\nMore.\n",
            tags: .named(tags), status: status, publishedAt: date
        )
    }
}
