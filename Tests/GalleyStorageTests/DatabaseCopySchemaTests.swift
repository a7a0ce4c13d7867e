import Foundation
@testable import GalleyStorage
import Logging
import SQLKit
import Testing

/// `DatabaseCopy.tables` names every table and column it copies by hand: a column a migration
/// adds and the list forgets would be dropped by `galley db copy` while its checksums still
/// match. These tests hold the list to the migrated schema of both databases.
@Suite struct DatabaseCopySchemaTests {
    /// What the copy leaves out on purpose: the migrations' own record, which the target has from
    /// migrating, and the search index, which the target builds from the copied posts.
    static func copied(_ table: String, _ column: String) -> Bool {
        table != "schema_migrations" && !table.hasPrefix("posts_fts") && !(table == "posts" && column == "search")
    }

    static var listed: [String: Set<String>] {
        Dictionary(uniqueKeysWithValues: DatabaseCopy.tables.map { ($0.name, Set($0.columns.map(\.0))) })
    }

    static func schema(of store: SQLStore, _ query: SQLQueryString) async throws -> [String: Set<String>] {
        let rows = try await store.read { db in try await db.raw(query).all() }
        var schema: [String: Set<String>] = [:]
        for row in rows {
            let table = try row.decode(column: "table_name", as: String.self)
            let column = try row.decode(column: "column_name", as: String.self)
            if copied(table, column) { schema[table, default: []].insert(column) }
        }
        return schema
    }

    @Test func theCopyListsEverySQLiteColumn() async throws {
        try await TemporaryFolder.with { folder in
            let store = try await SQLStore.openSQLite(path: folder.appendingPathComponent("galley.sqlite").path, logger: Logger(label: "test"))
            try await store.migrate()
            let schema = try await Self.schema(of: store, """
                SELECT m.name AS table_name, c.name AS column_name
                FROM sqlite_master AS m, pragma_table_info(m.name) AS c
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                """)
            #expect(schema == Self.listed)
            try await store.close()
        }
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured)) func theCopyListsEveryPostgreSQLColumn() async throws {
        try await PostgresTestDatabase.with { store in
            let schema = try await Self.schema(of: store, """
                SELECT table_name::text AS table_name, column_name::text AS column_name
                FROM information_schema.columns WHERE table_schema = 'public'
                """)
            #expect(schema == Self.listed)
        }
    }
}
