import Foundation
import GalleyCore
import Logging
import SQLiteKit
import SQLKit

/// A whole blog in one SQLite file, made while the blog is served, from SQLite or PostgreSQL.
///
/// The file is a Galley database (so a PostgreSQL blog's backup restores onto a laptop, or opens
/// as a blog of its own) holding two more tables: `backup_info` (format, schema version, when,
/// from which kind of database) and `backup_tables` (each table's columns, rows and SHA-256, as
/// `galley db copy` checks them). It is one snapshot of the blog: SQLite's `VACUUM INTO` of a
/// SQLite blog, `db copy`'s snapshot of a PostgreSQL one. It is written beside its final name and
/// renamed into place only once complete, in rollback-journal mode so that the one file is all
/// there is.
public enum Backup {
    /// The layout of `backup_info` and `backup_tables`; a later one is refused by older Galleys.
    public static let format = 1

    /// What a backup says of itself, checked against what it holds.
    public struct Manifest: Sendable, Equatable {
        public var schemaVersion: Int
        public var createdAt: Date
        public var source: String
        public var tables: [Table]

        public struct Table: Sendable, Equatable {
            public var name: String
            public var columns: [String]
            public var rows: Int
            public var sha256: String
        }
    }

    /// Why a backup cannot be used; nothing was written when this is thrown.
    public struct Refused: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Backs `store` up into a new file at `path`; refuses an existing file unless `replace`.
    @discardableResult
    public static func create(from store: SQLStore, at path: String, replace: Bool, now: Date, logger: Logger) async throws -> Manifest {
        let files = FileManager.default
        if files.fileExists(atPath: path), !replace {
            throw Refused(path: path, reason: "a file is already there; pass --force to replace it")
        }
        let partial = path + ".partial"
        for stale in [partial, partial + "-wal", partial + "-shm", partial + "-journal"] where files.fileExists(atPath: stale) {
            try files.removeItem(atPath: stale)
        }
        do {
            let manifest: Manifest
            switch store.dialect {
            case .sqlite:
                // SQLite's own copy of one snapshot, page by page: 10,000 posts in about a second.
                try await store.exclusively { db in try await db.raw("VACUUM INTO \(bind: partial)").run() }
                manifest = try await onFile(partial) { db in
                    let schema = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int.self) ?? 0
                    var tables: [Manifest.Table] = []
                    for table in DatabaseCopy.tables {
                        let sum = try await DatabaseCopy.sum(table, in: db)
                        tables.append(Manifest.Table(name: table.name, columns: table.columns.map(\.0), rows: sum.rows, sha256: sum.checksum))
                    }
                    return Manifest(schemaVersion: schema, createdAt: now, source: SQLDialect.sqlite.rawValue, tables: tables)
                }
            case .postgres:
                // Copied row by row into a new SQLite blog, each table checked after.
                let target = try await SQLStore.openSQLite(path: partial, readerCount: 1, logger: logger)
                manifest = try await target.closing { target in
                    let schema = try await target.migrate().max() ?? 0
                    let reports = try await DatabaseCopy(from: store, to: target).run(replace: false)
                    return Manifest(
                        schemaVersion: schema, createdAt: now, source: SQLDialect.postgres.rawValue,
                        tables: reports.map { report in
                            Manifest.Table(
                                name: report.table, columns: DatabaseCopy.table(named: report.table)?.columns.map(\.0) ?? [],
                                rows: report.rows, sha256: report.checksum
                            )
                        }
                    )
                }
            }
            // The manifest, then out of WAL mode with no other connection open: one file.
            try await onFile(partial) { db in
                try await db.raw("BEGIN").run()
                try await record(manifest, in: db)
                try await db.raw("COMMIT").run()
                let mode = try await db.raw("PRAGMA journal_mode = DELETE").first()?.decode(column: "journal_mode", as: String.self)
                guard mode == "delete" else { throw Refused(path: path, reason: "SQLite kept the backup in \(mode ?? "an unknown") journal mode") }
            }
            if files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
            try files.moveItem(atPath: partial, toPath: path)
            return manifest
        } catch {
            for leftover in [partial, partial + "-wal", partial + "-shm", partial + "-journal"] {
                try? files.removeItem(atPath: leftover)
            }
            throw error
        }
    }

    /// Runs `body` on one connection of its own to the SQLite file at `path`, closed after.
    private static func onFile<T: Sendable>(_ path: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let result = try await body(connection.sql())
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Checks the backup at `path` without changing it: an SQLite file that passes SQLite's
    /// integrity check, a manifest of a format and schema this Galley knows, and every table's
    /// rows and SHA-256 as recorded.
    public static func verify(at path: String) async throws -> Manifest {
        guard FileManager.default.fileExists(atPath: path) else { throw Refused(path: path, reason: "there is no file there") }
        return try await onFile(path) { db in try await check(db, path: path) }
    }

    /// Restores the backup at `path` into `store` (SQLite or PostgreSQL, migrated): checked first;
    /// refused when `store` holds a blog, unless `replace`. The site revision moves past the one
    /// `store` had, so that servers running on it drop every cached page.
    @discardableResult
    public static func restore(from path: String, into store: SQLStore, replace: Bool, logger: Logger) async throws -> [DatabaseCopy.TableReport] {
        _ = try await verify(at: path)
        // A backup of an older schema is brought up to this one in a copy, never in place.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("galley-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let copy = work.appendingPathComponent("backup.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let source = try await SQLStore.openSQLite(path: copy, readerCount: 1, logger: logger)
        return try await source.closing { source in
            try await source.migrate()
            let before = try await store.siteState(at: Date()).revision
            let reports = try await DatabaseCopy(from: source, to: store).run(replace: replace)
            try await store.write { db in
                try await db.raw("UPDATE site_state SET revision = \(bind: before + 1) WHERE revision <= \(bind: before)").run()
            }
            return reports
        }
    }

    // MARK: The manifest

    private static func record(_ manifest: Manifest, in db: any SQLDatabase) async throws {
        try await db.raw("CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)").run()
        try await db.raw("CREATE TABLE backup_tables (name TEXT PRIMARY KEY, columns TEXT NOT NULL, rows INTEGER NOT NULL, sha256 TEXT NOT NULL)").run()
        let info = [
            ("format", String(format)), ("schema_version", String(manifest.schemaVersion)),
            ("created_at", ISO8601DateFormatter().string(from: manifest.createdAt)), ("source", manifest.source),
        ]
        for (key, value) in info {
            try await db.raw("INSERT INTO backup_info (key, value) VALUES (\(bind: key), \(bind: value))").run()
        }
        for table in manifest.tables {
            try await db.raw("""
                INSERT INTO backup_tables (name, columns, rows, sha256)
                VALUES (\(bind: table.name), \(bind: table.columns.joined(separator: ",")), \(bind: table.rows), \(bind: table.sha256))
                """).run()
        }
    }

    private static func check(_ db: any SQLDatabase, path: String) async throws -> Manifest {
        func refuse(_ reason: String) -> Refused { Refused(path: path, reason: reason) }
        let integrity: [String]
        do {
            integrity = try await db.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
        } catch {
            throw refuse("not an SQLite database, or a damaged one (\(error))")
        }
        guard integrity == ["ok"] else { throw refuse("SQLite finds it damaged: \(integrity.prefix(3).joined(separator: "; "))") }
        let hasManifest = try await db.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('backup_info', 'backup_tables')").first()?
            .decode(column: "n", as: Int.self) == 2
        guard hasManifest else { throw refuse("not a Galley backup: it has no backup manifest (a blog's own database is copied with `galley db copy`)") }
        var info: [String: String] = [:]
        for row in try await db.raw("SELECT key, value FROM backup_info").all() {
            info[try row.decode(column: "key", as: String.self)] = try row.decode(column: "value", as: String.self)
        }
        guard let formatText = info["format"], let backupFormat = Int(formatText) else { throw refuse("its manifest names no format") }
        guard backupFormat <= format else { throw refuse("made by a newer Galley (backup format \(backupFormat); this one reads up to \(format))") }
        guard let schema = info["schema_version"].flatMap(Int.init), let created = info["created_at"].flatMap({ ISO8601DateFormatter().date(from: $0) })
        else { throw refuse("its manifest has no schema version or date") }
        let known = Migrations.all.count
        guard schema <= known else { throw refuse("made by a newer Galley (schema \(schema); this one knows up to \(known)): restore it with that version or a later one") }
        let applied = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int?.self)
        guard applied == schema else { throw refuse("its manifest says schema \(schema), its tables are at \(applied.map(String.init) ?? "none")") }

        var tables: [Manifest.Table] = []
        var problems: [String] = []
        for row in try await db.raw("SELECT name, columns, rows, sha256 FROM backup_tables ORDER BY rowid").all() {
            let recorded = Manifest.Table(
                name: try row.decode(column: "name", as: String.self),
                columns: try row.decode(column: "columns", as: String.self).split(separator: ",").map(String.init),
                rows: try row.decode(column: "rows", as: Int.self), sha256: try row.decode(column: "sha256", as: String.self)
            )
            tables.append(recorded)
            guard let definition = DatabaseCopy.table(named: recorded.name) else {
                problems.append("\(recorded.name): a table this Galley does not know")
                continue
            }
            let kinds = Dictionary(uniqueKeysWithValues: definition.columns.map { ($0.0, $0.1) })
            let columns = try recorded.columns.map { name in
                guard let kind = kinds[name] else { throw refuse("\(recorded.name).\(name): a column this Galley does not know") }
                return (name, kind)
            }
            let sum: (rows: Int, checksum: String)
            do {
                sum = try await DatabaseCopy.sum(DatabaseCopy.Table(name: recorded.name, key: definition.key, columns: columns), in: db)
            } catch {
                problems.append("\(recorded.name): cannot be read (\(error))")
                continue
            }
            if sum.rows != recorded.rows || sum.checksum != recorded.sha256 {
                problems.append("\(recorded.name): \(sum.rows) rows with SHA-256 \(sum.checksum.prefix(12))…, recorded \(recorded.rows) with \(recorded.sha256.prefix(12))…")
            }
        }
        let recordedNames = Set(tables.map(\.name))
        for table in DatabaseCopy.tables where !recordedNames.contains(table.name) {
            let present = try await db.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = \(bind: table.name)").first()?
                .decode(column: "n", as: Int.self) == 1
            if present { problems.append("\(table.name): no recorded sum") }
        }
        guard problems.isEmpty else { throw refuse("it does not hold what it recorded: " + problems.joined(separator: "; ")) }
        return Manifest(schemaVersion: schema, createdAt: created, source: info["source"] ?? "", tables: tables)
    }
}
