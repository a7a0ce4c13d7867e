import Foundation
import GalleyCore
import GalleyMarkdown
import Logging
import SQLKit

/// The store over SQL: SQLite (the embedded default) or PostgreSQL (for several replicas), one
/// implementation whose statements differ only where the dialects do.
public final class SQLStore: Store, ChangeNotifying {
    let backend: any SQLBackend
    public let localChanges = LocalChanges()
    public var connectionCounts: [String: Int] { backend.connectionCounts }
    public var dialect: SQLDialect { backend.dialect }
    /// Where the data lives: a file path, or a PostgreSQL URL without its password.
    public var location: String { backend.location }

    private init(backend: any SQLBackend) {
        self.backend = backend
    }

    /// Opens (and creates, with its folder, when missing) the SQLite database at `path`. Call
    /// ``migrate()`` before using it.
    public static func openSQLite(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLStore {
        SQLStore(backend: try await SQLiteBackend.open(path: path, readerCount: readerCount, logger: logger))
    }

    /// Connects to PostgreSQL with a pool of at most `poolSize` connections; a request that
    /// waits longer than `connectionTimeout` for one fails as unavailable (503). Call
    /// ``migrate()`` before using it.
    public static func openPostgres(
        url: PostgresURL, poolSize: Int = 10, connectionTimeout: Duration = .seconds(5), logger: Logger
    ) async throws -> SQLStore {
        SQLStore(backend: PostgresBackend(url: url, poolSize: poolSize, connectionTimeout: connectionTimeout, logger: logger))
    }

    /// PostgreSQL tells every replica of a commit; SQLite is polled.
    public var notifiesChanges: Bool { backend is PostgresBackend }

    public func listenForChanges(onListening: @Sendable () async -> Void, onChange: @Sendable () async -> Void) async throws {
        guard let postgres = backend as? PostgresBackend else {
            throw GalleyError(.unavailable, "SQLite cannot tell of other processes' writes: they are polled")
        }
        try await postgres.listenForChanges(onListening: onListening, onChange: onChange)
    }

    /// Applies pending migrations, each in its own transaction, and returns their versions. Two
    /// processes migrating at once take turns; the second finds nothing left to do.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let dialect = self.dialect
        return try await backend.exclusively { db in
            try await Migrator(database: db, dialect: dialect).migrate()
        }
    }

    public func close() async throws {
        try await backend.close()
    }

    /// Runs `body` with this store and closes it after, whether `body` threw or not.
    public func closing<T>(_ body: (SQLStore) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(self)
        } catch {
            try await close()
            throw error
        }
        try await close()
        return result
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.read(body)
    }

    /// Runs `body` on the connection that migrations use, outside any transaction.
    func exclusively<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.exclusively(body)
    }

    /// Runs `body` in one read-only transaction (see ``SQLBackend/snapshot(_:)``).
    func snapshot<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.snapshot(body)
    }

    /// Runs `body` in a write transaction and counts the write for ``LocalChanges``.
    func write<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await backend.write(body)
        localChanges.record()
        return result
    }

    // MARK: Store

    public func checkHealth() async throws {
        _ = try await read { db in try await db.raw("SELECT 1 AS ok").first() }
    }

    public func siteState(at now: Date) async throws -> SiteState {
        let row = try await read { db in try await db.raw("""
            SELECT revision, (
                SELECT MIN(published_at) FROM posts
                WHERE status = 'published' AND published_at > \(bind: now.millisecondsSince1970)
            ) AS next_publication, (
                SELECT MIN(expires_at) FROM posts
                WHERE expires_at > \(bind: now.millisecondsSince1970) AND status = 'published'
            ) AS next_expiry
            FROM site_state WHERE id = 1
            """).first() }
        let moments = [try row?.optionalDate("next_publication"), try row?.optionalDate("next_expiry")].compactMap { $0 }
        return SiteState(revision: try row?.decode(column: "revision", as: Int64.self) ?? 0, nextChange: moments.min())
    }

    public func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult {
        let dialect = self.dialect
        return try await write { db in
            let existing = try await PostRows.post(slug: draft.slug, in: db)
            return try await Self.apply(SavePlan(existing: existing, draft: draft, rendered: rendered, userID: nil, at: now), dialect: dialect, in: db)
        }
    }

    /// Writes what `plan` says, in the caller's transaction, and bumps the site revision.
    static func apply(_ plan: SavePlan, dialect: SQLDialect, in db: any SQLDatabase) async throws -> SaveResult {
        let result = plan.outcome == .created ? try await create([plan], dialect: dialect, in: db)[0] : try await update(plan, dialect: dialect, in: db)
        if result.outcome != .unchanged { try await bumpSiteRevision(in: db) }
        return result
    }

    /// Writes the new posts `plans` make (of distinct slugs), a few statements for all of them,
    /// in the caller's transaction.
    static func create(_ plans: [SavePlan], dialect: SQLDialect, in db: any SQLDatabase) async throws -> [SaveResult] {
        let ids = try await PostRows.insert(plans.map(\.post), dialect: dialect, in: db)
        // A new post may take a slug another post left, which stops redirecting.
        _ = try await PostRows.inChunks(plans.map { "\(bind: $0.post.slug.rawValue)" }, parameters: 1, in: db) {
            "DELETE FROM slug_redirects WHERE old_slug IN (\($0))"
        }
        try await RevisionRows.insert(zip(plans, ids).map { plan, id in plan.revision(of: id, after: 0) }, in: db)
        return zip(plans, ids).map { plan, id in
            var post = plan.post
            post.id = id
            return SaveResult(post: post, outcome: .created)
        }
    }

    /// Writes what `plan` says of a stored post, in the caller's transaction.
    static func update(_ plan: SavePlan, dialect: SQLDialect, in db: any SQLDatabase) async throws -> SaveResult {
        let post = plan.post
        guard plan.outcome != .unchanged else { return SaveResult(post: post, outcome: .unchanged) }
        try await PostRows.update(post, dialect: dialect, in: db)
        if let old = plan.redirectFrom {
            try await db.raw("""
                INSERT INTO slug_redirects (old_slug, post_id) VALUES (\(bind: old.rawValue), \(bind: post.id))
                ON CONFLICT (old_slug) DO UPDATE SET post_id = excluded.post_id
                """).run()
        }
        try await db.raw("DELETE FROM slug_redirects WHERE old_slug = \(bind: post.slug.rawValue)").run()
        if plan.appendsRevision {
            let last = try await db.raw("SELECT COALESCE(MAX(number), 0) AS last FROM revisions WHERE post_id = \(bind: post.id)")
                .first()?.decode(column: "last", as: Int.self) ?? 0
            try await RevisionRows.insert([plan.revision(of: post.id, after: last)], in: db)
        }
        return SaveResult(post: post, outcome: plan.outcome)
    }

    static func bumpSiteRevision(in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE site_state SET revision = revision + 1 WHERE id = 1").run()
    }

    public func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) async throws -> Page<PostSummary> {
        // Counting a tag's posts, SQLite would check each one in its table row, whose status and
        // date come after the source and HTML (6.4 ms for 500 posts); the index has them (0.46 ms).
        let counted = tag != nil && dialect == .sqlite ? "posts INDEXED BY posts_visibility" : "posts"
        return try await read { db in
            let filter = PostRows.publicFilter(at: now, tagged: tag)
            let count = try await db.raw("SELECT COUNT(*) AS total FROM \(unsafeRaw: counted) WHERE " + filter).first()
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE \(filter)
                ORDER BY published_at DESC, id DESC LIMIT \(bind: request.perPage) OFFSET \(bind: request.offset)
                """).all()
            return Page(
                items: try await PostRows.summaries(rows, in: db),
                request: request,
                total: try count?.decode(column: "total", as: Int.self) ?? 0
            )
        }
    }

    public func publishedArchive(at now: Date) async throws -> [ArchiveEntry] {
        let rows = try await read { db in
            try await db.raw("""
                SELECT slug, title, published_at, updated_at FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: nil))
                ORDER BY published_at DESC, id DESC
                """).all()
        }
        return try rows.map { row in
            ArchiveEntry(
                slug: try Slug(try row.decode(column: "slug", as: String.self)), title: try row.decode(column: "title", as: String.self),
                publishedAt: try row.date("published_at"), updatedAt: try row.date("updated_at")
            )
        }
    }

    public func publishedPost(slug: Slug, at now: Date) async throws -> Post? {
        try await read { db in try await PostRows.post(slug: slug, in: db) }.flatMap { $0.isPublic(at: now) ? $0 : nil }
    }

    public func post(slug: Slug) async throws -> Post? {
        try await read { db in try await PostRows.post(slug: slug, in: db) }
    }

    public func allSlugs() async throws -> [Slug] {
        // A loop, not a throwing `map`: Swift 6.3's optimizer crashes splitting this coroutine
        // when the rows are mapped with a throwing closure (release builds only).
        let rows = try await read { db in try await db.raw("SELECT slug FROM posts ORDER BY slug").all() }
        var slugs: [Slug] = []
        slugs.reserveCapacity(rows.count)
        for row in rows {
            slugs.append(try Slug(try row.decode(column: "slug", as: String.self)))
        }
        return slugs
    }

    public func setting(_ key: String) async throws -> String? {
        try await read { db in try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first() }?.decode(column: "value", as: String.self)
    }

    public func setSetting(_ key: String, to value: String) async throws {
        try await write { db in
            try await db.raw("""
                INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """).run()
            try await Self.bumpSiteRevision(in: db)
        }
    }

    public func revisions(ofPost id: Int64) async throws -> [Revision] {
        try await read { db in try await RevisionRows.revisions(ofPost: id, in: db) }
    }

    public func revision(ofPost id: Int64, number: Int?) async throws -> Revision? {
        try await read { db in try await RevisionRows.revisions(ofPost: id, in: db, number: number, onlyLatest: number == nil).first }
    }
}
