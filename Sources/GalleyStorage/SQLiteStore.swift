import Foundation
import GalleyCore
import GalleyMarkdown
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// The embedded default: the whole blog in one SQLite file, in WAL mode with foreign keys on.
///
/// Writes go through one connection, one transaction at a time; reads spread over a few more
/// connections, which WAL lets run beside the writer.
public final class SQLiteStore: Store {
    public let path: String
    let writer: SQLiteConnection
    let readers: [SQLiteConnection]
    private let nextReader = Mutex(0)
    private let writeLock = AsyncMutex()
    public let localChanges = LocalChanges()
    public var connectionCounts: [String: Int] { ["writer": 1, "reader": readers.count] }

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.path = path
        self.writer = writer
        self.readers = readers
    }

    /// Opens (and creates, with its folder, when missing) the database at `path`. Call
    /// ``migrate()`` before using it.
    public static func open(path: String, readerCount: Int = 4, logger: Logger) async throws -> SQLiteStore {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true
        )
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            let db = writer.sql()
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw("PRAGMA synchronous = NORMAL").run()
            try await configure(db)
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                readers.append(reader)
                try await configure(reader.sql())
                try await reader.sql().raw("PRAGMA query_only = ON").run()
            }
            return SQLiteStore(path: path, writer: writer, readers: readers)
        } catch {
            try? await writer.close()
            throw error
        }
    }

    private static func configure(_ db: any SQLDatabase) async throws {
        try await db.raw("PRAGMA foreign_keys = ON").run()
        try await db.raw("PRAGMA busy_timeout = 5000").run()
    }

    /// Applies pending migrations, each in its own transaction, and returns their versions.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await writeLock.withLock {
            try await Migrator(database: self.writer.sql()).migrate()
        }
    }

    public func close() async throws {
        for reader in readers { try await reader.close() }
        try await writer.close()
    }

    var reader: any SQLDatabase {
        let index = nextReader.withLock { next in
            defer { next = (next + 1) % readers.count }
            return next
        }
        return readers[index].sql()
    }

    /// Runs `body` in an immediate transaction on the writer, committed when it returns and
    /// rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let db = self.writer.sql()
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                self.localChanges.record()
                return result
            } catch {
                try await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    // MARK: Store

    public func checkHealth() async throws {
        _ = try await reader.raw("SELECT 1 AS ok").first()
    }

    public func siteState(at now: Date) async throws -> SiteState {
        let row = try await reader.raw("""
            SELECT revision, (
                SELECT MIN(published_at) FROM posts
                WHERE status = 'published' AND published_at > \(bind: now.millisecondsSince1970)
            ) AS next_publication
            FROM site_state WHERE id = 1
            """).first()
        return SiteState(
            revision: try row?.decode(column: "revision", as: Int64.self) ?? 0,
            nextPublication: try row?.decode(column: "next_publication", as: Int64?.self).map(Date.init(millisecondsSince1970:))
        )
    }

    public func savePost(_ draft: PostDraft, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult {
        try await transaction { db in
            let existing = try await PostRows.post(slug: draft.slug, in: db)
            return try await Self.apply(SavePlan(existing: existing, draft: draft, rendered: rendered, userID: nil, at: now), userID: nil, in: db)
        }
    }

    /// Writes what `plan` says, in the caller's transaction.
    static func apply(_ plan: SavePlan, userID: Int64?, in db: any SQLDatabase) async throws -> SaveResult {
        var post = plan.post
        guard plan.outcome != .unchanged else { return SaveResult(post: post, outcome: .unchanged) }
        post.id = try await PostRows.write(post, isNew: plan.outcome == .created, in: db)
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
            var revision = plan.revision(after: last, userID: userID)
            revision.postID = post.id
            try await RevisionRows.insert(revision, in: db)
        }
        try await bumpSiteRevision(in: db)
        return SaveResult(post: post, outcome: plan.outcome)
    }

    static func bumpSiteRevision(in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE site_state SET revision = revision + 1 WHERE id = 1").run()
    }

    public func publishedPosts(_ request: PageRequest, tagged tag: Slug?, at now: Date) async throws -> Page<PostSummary> {
        let db = reader
        let filter = PostRows.publicFilter(at: now, tagged: tag)
        let count = try await db.raw("SELECT COUNT(*) AS total FROM posts WHERE " + filter).first()
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

    public func publishedArchive(at now: Date) async throws -> [PostSummary] {
        let db = reader
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: nil))
            ORDER BY published_at DESC, id DESC
            """).all()
        return try await PostRows.summaries(rows, in: db)
    }

    public func publishedPost(slug: Slug, at now: Date) async throws -> Post? {
        try await PostRows.post(slug: slug, in: reader).flatMap { $0.isPublic(at: now) ? $0 : nil }
    }

    public func post(slug: Slug) async throws -> Post? {
        try await PostRows.post(slug: slug, in: reader)
    }

    public func allSlugs() async throws -> [Slug] {
        // A loop, not a throwing `map`: Swift 6.3's optimizer crashes splitting this coroutine
        // when the rows are mapped with a throwing closure (release builds only).
        let rows = try await reader.raw("SELECT slug FROM posts ORDER BY slug").all()
        var slugs: [Slug] = []
        slugs.reserveCapacity(rows.count)
        for row in rows {
            slugs.append(try Slug(try row.decode(column: "slug", as: String.self)))
        }
        return slugs
    }

    public func setting(_ key: String) async throws -> String? {
        try await reader.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.decode(column: "value", as: String.self)
    }

    public func setSetting(_ key: String, to value: String) async throws {
        try await writeLock.withLock {
            try await self.writer.sql().raw("""
                INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """).run()
            try await Self.bumpSiteRevision(in: self.writer.sql())
            self.localChanges.record()
        }
    }

    public func revisions(ofPost id: Int64) async throws -> [Revision] {
        try await RevisionRows.revisions(ofPost: id, in: reader)
    }
}
