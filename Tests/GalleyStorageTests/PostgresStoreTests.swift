import Foundation
import GalleyCore
@testable import GalleyStorage
import Logging
import SQLKit
import Testing

/// What only PostgreSQL has: migrations racing between replicas, and pool limits.
@Suite(.enabled(if: PostgresTestDatabase.isConfigured)) struct PostgresStoreTests {
    @Test func replicasMigratingAtOnceApplyEachMigrationOnce() async throws {
        let (url, drop) = try await PostgresTestDatabase.makeDatabase()
        let stores = [
            try await SQLStore.openPostgres(url: url, poolSize: 2, logger: Logger(label: "a")),
            try await SQLStore.openPostgres(url: url, poolSize: 2, logger: Logger(label: "b")),
            try await SQLStore.openPostgres(url: url, poolSize: 2, logger: Logger(label: "c")),
        ]
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            var all: [[Int]] = []
            for try await versions in group { all.append(versions) }
            return all
        }
        #expect(applied.flatMap { $0 }.sorted() == Migrations.all.map(\.version), "every migration once, by one of them")
        let recorded = try await stores[0].read { db in try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations").first() }
        #expect(try recorded?.decode(column: "n", as: Int.self) == Migrations.all.count)
        for store in stores { try await store.close() }
        try await drop()
    }

    @Test func writesFromSeveralProcessesAreSerialized() async throws {
        try await PostgresTestDatabase.with { store in
            let writer = PostWriter(store: store)
            // Twenty saves at once through a pool of four: none may lose another's revision bump.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { _ = try await writer.save(.fixture(slug: "post-\(index)")) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.siteState(at: Date()).revision == 20)
            #expect(try await store.allSlugs().count == 20)
        }
    }

    @Test func theURLsPasswordNeverReachesLogs() throws {
        let url = try #require(PostgresURL("postgresql://galley:hunter2@db:5432/blog"))
        #expect(!url.redacted.contains("hunter2"))
        #expect(PostgresURL("postgres://galley@db/blog")?.password == nil)
    }
}
