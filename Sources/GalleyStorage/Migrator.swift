import Foundation
import GalleyCore
import SQLKit

/// Applies the migrations a database has not seen yet, in order, each in a transaction together
/// with its row in `schema_migrations`, so a failed migration leaves no trace.
struct Migrator {
    let database: any SQLDatabase
    let dialect: SQLDialect

    func migrate(_ migrations: [Migration] = Migrations.all) async throws -> [Int] {
        try await database.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """).run()
        var applied: Set<Int> = []
        for row in try await database.raw("SELECT version FROM schema_migrations").all() {
            applied.insert(try row.decode(column: "version", as: Int.self))
        }
        var newlyApplied: [Int] = []
        for migration in migrations where !applied.contains(migration.version) {
            try await database.raw(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                for statement in migration.statements(dialect) {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await database.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date().millisecondsSince1970))
                    """).run()
                try await database.raw("COMMIT").run()
            } catch {
                try await database.raw("ROLLBACK").run()
                throw error
            }
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }
}
