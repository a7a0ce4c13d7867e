import Crypto
import Foundation
import GalleyCore
import SQLKit
import Synchronization

/// Copies a whole blog from one store to another (SQLite to PostgreSQL, or back): every table
/// but the migration log, read from one snapshot of the source, with ids, times and versions as
/// they are, in one transaction on the target; then rebuilds the target's search index and checks each table's rows against the
/// source by count and SHA-256.
public struct DatabaseCopy: Sendable {
    public struct TableReport: Sendable, Equatable {
        public var table: String
        public var rows: Int
        public var checksum: String
        public var matches: Bool
    }

    public struct TargetNotEmpty: Error, CustomStringConvertible {
        public let tables: [String]
        public var description: String {
            "the target already holds data (\(tables.joined(separator: ", "))); pass --replace to empty it first"
        }
    }

    public struct Mismatch: Error, CustomStringConvertible {
        public let tables: [String]
        public var description: String { "the copy differs from the source in: \(tables.joined(separator: ", "))" }
    }

    let source: SQLStore
    let target: SQLStore

    public init(from source: SQLStore, to target: SQLStore) {
        self.source = source
        self.target = target
    }

    enum Kind { case int, optionalInt, text, optionalText, bool, blob }

    struct Table {
        let name: String
        let key: String
        let columns: [(String, Kind)]
    }

    /// In an order that satisfies the foreign keys.
    static let tables: [Table] = [
        Table(name: "users", key: "id", columns: [
            ("id", .int), ("email", .text), ("name", .text), ("role", .text), ("password_hash", .text), ("disabled", .bool),
            ("totp_secret", .optionalText), ("recovery_codes", .text), ("created_at", .int),
        ]),
        Table(name: "posts", key: "id", columns: [
            ("id", .int), ("slug", .text), ("title", .text), ("summary", .text), ("excerpt", .text), ("source", .text),
            ("html", .text), ("toc", .text), ("plain_text", .text), ("first_paragraph", .text), ("word_count", .int),
            ("status", .text), ("published_at", .int), ("created_at", .int), ("updated_at", .int), ("version", .int),
            ("author_id", .optionalInt), ("trashed_at", .optionalInt), ("bylines", .text), ("origin", .optionalText),
            ("origin_source", .optionalText), ("expires_at", .optionalInt),
        ]),
        Table(name: "post_tags", key: "post_id, tag_slug", columns: [
            ("post_id", .int), ("tag_slug", .text), ("tag_name", .text), ("position", .int),
        ]),
        Table(name: "revisions", key: "id", columns: [
            ("id", .int), ("post_id", .int), ("number", .int), ("title", .text), ("source", .text), ("created_at", .int),
            ("kind", .text), ("author_id", .optionalInt),
        ]),
        Table(name: "slug_redirects", key: "old_slug", columns: [("old_slug", .text), ("post_id", .int)]),
        Table(name: "post_aliases", key: "path", columns: [("path", .text), ("post_id", .int)]),
        Table(name: "media", key: "sha256", columns: [
            ("sha256", .text), ("kind", .text), ("bytes", .blob), ("size", .int), ("original_name", .text),
            ("uploaded_by", .optionalInt), ("created_at", .int),
        ]),
        Table(name: "sessions", key: "token_hash", columns: [
            ("token_hash", .text), ("user_id", .int), ("csrf_token", .text), ("awaiting_second_factor", .bool),
            ("created_at", .int), ("last_seen_at", .int),
        ]),
        Table(name: "settings", key: "key", columns: [("key", .text), ("value", .text)]),
        Table(name: "site_state", key: "id", columns: [("id", .int), ("revision", .int)]),
    ]

    static func table(named name: String) -> Table? {
        tables.first { $0.name == name }
    }

    /// A column's value, read in the source's dialect and written in the target's.
    enum Value: Sendable, Encodable {
        case int(Int64?), text(String?), bool(Bool), blob(Data)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .blob(let value): try container.encode(value)
            }
        }

        /// How the checksum sees it: the same on both dialects.
        var canonical: String {
            switch self {
            case .int(let value): value.map(String.init) ?? "∅"
            case .text(let value): value.map { "\($0.utf8.count):\($0)" } ?? "∅"
            case .bool(let value): value ? "1" : "0"
            case .blob(let value): "blob:" + Media.sha256(of: value)
            }
        }
    }

    static func read(_ table: Table, in db: any SQLDatabase) async throws -> [[Value]] {
        var values: [[Value]] = []
        for row in try await db.raw(select(table)).all() { values.append(try Self.values(of: row, in: table)) }
        return values
    }

    private static func select(_ table: Table) -> SQLQueryString {
        "SELECT \(unsafeRaw: table.columns.map(\.0).joined(separator: ", ")) FROM \(unsafeRaw: table.name) ORDER BY \(unsafeRaw: table.key)"
    }

    private static func values(of row: any SQLRow, in table: Table) throws -> [Value] {
        try table.columns.map { column, kind in
            switch kind {
            case .int, .optionalInt: .int(try row.decode(column: column, as: Int64?.self))
            case .text, .optionalText: .text(try row.decode(column: column, as: String?.self))
            case .bool: .bool(try row.decode(column: column, as: Bool.self))
            case .blob: .blob(try row.decode(column: column, as: Data.self))
            }
        }
    }

    /// A table's rows in the order of its key, as the checksum reads them.
    private static func add(_ row: [Value], to hash: inout SHA256) {
        hash.update(data: Data((row.map(\.canonical).joined(separator: "\u{1F}") + "\u{1E}").utf8))
    }

    private static func hex(_ hash: SHA256) -> String {
        hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func checksum(_ rows: [[Value]]) -> String {
        var hash = SHA256()
        for row in rows { add(row, to: &hash) }
        return hex(hash)
    }

    /// The rows and checksum of `table` in `db`, read a row at a time: a table of images is
    /// never held whole.
    static func sum(_ table: Table, in db: any SQLDatabase) async throws -> (rows: Int, checksum: String) {
        struct State {
            var hash = SHA256()
            var rows = 0
            var failure: (any Error)?
        }
        let state = Mutex(State())
        try await db.raw(select(table)).run { row in
            state.withLock { state in
                guard state.failure == nil else { return }
                do {
                    add(try values(of: row, in: table), to: &state.hash)
                    state.rows += 1
                } catch {
                    state.failure = error
                }
            }
        }
        return try state.withLock { state in
            if let failure = state.failure { throw failure }
            return (state.rows, hex(state.hash))
        }
    }

    /// Copies everything; throws ``TargetNotEmpty`` when the target holds data and `replace` is
    /// false, and ``Mismatch`` when a table does not come out the same.
    @discardableResult
    public func run(replace: Bool) async throws -> [TableReport] {
        let tables = Self.tables
        // Every table from one snapshot: a blog being written meanwhile is copied as it was at
        // one moment, never a post from after the moment beside tags from before it.
        let copied = try await source.snapshot { db in
            var rows: [String: [[Value]]] = [:]
            for table in tables { rows[table.name] = try await Self.read(table, in: db) }
            return rows
        }
        let dialect = target.dialect
        try await target.write { db in
            var holding: [String] = []
            for table in tables where table.name != "site_state" {
                if try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table.name)").first()?.decode(column: "n", as: Int.self) ?? 0 > 0 {
                    holding.append(table.name)
                }
            }
            if !holding.isEmpty {
                guard replace else { throw TargetNotEmpty(tables: holding) }
                for table in tables.reversed() { try await db.raw("DELETE FROM \(unsafeRaw: table.name)").run() }
                if dialect == .sqlite { try await db.raw("DELETE FROM posts_fts").run() }
            }
            try await db.raw("DELETE FROM site_state").run()
            for table in tables {
                // Many rows a statement (a statement per row made a 10,000-post copy take 10 s);
                // few for tables of images, whose rows are large.
                let names = table.columns.map(\.0).joined(separator: ", ")
                let rows = copied[table.name] ?? []
                let size = table.columns.contains { $0.1 == .blob } ? 16 : max(1, min(500, 30_000 / table.columns.count))
                for start in stride(from: 0, to: rows.count, by: size) {
                    let values: [SQLQueryString] = rows[start..<min(start + size, rows.count)].map { "(\(binds: $0))" }
                    try await db.raw("INSERT INTO \(unsafeRaw: table.name) (\(unsafeRaw: names)) VALUES \(values.joined(separator: ", "))").run()
                }
            }
            if dialect == .postgres {
                // Identity columns continue after the copied ids.
                for table in ["users", "posts", "revisions"] {
                    try await db.raw("""
                        SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \(unsafeRaw: table)), false)
                        """).run()
                }
            }
            // The search index is the target's own: built from the copied posts.
            let posts = try await db.raw("SELECT id, title, plain_text FROM posts").all()
            let tags = try await PostRows.tags(of: try posts.map { try $0.decode(column: "id", as: Int64.self) }, in: db)
            // Emptied above when it held anything: nothing to replace.
            let entries = try posts.map { post in
                let id = try post.decode(column: "id", as: Int64.self)
                return PostRows.SearchEntry(
                    id: id, title: try post.decode(column: "title", as: String.self), tags: tags[id] ?? [],
                    body: try post.decode(column: "plain_text", as: String.self)
                )
            }
            try await PostRows.index(entries, replacing: false, dialect: dialect, in: db)
        }
        var reports: [TableReport] = []
        for table in tables {
            let rows = copied[table.name] ?? []
            let written = try await target.read { db in try await Self.sum(table, in: db) }
            let checksum = Self.checksum(rows)
            reports.append(TableReport(table: table.name, rows: rows.count, checksum: checksum, matches: written == (rows.count, checksum)))
        }
        let mismatched = reports.filter { !$0.matches }.map(\.table)
        guard mismatched.isEmpty else { throw Mismatch(tables: mismatched) }
        return reports
    }
}
