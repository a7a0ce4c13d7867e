import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import Testing

/// The editor's, users' and media's part of the storage contract, over every store.
@Suite struct EditorContractTests {
    static let t0 = StoreContractTests.t0
    static let renderer = MarkdownRenderer()

    func edit(
        _ store: some Store, id: Int64?, _ draft: PostDraft, base: Int?, user: Int64? = nil, at now: Date = t0
    ) async throws -> SaveResult {
        try await store.savePost(
            PostEdit(id: id, draft: draft, baseVersion: base, userID: user), rendered: Self.renderer.render(draft.source), at: now
        )
    }

    func slug(_ text: String) -> Slug { try! Slug(text) }

    func makeUser(_ store: some Store, _ email: String, role: Role = .author) async throws -> User {
        try await store.createUser(User(email: email, name: "Someone", role: role, passwordHash: "$2b$12$x", createdAt: Self.t0))
    }

    @Test(arguments: StoreKind.allCases)
    func aSaveFromAStaleCopyIsRefusedAndWritesNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let author = try await makeUser(store, "a@example.com")
            var draft = PostDraft.fixture(slug: "shared", status: .draft)
            let created = try await edit(store, id: nil, draft, base: nil, user: author.id)
            #expect(created.outcome == .created)
            #expect(created.post.authorID == author.id)
            draft.source = "Tab one's words."
            let first = try await edit(store, id: created.post.id, draft, base: 1, user: author.id, at: Self.t0.addingTimeInterval(10))
            #expect(first.post.version == 2)
            draft.source = "Tab two's words, from version 1."
            await #expect(throws: EditConflict.self) {
                try await edit(store, id: created.post.id, draft, base: 1, at: Self.t0.addingTimeInterval(20))
            }
            let stored = try #require(try await store.post(id: created.post.id))
            #expect(stored.source == "Tab one's words.")
            let revisions = try await store.revisions(ofPost: stored.id)
            #expect(revisions.map(\.number) == [1, 2])
            #expect(revisions.map(\.authorID) == [author.id, author.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changingAPublicSlugLeavesARedirectAndTakenSlugsAreRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let post = try await edit(store, id: nil, .fixture(slug: "old-name"), base: nil).post
            _ = try await edit(store, id: nil, .fixture(slug: "other"), base: nil)
            var draft = post.draft
            draft.slug = slug("new-name")
            let moved = try await edit(store, id: post.id, draft, base: post.version).post
            #expect(moved.slug.rawValue == "new-name")
            #expect(try await store.post(slug: slug("old-name")) == nil)
            #expect(try await store.redirect(from: slug("old-name")) == slug("new-name"))
            draft.slug = slug("other")
            await #expect(throws: GalleyError.self) {
                try await edit(store, id: post.id, draft, base: moved.version)
            }
            // Moving again keeps every old address pointing at the newest.
            draft.slug = slug("newest")
            _ = try await edit(store, id: post.id, draft, base: moved.version)
            #expect(try await store.redirect(from: slug("old-name")) == slug("newest"))
            #expect(try await store.redirect(from: slug("new-name")) == slug("newest"))
            // A new post may take an old address: the redirect gives way.
            _ = try await edit(store, id: nil, .fixture(slug: "old-name"), base: nil)
            #expect(try await store.redirect(from: slug("old-name")) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func autosavesAreCoalescedAndLeaveThePostAlone(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let one = try await makeUser(store, "one@example.com").id
            let two = try await makeUser(store, "two@example.com").id
            let post = try await edit(store, id: nil, .fixture(slug: "typing"), base: nil, user: one).post
            let siteRevision = try await store.siteState(at: Self.t0).revision
            _ = try await store.autosave(postID: post.id, title: "T", source: "one", userID: one, at: Self.t0.addingTimeInterval(1))
            let second = try await store.autosave(postID: post.id, title: "T", source: "one two", userID: one, at: Self.t0.addingTimeInterval(2))
            #expect(second.number == 2)
            _ = try await store.autosave(postID: post.id, title: "T", source: "someone else", userID: two, at: Self.t0.addingTimeInterval(3))
            let revisions = try await store.revisions(ofPost: post.id)
            #expect(revisions.map(\.number) == [1, 2, 3])
            #expect(revisions.map(\.kind) == [.save, .autosave, .autosave])
            #expect(revisions[1].source == "one two")
            let latest = try await store.revision(ofPost: post.id, number: nil)
            let numberTwo = try await store.revision(ofPost: post.id, number: 2)
            let missing = try await store.revision(ofPost: post.id, number: 9)
            #expect(latest == revisions.last && numberTwo == revisions[1] && missing == nil)
            #expect(try await store.post(id: post.id) == post)
            #expect(try await store.siteState(at: Self.t0).revision == siteRevision, "an autosave changes no public page")
            var draft = post.draft
            draft.source = "saved for real"
            _ = try await edit(store, id: post.id, draft, base: post.version, user: one)
            _ = try await store.autosave(postID: post.id, title: "T", source: "after the save", userID: one, at: Self.t0.addingTimeInterval(4))
            #expect(try await store.revisions(ofPost: post.id).map(\.number) == [1, 2, 3, 4, 5])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listsTrashAndPurge(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let one = try await makeUser(store, "one@example.com").id
            let two = try await makeUser(store, "two@example.com").id
            let mine = try await edit(store, id: nil, .fixture(slug: "draft-one", status: .draft), base: nil, user: one, at: Self.t0).post
            let published = try await edit(store, id: nil, .fixture(slug: "live"), base: nil, user: two, at: Self.t0.addingTimeInterval(1)).post
            var later = PostDraft.fixture(slug: "later")
            later.publishedAt = Self.t0.addingTimeInterval(3600)
            _ = try await edit(store, id: nil, later, base: nil, user: two, at: Self.t0.addingTimeInterval(2))
            func titles(_ filter: PostFilter, _ text: String = "", author: Int64? = nil) async throws -> [String] {
                try await store.postListings(filter, matching: text, authorID: author, limit: 50, at: Self.t0).map(\.slug.rawValue)
            }
            #expect(try await titles(.all) == ["later", "live", "draft-one"])
            #expect(try await titles(.drafts) == ["draft-one"])
            #expect(try await titles(.scheduled) == ["later"])
            #expect(try await titles(.published) == ["live"])
            #expect(try await titles(.all, author: one) == ["draft-one"])
            #expect(try await titles(.all, "LIV") == ["live"])

            await #expect(throws: GalleyError.self) { try await store.purgePost(id: published.id) }
            try await store.setTrashed(postID: published.id, true, at: Self.t0.addingTimeInterval(5))
            #expect(try await titles(.trash) == ["live"])
            #expect(try await titles(.all) == ["later", "draft-one"])
            #expect(try await store.publishedPost(slug: published.slug, at: Self.t0.addingTimeInterval(10)) == nil)
            let trashed = try #require(try await store.post(id: published.id))
            #expect(trashed.status == .draft)
            #expect(trashed.version == published.version + 1, "an editor open on it must reload")
            try await store.setTrashed(postID: published.id, false, at: Self.t0.addingTimeInterval(6))
            #expect(try await titles(.drafts) == ["live", "draft-one"])
            try await store.setTrashed(postID: mine.id, true, at: Self.t0.addingTimeInterval(7))
            try await store.purgePost(id: mine.id)
            #expect(try await store.post(id: mine.id) == nil)
            #expect(try await store.revisions(ofPost: mine.id).isEmpty)
            #expect(try await store.allSlugs().map(\.rawValue).sorted() == ["later", "live"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usersAndSessions(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let ada = try await makeUser(store, " Ada@Example.com ", role: .admin)
            #expect(ada.email == "ada@example.com")
            await #expect(throws: GalleyError.self) { try await makeUser(store, "ADA@example.com") }
            #expect(try await store.user(email: "ada@EXAMPLE.com") == ada)
            #expect(try await store.user(id: ada.id) == ada)
            let session = Session(
                tokenHash: "h1", userID: ada.id, csrfToken: "c", awaitingSecondFactor: true, createdAt: Self.t0, lastSeenAt: Self.t0
            )
            try await store.createSession(session)
            var seen = session
            seen.lastSeenAt = Self.t0.addingTimeInterval(60)
            seen.awaitingSecondFactor = false
            try await store.updateSession(seen)
            #expect(try await store.session(tokenHash: "h1") == seen)
            var changed = ada
            changed.name = "Ada L."
            changed.totpSecret = "secret"
            changed.recoveryCodeHashes = ["r1", "r2"]
            try await store.updateUser(changed)
            #expect(try await store.user(id: ada.id) == changed)
            #expect(try await store.session(tokenHash: "h1") != nil, "a new name keeps the sessions")
            changed.passwordHash = "$2b$12$y"
            try await store.updateUser(changed)
            #expect(try await store.session(tokenHash: "h1") == nil, "a new password ends every session")
            try await store.createSession(session)
            try await store.deleteSession(tokenHash: "h1")
            #expect(try await store.session(tokenHash: "h1") == nil)
            #expect(try await store.users().map(\.id) == [ada.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func mediaIsStoredOnceByHash(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2, 255]
            let media = Media(sha256: "ab12", kind: .png, bytes: bytes, originalName: "a.png", uploadedBy: nil, createdAt: Self.t0)
            let first = try await store.saveMedia(media)
            let again = try await store.saveMedia(media)
            #expect(first && !again)
            let stored = try await store.media(sha256: "ab12")
            let missing = try await store.media(sha256: "none")
            let list = try await store.mediaList()
            #expect(stored == media)
            #expect(missing == nil)
            #expect(list == [media.info])
        }
    }
}
