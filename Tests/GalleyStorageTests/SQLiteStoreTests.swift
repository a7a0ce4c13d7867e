import Foundation
import GalleyCore
@testable import GalleyStorage
import Logging
import SQLiteKit
import Testing

@Suite struct SQLiteStoreTests {
    let logger = Logger(label: "test")

    @Test func migrationsAreRecordedAndAppliedOnce() async throws {
        try await TemporaryFolder.with { folder in
            let path = folder.appendingPathComponent("nested/galley.sqlite").path
            let store = try await SQLStore.openSQLite(path: path, logger: logger)
            // Numbered from 1 with no gap, each applied once.
            let versions = Array(1...Migrations.all.count)
            #expect(Migrations.all.map(\.version) == versions)
            #expect(try await store.migrate() == versions)
            #expect(try await store.migrate() == [])
            try await store.close()

            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            let rows = try await connection.sql().raw("SELECT version, name FROM schema_migrations").all()
            #expect(try rows.map { try $0.decode(column: "version", as: Int.self) } == versions)
            try await connection.close()
        }
    }

    @Test func databaseRunsInWALModeWithForeignKeysOnAndSmallPageCaches() async throws {
        try await TemporaryFolder.with { folder in
            let path = folder.appendingPathComponent("galley.sqlite").path
            let store = try await SQLStore.openSQLite(path: path, logger: logger)
            try await store.migrate()
            try await store.close()
            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            let mode = try await connection.sql().raw("PRAGMA journal_mode").first()
            #expect(try mode?.decode(column: "journal_mode", as: String.self) == "wal")
            try await connection.close()
            // Foreign keys and the page cache are per-connection settings: every connection of the store has them.
            let reopened = try await Self.open(path, logger)
            for connection in try #require(reopened.backend as? SQLiteBackend).connections {
                let row = try await connection.sql().raw("PRAGMA foreign_keys").first()
                #expect(try row?.decode(column: "foreign_keys", as: Int.self) == 1)
                let cache = try await connection.sql().raw("PRAGMA cache_size").first()
                #expect(try cache?.decode(column: "cache_size", as: Int.self) == -512)
            }
            try await reopened.close()
        }
    }

    @Test func dataSurvivesReopening() async throws {
        try await TemporaryFolder.with { folder in
            let path = folder.appendingPathComponent("galley.sqlite").path
            let writer = PostWriter(store: try await Self.open(path, logger))
            let saved = try await writer.save(.fixture(slug: "kept", tags: ["x"])).post
            try await (writer.store as? SQLStore)?.close()

            let store = try await Self.open(path, logger)
            #expect(try await store.post(slug: Slug("kept")) == saved)
            #expect(try await store.revisions(ofPost: saved.id).count == 1)
            try await store.close()
        }
    }

    /// A post the database refuses fails alone: its window is written again one post at a time.
    @Test func aPostTheDatabaseRefusesFailsAloneAndTheOthersOfItsWindowImport() async throws {
        try await TemporaryFolder.with { folder in
            let store = try await Self.open(folder.appendingPathComponent("galley.sqlite").path, logger)
            try await store.write { db in
                try await db.raw("""
                    CREATE TRIGGER refuse BEFORE INSERT ON posts WHEN NEW.slug = 'refused'
                    BEGIN SELECT RAISE(ABORT, 'this post is refused'); END
                    """).run()
            }
            let site = folder.appendingPathComponent("site")
            try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
            for name in ["kept-before", "refused", "kept-after"] {
                try "# \(name)\n\nWords.\n".write(to: site.appendingPathComponent("\(name).md"), atomically: true, encoding: .utf8)
            }
            let report = await SiteImporter(store: store).importPaths([site.path])
            #expect(report.created.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == ["kept-after.md", "kept-before.md"])
            #expect(report.failures.map(\.message) == ["constraintTriggerFailed: this post is refused"])
            #expect(try await store.allSlugs().map(\.rawValue) == ["kept-after", "kept-before"])
            try await store.close()
        }
    }

    static func open(_ path: String, _ logger: Logger) async throws -> SQLStore {
        let store = try await SQLStore.openSQLite(path: path, logger: logger)
        try await store.migrate()
        return store
    }
}
