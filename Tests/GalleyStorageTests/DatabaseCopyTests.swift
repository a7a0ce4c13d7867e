import Foundation
import GalleyCore
import GalleyMarkdown
import GalleyStorage
import Logging
import Testing

/// `galley db copy` between SQLite and PostgreSQL, both ways.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured)) struct DatabaseCopyTests {
    /// A blog with something in every table.
    func fill(_ store: some Store) async throws -> Post {
        let writer = PostWriter(store: store, clock: { StoreContractTests.t0 })
        let ada = try await store.createUser(User(email: "ada@example.com", name: "Ada", role: .admin, passwordHash: "$2b$12$h", totpSecret: "s", recoveryCodeHashes: ["a", "b"], createdAt: StoreContractTests.t0))
        var draft = PostDraft.fixture(slug: "creme", source: "Crème brûlée, with **caramel**.", tags: ["Cooking", "Dessert"])
        let post = try await writer.save(PostEdit(id: nil, draft: draft, baseVersion: nil, userID: ada.id)).post
        draft.slug = try Slug("creme-brulee")
        _ = try await writer.save(PostEdit(id: post.id, draft: draft, baseVersion: post.version, userID: ada.id))
        _ = try await store.autosave(postID: post.id, title: "T", source: "typing", userID: ada.id, at: StoreContractTests.t0)
        _ = try await writer.save(.fixture(slug: "draft", status: .draft))
        try await store.saveMedia(Media(sha256: "00ff", kind: .png, bytes: [0x89, 0x50, 0, 255, 7], originalName: "a.png", uploadedBy: ada.id, createdAt: StoreContractTests.t0))
        try await store.createSession(Session(tokenHash: "t", userID: ada.id, csrfToken: "c", awaitingSecondFactor: false, createdAt: StoreContractTests.t0, lastSeenAt: StoreContractTests.t0))
        try await store.setSetting("site", to: #"{"title":"Copied"}"#)
        return try #require(try await store.post(id: post.id))
    }

    @Test func aSQLiteBlogMovesToPostgreSQLAndBack() async throws {
        try await TemporaryFolder.with { folder in
            let sqlite = try await SQLStore.openSQLite(path: folder.appendingPathComponent("galley.sqlite").path, logger: Logger(label: "test"))
            try await sqlite.migrate()
            let post = try await fill(sqlite)
            try await PostgresTestDatabase.with { postgres in
                let reports = try await DatabaseCopy(from: sqlite, to: postgres).run(replace: false)
                #expect(reports.allSatisfy { $0.matches })
                #expect(reports.first { $0.table == "revisions" }?.rows == 4, "two saves and an autosave of one post, one save of the other")
                #expect(reports.first { $0.table == "media" }?.rows == 1)
                // The copy is a working blog: same post, redirect, search, sessions, users.
                #expect(try await postgres.post(id: post.id) == post)
                #expect(try await postgres.redirect(from: Slug("creme")) == Slug("creme-brulee"))
                #expect(try await postgres.search(SearchQuery("brulee caramel"), page: PageRequest(), at: Date()).items.map(\.post.id) == [post.id])
                #expect(try await postgres.session(tokenHash: "t")?.userID == post.authorID)
                #expect(try await postgres.user(email: "ada@example.com")?.recoveryCodeHashes == ["a", "b"])
                #expect(try await postgres.media(sha256: "00ff")?.bytes == [0x89, 0x50, 0, 255, 7])
                let copiedRevision = try await postgres.siteState(at: Date()).revision
                #expect(copiedRevision == (try await sqlite.siteState(at: Date()).revision))
                // New rows continue after the copied ids.
                let next = try await PostWriter(store: postgres).save(.fixture(slug: "after-the-move")).post
                #expect(next.id > post.id)

                await #expect(throws: DatabaseCopy.TargetNotEmpty.self) { try await DatabaseCopy(from: sqlite, to: postgres).run(replace: false) }
                let replaced = try await DatabaseCopy(from: sqlite, to: postgres).run(replace: true)
                #expect(replaced.allSatisfy { $0.matches })
                #expect(try await postgres.post(slug: Slug("after-the-move")) == nil, "replaced")

                let back = try await SQLStore.openSQLite(path: folder.appendingPathComponent("back.sqlite").path, logger: Logger(label: "test"))
                try await back.migrate()
                let backAgain = try await DatabaseCopy(from: postgres, to: back).run(replace: false)
                #expect(backAgain.allSatisfy { $0.matches })
                #expect(try await back.search(SearchQuery("caramel"), page: PageRequest(), at: Date()).total == 1)
                try await back.close()
            }
            try await sqlite.close()
        }
    }
}
