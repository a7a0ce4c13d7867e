import Foundation
import GalleyCore
import SQLKit

extension SQLStore {
    public func search(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> {
        switch dialect {
        case .sqlite: try await searchSQLite(query, page: page, at: now)
        case .postgres: try await searchPostgres(query, page: page, at: now)
        }
    }

    /// FTS5, ranked by bm25 with the title above the tags above the body.
    private func searchSQLite(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> {
        guard let match = Self.ftsExpression(query) else { return Page(items: [], request: page, total: 0) }
        return try await read { db in
            let filter: SQLQueryString = "posts_fts MATCH \(bind: match) AND posts.id IN (SELECT id FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: nil)))"
            let count = try await db.raw("SELECT COUNT(*) AS total FROM posts_fts JOIN posts ON posts.id = posts_fts.rowid WHERE \(filter)").first()
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.qualifiedSummaryColumns), posts.plain_text
                FROM posts_fts JOIN posts ON posts.id = posts_fts.rowid
                WHERE \(filter)
                ORDER BY bm25(posts_fts, 10.0, 5.0, 1.0), posts.published_at DESC, posts.id DESC
                LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
                """).all()
            return try await Self.hits(rows, total: count, query: query, page: page, in: db)
        }
    }

    /// A `tsvector` of accent-folded text (title weighted A, tags B, body C) with a GIN index,
    /// ranked by `ts_rank` with the same order of weights as FTS5's bm25 above.
    private func searchPostgres(_ query: SearchQuery, page: PageRequest, at now: Date) async throws -> Page<SearchHit> {
        guard let tsquery = Self.tsquery(query) else { return Page(items: [], request: page, total: 0) }
        return try await read { db in
            let filter: SQLQueryString = "search @@ to_tsquery('simple', \(bind: tsquery)) AND \(PostRows.publicFilter(at: now, tagged: nil))"
            let count = try await db.raw("SELECT COUNT(*) AS total FROM posts WHERE \(filter)").first()
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.summaryColumns), plain_text
                FROM posts WHERE \(filter)
                ORDER BY ts_rank('{0.0, 0.1, 0.5, 1.0}', search, to_tsquery('simple', \(bind: tsquery))) DESC, published_at DESC, id DESC
                LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
                """).all()
            return try await Self.hits(rows, total: count, query: query, page: page, in: db)
        }
    }

    /// The page's hits, with snippets made from each post's plain text in Swift: FTS5's
    /// `snippet()` is quadratic in the matches of a post (see ``SearchSnippet``), and one
    /// implementation serves every store.
    private static func hits(_ rows: [any SQLRow], total: (any SQLRow)?, query: SearchQuery, page: PageRequest, in db: any SQLDatabase) async throws -> Page<SearchHit> {
        let summaries = try await PostRows.summaries(rows, in: db)
        var hits: [SearchHit] = []
        for (summary, row) in zip(summaries, rows) {
            let text = try row.decode(column: "plain_text", as: String.self)
            hits.append(SearchHit(post: summary, snippet: SearchSnippet.make(text, for: query.terms)))
        }
        return Page(items: hits, request: page, total: try total?.decode(column: "total", as: Int.self) ?? 0)
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

    /// The query in `to_tsquery` syntax over folded words: `'a' & 'b' <-> 'c' & 'pre':*`.
    static func tsquery(_ query: SearchQuery) -> String? {
        let terms = query.terms.compactMap { term -> String? in
            switch term {
            case let .word(word, prefix):
                let folded = SearchText.fold(word)
                return folded.isEmpty ? nil : "'\(folded)'" + (prefix ? ":*" : "")
            case let .phrase(words):
                let folded = words.map(SearchText.fold).filter { !$0.isEmpty }
                return folded.isEmpty ? nil : folded.map { "'\($0)'" }.joined(separator: " <-> ")
            }
        }
        return terms.isEmpty ? nil : terms.joined(separator: " & ")
    }

    public func publicTags(at now: Date) async throws -> [TagCount] {
        // Every tag row but those of the few posts not public, read from the tag index alone
        // (slug, post, name); going through the public posts instead, SQLite read each tag row
        // from the table (20–29 ms against 4.6–4.9 ms with 10,000 posts).
        let rows = try await read { db in
            try await db.raw("""
                SELECT tag_slug, MIN(tag_name) AS name, COUNT(*) AS posts FROM post_tags
                WHERE post_id NOT IN (SELECT id FROM posts WHERE NOT (\(PostRows.publicFilter(at: now, tagged: nil))))
                GROUP BY tag_slug ORDER BY posts DESC, name
                """).all()
        }
        var tags: [TagCount] = []
        for row in rows {
            tags.append(TagCount(
                tag: Tag(name: try row.decode(column: "name", as: String.self), slug: try Slug(try row.decode(column: "tag_slug", as: String.self))),
                count: try row.decode(column: "posts", as: Int.self)
            ))
        }
        return tags
    }

    public func adjacentPosts(to post: Post, at now: Date) async throws -> AdjacentPosts {
        // Each query bounds `published_at` on both sides by itself, so the index is entered at the
        // post. Written as `published_at <= now AND (published_at < at OR (published_at = at AND …))`,
        // SQLite ranged over `<= now` alone and filtered row by row: 1.2–1.4 ms a query with
        // 10,000 posts against 0.01 ms, two thirds of a post page's time in the database.
        try await read { db in
            let at = post.publishedAt.millisecondsSince1970
            let nowMS = now.millisecondsSince1970
            let newer = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE status = 'published'
                    AND published_at >= \(bind: at) AND published_at <= \(bind: nowMS) AND (published_at > \(bind: at) OR id > \(bind: post.id))
                    AND \(PostRows.notExpired(at: now))
                ORDER BY published_at, id LIMIT 1
                """).all()
            let older = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.summaryColumns) FROM posts WHERE status = 'published'
                    AND published_at <= \(bind: min(at, nowMS)) AND (published_at < \(bind: at) OR id < \(bind: post.id))
                    AND \(PostRows.notExpired(at: now))
                ORDER BY published_at DESC, id DESC LIMIT 1
                """).all()
            return AdjacentPosts(
                newer: try await PostRows.summaries(newer, in: db).first,
                older: try await PostRows.summaries(older, in: db).first
            )
        }
    }

    public func relatedPosts(to post: Post, limit: Int, at now: Date) async throws -> [PostSummary] {
        guard !post.tags.isEmpty else { return [] }
        // The ids first, from the tag index and `posts_visibility` alone, then the few rows
        // shown. SQLite is told the join order: without statistics it would walk every public
        // post (18 ms against 1.5 ms with 10,000 posts); PostgreSQL plans it by itself.
        let join = dialect == .sqlite ? "post_tags CROSS JOIN posts INDEXED BY posts_visibility" : "post_tags JOIN posts"
        return try await read { db in
            let rankedRows = try await db.raw("""
                SELECT posts.id AS id FROM \(unsafeRaw: join) ON posts.id = post_tags.post_id
                WHERE post_tags.tag_slug IN (\(binds: post.tags.map(\.slug.rawValue))) AND post_tags.post_id != \(bind: post.id)
                    AND posts.status = 'published' AND posts.published_at <= \(bind: now.millisecondsSince1970)
                    AND \(PostRows.notExpired(at: now, prefix: "posts."))
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
    }

    public func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) async throws -> [Post] {
        try await read { db in
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: PostRows.allColumns) FROM posts WHERE \(PostRows.publicFilter(at: now, tagged: tag))
                ORDER BY published_at DESC, id DESC LIMIT \(bind: limit)
                """).all()
            return try await PostRows.posts(rows, in: db)
        }
    }
}

/// Text as the PostgreSQL index holds it: lowercased and without accents, as FTS5's
/// `remove_diacritics` tokenizer reads it.
enum SearchText {
    static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
