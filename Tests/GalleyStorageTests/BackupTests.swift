import Foundation
import GalleyCore
@testable import GalleyStorage
import Logging
import SQLiteKit
import SQLKit
import Testing

/// `galley backup`, `backup --verify` and `restore`, from and into SQLite and PostgreSQL.
@Suite struct BackupTests {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres

        static var allCases: [Kind] { PostgresTestDatabase.isConfigured ? [.sqlite, .postgres] : [.sqlite] }
        var testDescription: String { rawValue }

        /// A new, migrated, empty store of this kind.
        func withStore(in folder: URL, named name: String = "galley", _ body: (SQLStore) async throws -> Void) async throws {
            switch self {
            case .sqlite:
                let store = try await SQLStore.openSQLite(path: folder.appendingPathComponent("\(name).sqlite").path, logger: Logger(label: "test"))
                try await store.migrate()
                try await store.closing(body)
            case .postgres:
                try await PostgresTestDatabase.with(body)
            }
        }
    }

    static let logger = Logger(label: "test")

    /// Runs a statement on the backup file as someone tampering with it would.
    func tamper(_ path: String, _ statement: String) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        try await connection.sql().raw(SQLQueryString(statement)).run()
        try await connection.close()
    }

    @Test(arguments: Kind.allCases)
    func aBackupRestoresTheWholeBlogIntoEitherKindOfDatabase(from kind: Kind) async throws {
        try await TemporaryFolder.with { folder in
            let file = folder.appendingPathComponent("backup.sqlite").path
            try await kind.withStore(in: folder) { source in
                let post = try await DatabaseCopyTests().fill(source)
                let manifest = try await Backup.create(from: source, at: file, replace: false, now: StoreContractTests.t0, logger: Self.logger)
                #expect(manifest.source == kind.rawValue)
                #expect(manifest.schemaVersion == Migrations.all.count)
                #expect(manifest.tables.first { $0.name == "revisions" }?.rows == 4)
                #expect(manifest.tables.first { $0.name == "posts" }?.columns.contains("expires_at") == true)
                // One file, nothing beside it.
                let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("backup") }
                #expect(names == ["backup.sqlite"])
                #expect(try await Backup.verify(at: file) == manifest)

                for target in Kind.allCases {
                    try await target.withStore(in: folder, named: "restored-\(target)") { restored in
                        let reports = try await Backup.restore(from: file, into: restored, replace: false, logger: Self.logger)
                        #expect(reports.allSatisfy { $0.matches })
                        #expect(try await restored.post(id: post.id) == post)
                        #expect(try await restored.redirect(from: Slug("creme")) == Slug("creme-brulee"))
                        #expect(try await restored.search(SearchQuery("caramel"), page: PageRequest(), at: Date()).total == 1)
                        #expect(try await restored.media(sha256: "00ff")?.bytes == [0x89, 0x50, 0, 255, 7])
                        // A blog is there now: a second restore is refused, and changes nothing.
                        await #expect(throws: DatabaseCopy.TargetNotEmpty.self) {
                            try await Backup.restore(from: file, into: restored, replace: false, logger: Self.logger)
                        }
                        #expect(try await restored.post(id: post.id) == post)
                    }
                }
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func aBackupTakenWhileTheBlogIsWrittenIsOneMomentOfIt(from kind: Kind) async throws {
        try await TemporaryFolder.with { folder in
            try await kind.withStore(in: folder) { source in
                // Each write adds a post and records the count in a setting, in one transaction.
                let writer = Task {
                    for number in 1...60 {
                        _ = try await source.write { db in
                            try await db.raw("""
                                INSERT INTO posts (slug, title, summary, excerpt, source, html, toc, plain_text, first_paragraph, word_count,
                                    status, published_at, created_at, updated_at, version)
                                VALUES (\(bind: "p\(number)"), 'T', '', '', 's', 'h', '[]', 'p', 'p', 1, 'published', 0, 0, 0, 1)
                                """).run()
                            try await db.raw("DELETE FROM settings WHERE key = 'count'").run()
                            try await db.raw("INSERT INTO settings (key, value) VALUES ('count', \(bind: String(number)))").run()
                        }
                    }
                }
                var checked = 0
                for round in 0..<6 {
                    let file = folder.appendingPathComponent("b\(round).sqlite").path
                    try await Backup.create(from: source, at: file, replace: false, now: Date(), logger: Self.logger)
                    let connection = try await SQLiteConnection.open(storage: .file(path: file))
                    let posts = try await connection.sql().raw("SELECT COUNT(*) AS n FROM posts").first()?.decode(column: "n", as: Int.self) ?? -1
                    let count = try await connection.sql().raw("SELECT value FROM settings WHERE key = 'count'").first()?.decode(column: "value", as: String.self)
                    try await connection.close()
                    #expect(String(posts) == (count ?? "0"), "round \(round): \(posts) posts, the count says \(count ?? "none")")
                    checked += 1
                }
                try await writer.value
                #expect(checked == 6)
            }
        }
    }

    @Test func damagedForeignOrNewerBackupsAreRefusedWithTheReasonAndNothingIsWritten() async throws {
        try await TemporaryFolder.with { folder in
            let file = folder.appendingPathComponent("backup.sqlite").path
            try await Kind.sqlite.withStore(in: folder) { source in
                _ = try await DatabaseCopyTests().fill(source)
                try await Backup.create(from: source, at: file, replace: false, now: StoreContractTests.t0, logger: Self.logger)
                await #expect(throws: Backup.Refused.self) {
                    try await Backup.create(from: source, at: file, replace: false, now: StoreContractTests.t0, logger: Self.logger)
                }
                try await Backup.create(from: source, at: file, replace: true, now: StoreContractTests.t0, logger: Self.logger)
            }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            func variant(_ name: String, _ data: Data) throws -> String {
                let path = folder.appendingPathComponent(name).path
                try data.write(to: URL(fileURLWithPath: path))
                return path
            }
            func reason(_ path: String) async -> String {
                do {
                    _ = try await Backup.verify(at: path)
                    return "accepted"
                } catch let refused as Backup.Refused {
                    return refused.reason
                } catch {
                    return "other error: \(error)"
                }
            }
            #expect(await reason(folder.appendingPathComponent("missing.sqlite").path) == "there is no file there")
            #expect(await reason(try variant("text.sqlite", Data("not a database at all".utf8))).hasPrefix("not an SQLite database"))
            let truncated = await reason(try variant("truncated.sqlite", bytes.prefix(bytes.count / 2)))
            #expect(truncated.hasPrefix("not an SQLite database") || truncated.hasPrefix("SQLite finds it damaged"), "\(truncated)")

            let tampered = try variant("tampered.sqlite", bytes)
            try await tamper(tampered, "UPDATE posts SET title = 'Changed' WHERE slug = 'draft'")
            #expect(await reason(tampered).hasPrefix("it does not hold what it recorded: posts: 2 rows with SHA-256"))
            let newer = try variant("newer.sqlite", bytes)
            try await tamper(newer, "UPDATE backup_info SET value = '99' WHERE key = 'schema_version'")
            #expect(await reason(newer) == "made by a newer Galley (schema 99; this one knows up to \(Migrations.all.count)): restore it with that version or a later one")
            let format = try variant("format.sqlite", bytes)
            try await tamper(format, "UPDATE backup_info SET value = '2' WHERE key = 'format'")
            #expect(await reason(format) == "made by a newer Galley (backup format 2; this one reads up to 1)")
            let blog = try variant("blog.sqlite", bytes)
            try await tamper(blog, "DROP TABLE backup_tables")
            #expect(await reason(blog).hasPrefix("not a Galley backup"))

            // A refused backup writes nothing.
            try await Kind.sqlite.withStore(in: folder, named: "target") { (target: SQLStore) async throws in
                await #expect(throws: Backup.Refused.self) {
                    try await Backup.restore(from: tampered, into: target, replace: true, logger: Self.logger)
                }
                let slugs = try await target.allSlugs()
                #expect(slugs.isEmpty)
            }
        }
    }

    @Test func restoringOverAServedBlogMovesItsRevisionForward() async throws {
        try await TemporaryFolder.with { folder in
            let file = folder.appendingPathComponent("backup.sqlite").path
            try await Kind.sqlite.withStore(in: folder, named: "small") { source in
                _ = try await PostWriter(store: source).save(.fixture(slug: "only"))
                try await Backup.create(from: source, at: file, replace: false, now: Date(), logger: Self.logger)
            }
            try await Kind.sqlite.withStore(in: folder, named: "busy") { target in
                for number in 0..<5 { _ = try await PostWriter(store: target).save(.fixture(slug: "busy-\(number)")) }
                let before = try await target.siteState(at: Date()).revision
                try await Backup.restore(from: file, into: target, replace: true, logger: Self.logger)
                #expect(try await target.allSlugs() == [Slug("only")])
                #expect(try await target.siteState(at: Date()).revision > before, "servers on it must not keep their cached pages")
            }
        }
    }
}
