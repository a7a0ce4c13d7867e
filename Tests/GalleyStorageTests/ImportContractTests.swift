import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import Testing

/// The import's part of the storage contract, over every store: a post found by the file it came
/// from, its old addresses, bylines and the author's own update time.
@Suite struct ImportContractTests {
    static let t0 = StoreContractTests.t0
    static let renderer = MarkdownRenderer()

    func save(_ store: some Store, _ draft: PostDraft, at now: Date = t0) async throws -> SaveResult {
        try await store.savePost(draft, rendered: Self.renderer.render(draft.source), at: now)
    }

    func imported(_ slug: String, source: String, aliases: [String], updated: Date? = nil) -> PostDraft {
        var draft = PostDraft.fixture(slug: slug)
        draft.updatedAt = updated ?? draft.publishedAt
        draft.bylines = ["Ada Lovelace", "Grace Hopper"]
        draft.origin = PostOrigin(source: source, aliases: aliases, frontMatter: #"{"layout":"post"}"#)
        return draft
    }

    @Test(arguments: StoreKind.allCases)
    func anImportedPostKeepsItsOriginBylinesAndOwnUpdateTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let draft = imported("moved-in", source: "_posts/2019-03-01-moved-in.md", aliases: ["/2019/03/01/moved-in", "/old"])
            let created = try await save(store, draft)
            #expect(created.outcome == .created)
            // Never the moment of the import: the author's date.
            #expect(created.post.updatedAt == draft.publishedAt)
            let slug = try #require(try await store.importedSlugs()["_posts/2019-03-01-moved-in.md"])
            let stored = try #require(try await store.post(slug: slug))
            #expect(stored.id == created.post.id)
            #expect(stored.bylines == ["Ada Lovelace", "Grace Hopper"])
            #expect(stored.origin == draft.origin)
            #expect(stored.updatedAt == draft.publishedAt)
            #expect(try await store.importedSlugs().count == 1)

            #expect(try await store.aliasTarget("/2019/03/01/moved-in", at: Self.t0) == stored.slug)
            #expect(try await store.aliasTarget("/old", at: Self.t0) == stored.slug)
            #expect(try await store.aliasTarget("/nothing", at: Self.t0) == nil)

            // The same file again: unchanged, nothing new.
            #expect(try await save(store, draft, at: Self.t0.addingTimeInterval(60)).outcome == .unchanged)

            // The editor's save leaves bylines and origin alone and dates the change now.
            var edit = stored.draft
            edit.bylines = nil
            edit.origin = nil
            edit.updatedAt = nil
            edit.source = "Edited here."
            let later = Self.t0.addingTimeInterval(120)
            let edited = try await store.savePost(PostEdit(id: stored.id, draft: edit, baseVersion: stored.version, userID: nil), rendered: Self.renderer.render(edit.source), at: later)
            #expect(edited.outcome == .updated)
            #expect(edited.post.updatedAt == later)
            #expect(edited.post.bylines == stored.bylines)
            #expect(edited.post.origin == stored.origin)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aliasesFollowTheirPostAndAreNeverTakenFromAnother(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await save(store, imported("first", source: "a.md", aliases: ["/shared", "/a-only"])).post
            let second = try await save(store, imported("second", source: "b.md", aliases: ["/shared", "/b-only"])).post
            #expect(try await store.aliasTarget("/shared", at: Self.t0) == first.slug)
            #expect(try await store.aliasTarget("/b-only", at: Self.t0) == second.slug)

            // A new import of a.md without /a-only: that alias goes.
            _ = try await save(store, imported("first", source: "a.md", aliases: ["/shared"]), at: Self.t0.addingTimeInterval(5))
            #expect(try await store.aliasTarget("/a-only", at: Self.t0) == nil)

            // A draft's aliases lead nowhere public.
            var hidden = imported("hidden", source: "c.md", aliases: ["/hidden"])
            hidden.status = .draft
            _ = try await save(store, hidden)
            #expect(try await store.aliasTarget("/hidden", at: Self.t0) == nil)

            let taken = try await store.takenSlugs()
            #expect(taken.contains(first.slug))
            #expect(!taken.contains(try Slug("free")))
        }
    }

    /// An import's window: saved as each post alone would be, the site revision bumped once,
    /// each media file stored once; and nothing of it when one post fails.
    @Test(arguments: StoreKind.allCases)
    func aWindowOfImportedPostsIsSavedTogether(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let stored = try await save(store, imported("there", source: "there.md", aliases: [])).post
            let image = Media(sha256: "aa01", kind: .png, bytes: [0x89, 1, 2], originalName: "a.png", uploadedBy: nil, createdAt: Self.t0)
            let other = Media(sha256: "bb02", kind: .gif, bytes: [0x47, 3], originalName: "b.gif", uploadedBy: nil, createdAt: Self.t0)
            try await store.saveMedia(other)
            var changed = stored.draft
            changed.source = "Changed by the new import."
            let drafts = [imported("one", source: "one.md", aliases: ["/2020/one"]), changed, imported("two", source: "two.md", aliases: ["/2020/two"])]
            func window(_ drafts: [PostDraft]) -> [ImportedPost] {
                drafts.map { ImportedPost(draft: $0, rendered: Self.renderer.render($0.source), media: [image, other]) }
            }
            let before = try await store.siteState(at: Self.t0).revision
            let later = Self.t0.addingTimeInterval(60)
            let batch = try await store.saveImported(window(drafts), at: later)
            #expect(batch == ImportedBatch(outcomes: [.created, .updated, .created], newMedia: 1))
            #expect(try await store.siteState(at: later).revision == before + 1)
            let one = try #require(try await store.post(slug: Slug("one")))
            #expect(one.origin == drafts[0].origin && one.bylines == drafts[0].bylines)
            #expect(try await store.revisions(ofPost: one.id).count == 1)
            #expect(try await store.aliasTarget("/2020/two", at: later) == Slug("two"))
            #expect(try await store.post(slug: stored.slug)?.source == "Changed by the new import.")
            #expect(try await store.revisions(ofPost: stored.id).count == 2)
            #expect(try await store.media(sha256: "aa01")?.bytes == image.bytes)

            // The same window again changes nothing, not even the revision.
            #expect(try await store.saveImported(window(drafts), at: later.addingTimeInterval(60)) == ImportedBatch(outcomes: [.unchanged, .unchanged, .unchanged], newMedia: 0))
            #expect(try await store.siteState(at: later).revision == before + 1)

            // A database refuses a second post from one file: the window's other post, its
            // media and the revision stay as they were.
            guard kind != .memory else { return }
            let fresh = imported("three", source: "three.md", aliases: [])
            var clash = imported("four", source: "one.md", aliases: [])
            clash.title = "Four"
            let third = Media(sha256: "cc03", kind: .png, bytes: [0x89, 9], originalName: "c.png", uploadedBy: nil, createdAt: Self.t0)
            await #expect(throws: (any Error).self) {
                try await store.saveImported([fresh, clash].map { ImportedPost(draft: $0, rendered: Self.renderer.render($0.source), media: [third]) }, at: later)
            }
            #expect(try await store.post(slug: Slug("three")) == nil)
            #expect(try await store.media(sha256: "cc03") == nil)
            #expect(try await store.siteState(at: later).revision == before + 1)
        }
    }

    @Test func oldAddressesAreNormalizedToOneForm() {
        for path in ["/2019/03/x/", "/2019/03/x", "2019/03/x", "/2019/03/x.html", "/2019/03/x/index.html", "https://old.example/2019/03/x/?utm=1#top"] {
            #expect(AliasPath.normalize(path) == "/2019/03/x", "\(path)")
        }
        #expect(AliasPath.normalize("/caf%C3%A9/") == "/café")
        for path in ["/", "", "/../etc", "/a//b", "/a%0Ab"] {
            #expect(AliasPath.normalize(path) == nil, "\(path)")
        }
    }
}
