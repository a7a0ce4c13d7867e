import Foundation
import GalleyCore
import SQLKit

extension SQLiteStore {
    public func search(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> {
        guard let match = Self.ftsExpression(query) else { return Page(items: [], request: page, total: 0) }
        let db = reader
        let filter: SQLQueryString = "posts_fts MATCH \(bind: match) AND posts.id IN (SELECT id FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: nil)))"
        let count = try await db.raw("SELECT COUNT(*) AS total FROM posts_fts JOIN posts ON posts.id = posts_fts.rowid WHERE \(filter)").first()
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.qualifiedSummaryColumns),
                snippet(posts_fts, 2, \(bind: String(SearchHit.markStart)), \(bind: String(SearchHit.markEnd)), '…', 24) AS snippet
            FROM posts_fts JOIN posts ON posts.id = posts_fts.rowid
            WHERE \(filter)
            ORDER BY bm25(posts_fts, 10.0, 5.0, 1.0), posts.published_at DESC, posts.id DESC
            LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        let summaries = try await PostRows.summaries(rows, in: db)
        let hits = try zip(summaries, rows).map { summary, row in
            SearchHit(post: summary, snippet: try row.decode(column: "snippet", as: String.self))
        }
        return Page(items: hits, request: page, total: try count?.decode(column: "total", as: Int.self) ?? 0)
    }

    /// The query in FTS5's syntax: each word or phrase quoted (they hold only letters and digits),
    /// the last word a prefix when the query asks for it, all of them required.
    static func ftsExpression(_ query: SearchQuery) -> String? {
        guard !query.terms.isEmpty else { return nil }
        return query.terms.map { term in
            switch term {
            case let .word(word, prefix): "\"\(word)\"" + (prefix ? "*" : "")
            case let .phrase(words): "\"\(words.joined(separator: " "))\""
            }
        }.joined(separator: " ")
    }

    public func publicTags(at now: Date) async throws -> [TagCount] {
        try await reader.raw("""
            SELECT tag_slug, MIN(tag_name) AS name, COUNT(*) AS posts FROM post_tags
            WHERE post_id IN (SELECT id FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: nil)))
            GROUP BY tag_slug ORDER BY posts DESC, name
            """).all().map { row in
            TagCount(
                tag: Tag(name: try row.decode(column: "name", as: String.self), slug: try Slug(try row.decode(column: "tag_slug", as: String.self))),
                count: try row.decode(column: "posts", as: Int.self)
            )
        }
    }

    public func adjacentPosts(to post: Post, at now: Date) async throws -> AdjacentPosts {
        let db = reader
        let filter = PostRows.publicFilter(at: now, tagged: nil)
        let at = post.publishedAt.millisecondsSince1970
        let newer = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE \(filter)
                AND (published_at > \(bind: at) OR (published_at = \(bind: at) AND id > \(bind: post.id)))
            ORDER BY published_at, id LIMIT 1
            """).all()
        let older = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE \(filter)
                AND (published_at < \(bind: at) OR (published_at = \(bind: at) AND id < \(bind: post.id)))
            ORDER BY published_at DESC, id DESC LIMIT 1
            """).all()
        return AdjacentPosts(
            newer: try await PostRows.summaries(newer, in: db).first,
            older: try await PostRows.summaries(older, in: db).first
        )
    }

    public func relatedPosts(to post: Post, limit: Int, at now: Date) async throws -> [PostSummary] {
        guard !post.tags.isEmpty else { return [] }
        let db = reader
        // The ids first, from the tag index and `posts_visibility` alone (the order is forced:
        // without statistics SQLite would walk every public post), then the few rows shown.
        let rankedRows = try await db.raw("""
            SELECT posts.id AS id FROM post_tags CROSS JOIN posts INDEXED BY posts_visibility ON posts.id = post_tags.post_id
            WHERE post_tags.tag_slug IN (\(binds: post.tags.map(\.slug.rawValue))) AND post_tags.post_id != \(bind: post.id)
                AND posts.status = 'published' AND posts.published_at <= \(bind: now.millisecondsSince1970)
            GROUP BY posts.id ORDER BY COUNT(*) DESC, posts.published_at DESC, posts.id DESC LIMIT \(bind: limit)
            """).all()
        var ranked: [Int64] = []
        for row in rankedRows { ranked.append(try row.decode(column: "id", as: Int64.self)) }
        guard !ranked.isEmpty else { return [] }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE id IN (\(binds: ranked))
            """).all()
        let summaries = try await PostRows.summaries(rows, in: db)
        return ranked.compactMap { id in summaries.first { $0.id == id } }
    }

    public func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) async throws -> [Post] {
        let db = reader
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: PostRows.allColumns) FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: tag))
            ORDER BY published_at DESC, id DESC LIMIT \(bind: limit)
            """).all()
        return try await PostRows.posts(rows, in: db)
    }
}
