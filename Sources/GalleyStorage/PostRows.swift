import Foundation
import GalleyCore
import GalleyMarkdown
import SQLKit

/// Reading and writing posts as rows, in SQL every supported dialect understands.
enum PostRows {
    private static let summaryColumnNames = ["id", "slug", "title", "excerpt", "word_count", "published_at", "updated_at"]
    static let summaryColumns = summaryColumnNames.joined(separator: ", ")
    /// The same columns for queries that join `posts` with another table.
    static let qualifiedSummaryColumns = summaryColumnNames.map { "posts.\($0)" }.joined(separator: ", ")
    static let allColumns = """
        id, slug, title, summary, source, html, toc, plain_text, first_paragraph, word_count,
        status, published_at, expires_at, created_at, updated_at, version, author_id, trashed_at, bylines, origin
        """

    /// Published, due, not expired, and optionally carrying a tag.
    static func publicFilter(at now: Date, tagged tag: Slug?) -> SQLQueryString {
        var filter: SQLQueryString = "status = 'published' AND published_at <= \(bind: now.millisecondsSince1970) AND \(notExpired(at: now))"
        if let tag {
            filter += " AND id IN (SELECT post_id FROM post_tags WHERE tag_slug = \(bind: tag.rawValue))"
        }
        return filter
    }

    /// Not past its expiry at `now`, in tables joined with `posts` as well (`prefix` "posts.").
    static func notExpired(at now: Date, prefix: String = "") -> SQLQueryString {
        "(\(unsafeRaw: prefix)expires_at IS NULL OR \(unsafeRaw: prefix)expires_at > \(bind: now.millisecondsSince1970))"
    }

    static func post(slug: Slug, in db: any SQLDatabase) async throws -> Post? {
        try await posts(db.raw("SELECT \(unsafeRaw: allColumns) FROM posts WHERE slug = \(bind: slug.rawValue)").all(), in: db).first
    }

    static func post(id: Int64, in db: any SQLDatabase) async throws -> Post? {
        try await posts(db.raw("SELECT \(unsafeRaw: allColumns) FROM posts WHERE id = \(bind: id)").all(), in: db).first
    }

    /// The post `id` names, or a 404.
    static func existingPost(id: Int64, in db: any SQLDatabase) async throws -> Post {
        guard let post = try await post(id: id, in: db) else { throw GalleyError.noSuchPost(id) }
        return post
    }

    /// Full posts from rows of `allColumns`, with their tags.
    static func posts(_ rows: [any SQLRow], in db: any SQLDatabase) async throws -> [Post] {
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        let tags = try await tags(of: ids, in: db)
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            let toc = try JSONDecoder().decode(
                [TableOfContentsEntry].self, from: Data(try row.decode(column: "toc", as: String.self).utf8)
            )
            return Post(
                id: id,
                slug: try Slug(try row.decode(column: "slug", as: String.self)),
                title: try row.decode(column: "title", as: String.self),
                summary: try row.decode(column: "summary", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                rendered: RenderedMarkdown(
                    html: try row.decode(column: "html", as: String.self),
                    tableOfContents: toc,
                    plainText: try row.decode(column: "plain_text", as: String.self),
                    firstParagraph: try row.decode(column: "first_paragraph", as: String.self),
                    wordCount: try row.decode(column: "word_count", as: Int.self)
                ),
                tags: tags[id] ?? [],
                status: try PostStatus(rawValue: row.decode(column: "status", as: String.self)) ?? .draft,
                publishedAt: try row.date("published_at"),
                expiresAt: try row.optionalDate("expires_at"),
                createdAt: try row.date("created_at"),
                updatedAt: try row.date("updated_at"),
                version: try row.decode(column: "version", as: Int.self),
                authorID: try row.decode(column: "author_id", as: Int64?.self),
                trashedAt: try row.optionalDate("trashed_at"),
                bylines: try JSONDecoder().decode([String].self, from: Data(try row.decode(column: "bylines", as: String.self).utf8)),
                origin: try row.decode(column: "origin", as: String?.self).map { try JSONDecoder().decode(PostOrigin.self, from: Data($0.utf8)) }
            )
        }
    }

    static func summaries(_ rows: [any SQLRow], in db: any SQLDatabase) async throws -> [PostSummary] {
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        let tags = try await tags(of: ids, in: db)
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            return PostSummary(
                id: id,
                slug: try Slug(try row.decode(column: "slug", as: String.self)),
                title: try row.decode(column: "title", as: String.self),
                summary: try row.decode(column: "excerpt", as: String.self),
                tags: tags[id] ?? [],
                publishedAt: try row.date("published_at"),
                updatedAt: try row.date("updated_at"),
                readingMinutes: ReadingTime.minutes(words: try row.decode(column: "word_count", as: Int.self))
            )
        }
    }

    /// The columns a save writes, in the order of ``values(of:)``.
    private static let writtenColumns = """
        title, summary, excerpt, source, html, toc, plain_text, first_paragraph, word_count, status,
        published_at, updated_at, version, slug, trashed_at, bylines, origin, origin_source, expires_at
        """

    private static func values(of post: Post) throws -> SQLQueryString {
        let toc = String(decoding: try JSONEncoder().encode(post.rendered.tableOfContents), as: UTF8.self)
        return """
            \(bind: post.title), \(bind: post.summary), \(bind: post.excerpt), \(bind: post.source),
            \(bind: post.rendered.html), \(bind: toc), \(bind: post.rendered.plainText),
            \(bind: post.rendered.firstParagraph), \(bind: post.rendered.wordCount), \(bind: post.status.rawValue),
            \(bind: post.publishedAt.millisecondsSince1970), \(bind: post.updatedAt.millisecondsSince1970), \(bind: post.version),
            \(bind: post.slug.rawValue), \(bind: post.trashedAt?.millisecondsSince1970),
            \(bind: String(decoding: try JSONEncoder().encode(post.bylines), as: UTF8.self)),
            \(bind: try post.origin.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }), \(bind: post.origin?.source),
            \(bind: post.expiresAt?.millisecondsSince1970)
            """
    }

    /// Inserts new posts (of distinct slugs) with their tags, aliases and search entries, a few
    /// statements for all of them; returns their ids, in order. An import writes hundreds of
    /// posts at a time, and every statement is a round trip to the database's thread.
    static func insert(_ posts: [Post], dialect: SQLDialect, in db: any SQLDatabase) async throws -> [Int64] {
        guard !posts.isEmpty else { return [] }
        var rows: [SQLQueryString] = []
        for post in posts {
            rows.append("(\(try values(of: post)), \(bind: post.createdAt.millisecondsSince1970), \(bind: post.authorID))")
        }
        // The order of RETURNING's rows is unspecified: each id is matched by its slug.
        var ids: [String: Int64] = [:]
        for row in try await inChunks(rows, parameters: 21, in: db, { values in
            "INSERT INTO posts (\(unsafeRaw: writtenColumns), created_at, author_id) VALUES \(values) RETURNING id, slug"
        }) {
            ids[try row.decode(column: "slug", as: String.self)] = try row.decode(column: "id", as: Int64.self)
        }
        let stored = try posts.map { post in
            guard let id = ids[post.slug.rawValue] else { throw GalleyError(.conflict, "post \(post.slug) was not stored") }
            return (id: id, post: post)
        }
        try await insertTagsAndAliases(of: stored, in: db)
        try await index(stored.map { SearchEntry(id: $0.id, title: $0.post.title, tags: $0.post.tags, body: $0.post.rendered.plainText) }, replacing: false, dialect: dialect, in: db)
        return stored.map(\.id)
    }

    /// Updates a stored post with its tags, aliases and search entry.
    static func update(_ post: Post, dialect: SQLDialect, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE posts SET (\(unsafeRaw: writtenColumns)) = (\(try values(of: post))) WHERE id = \(bind: post.id)").run()
        try await db.raw("DELETE FROM post_tags WHERE post_id = \(bind: post.id)").run()
        // An imported post's aliases are its origin's: replaced, but an alias another post has
        // stays that post's.
        if post.origin != nil { try await db.raw("DELETE FROM post_aliases WHERE post_id = \(bind: post.id)").run() }
        try await insertTagsAndAliases(of: [(post.id, post)], in: db)
        try await index([SearchEntry(id: post.id, title: post.title, tags: post.tags, body: post.rendered.plainText)], replacing: true, dialect: dialect, in: db)
    }

    private static func insertTagsAndAliases(of posts: [(id: Int64, post: Post)], in db: any SQLDatabase) async throws {
        var tags: [SQLQueryString] = []
        var aliases: [SQLQueryString] = []
        for (id, post) in posts {
            for (position, tag) in post.tags.enumerated() {
                tags.append("(\(bind: id), \(bind: tag.slug.rawValue), \(bind: tag.name), \(bind: position))")
            }
            for alias in post.origin?.aliases ?? [] { aliases.append("(\(bind: alias), \(bind: id))") }
        }
        _ = try await inChunks(tags, parameters: 4, in: db) { "INSERT INTO post_tags (post_id, tag_slug, tag_name, position) VALUES \($0)" }
        // The first claim of an alias keeps it, in this statement or before it.
        _ = try await inChunks(aliases, parameters: 2, in: db) { "INSERT INTO post_aliases (path, post_id) VALUES \($0) ON CONFLICT (path) DO NOTHING" }
    }

    /// Runs `statement` over `rows` (of values, or of an `IN` list) joined by commas, in as few
    /// statements as both databases' limits on parameters allow (SQLite's 32,766, PostgreSQL's
    /// 65,535); returns the rows they returned.
    static func inChunks(
        _ rows: [SQLQueryString], parameters perRow: Int, in db: any SQLDatabase, _ statement: (SQLQueryString) -> SQLQueryString
    ) async throws -> [any SQLRow] {
        var returned: [any SQLRow] = []
        let size = max(1, 30_000 / perRow)
        for start in stride(from: 0, to: rows.count, by: size) {
            returned += try await db.raw(statement(rows[start..<min(start + size, rows.count)].joined(separator: ", "))).all()
        }
        return returned
    }

    /// A post's words for the full-text index.
    struct SearchEntry {
        var id: Int64
        var title: String
        var tags: [Tag]
        var body: String
    }

    /// Puts posts' words in the full-text index: FTS5's table, or PostgreSQL's `search` column
    /// built from the same text with its accents folded (as FTS5's tokenizer does). `replacing`
    /// removes what SQLite's table had for them first.
    static func index(_ entries: [SearchEntry], replacing: Bool, dialect: SQLDialect, in db: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        switch dialect {
        case .sqlite:
            if replacing { try await db.raw("DELETE FROM posts_fts WHERE rowid IN (\(binds: entries.map(\.id)))").run() }
            let rows: [SQLQueryString] = entries.map { "(\(bind: $0.id), \(bind: $0.title), \(bind: $0.tags.map(\.name).joined(separator: " ")), \(bind: $0.body))" }
            _ = try await inChunks(rows, parameters: 4, in: db) { "INSERT INTO posts_fts (rowid, title, tags, body) VALUES \($0)" }
        case .postgres:
            let rows: [SQLQueryString] = entries.map { entry in
                let tags = SearchText.fold(entry.tags.map(\.name).joined(separator: " "))
                return "(\(bind: entry.id)::bigint, \(bind: SearchText.fold(entry.title))::text, \(bind: tags)::text, \(bind: SearchText.fold(entry.body))::text)"
            }
            _ = try await inChunks(rows, parameters: 4, in: db) { values in
                """
                UPDATE posts SET search = setweight(to_tsvector('simple', entry.title), 'A')
                    || setweight(to_tsvector('simple', entry.tags), 'B') || setweight(to_tsvector('simple', entry.body), 'C')
                FROM (VALUES \(values)) AS entry (id, title, tags, body) WHERE posts.id = entry.id
                """
            }
        }
    }

    static func tags(of ids: [Int64], in db: any SQLDatabase) async throws -> [Int64: [Tag]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw("""
            SELECT post_id, tag_slug, tag_name FROM post_tags WHERE post_id IN (\(binds: ids)) ORDER BY post_id, position
            """).all()
        var tags: [Int64: [Tag]] = [:]
        for row in rows {
            let tag = Tag(name: try row.decode(column: "tag_name", as: String.self), slug: try Slug(try row.decode(column: "tag_slug", as: String.self)))
            tags[try row.decode(column: "post_id", as: Int64.self), default: []].append(tag)
        }
        return tags
    }
}

extension SQLRow {
    /// A time stored as milliseconds since 1970, as every table here stores times.
    func date(_ column: String) throws -> Date {
        Date(millisecondsSince1970: try decode(column: column, as: Int64.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
    }
}
