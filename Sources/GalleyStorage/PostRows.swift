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
        status, published_at, created_at, updated_at, version, author_id, trashed_at, bylines, origin
        """

    /// Published, due, and optionally carrying a tag.
    static func publicFilter(at now: Date, tagged tag: Slug?) -> SQLQueryString {
        var filter: SQLQueryString = "status = 'published' AND published_at <= \(bind: now.millisecondsSince1970)"
        if let tag {
            filter += " AND id IN (SELECT post_id FROM post_tags WHERE tag_slug = \(bind: tag.rawValue))"
        }
        return filter
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

    /// Inserts or updates the row and its tags; returns the post's id.
    static func write(_ post: Post, isNew: Bool, dialect: SQLDialect, in db: any SQLDatabase) async throws -> Int64 {
        let toc = String(decoding: try JSONEncoder().encode(post.rendered.tableOfContents), as: UTF8.self)
        let values: SQLQueryString = """
            \(bind: post.title), \(bind: post.summary), \(bind: post.excerpt), \(bind: post.source),
            \(bind: post.rendered.html), \(bind: toc), \(bind: post.rendered.plainText),
            \(bind: post.rendered.firstParagraph), \(bind: post.rendered.wordCount), \(bind: post.status.rawValue),
            \(bind: post.publishedAt.millisecondsSince1970), \(bind: post.updatedAt.millisecondsSince1970), \(bind: post.version),
            \(bind: post.slug.rawValue), \(bind: post.trashedAt?.millisecondsSince1970),
            \(bind: String(decoding: try JSONEncoder().encode(post.bylines), as: UTF8.self)),
            \(bind: try post.origin.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }), \(bind: post.origin?.source)
            """
        let id: Int64
        if isNew {
            let row = try await db.raw("""
                INSERT INTO posts (title, summary, excerpt, source, html, toc, plain_text, first_paragraph,
                    word_count, status, published_at, updated_at, version, slug, trashed_at, bylines, origin, origin_source,
                    created_at, author_id)
                VALUES (\(values), \(bind: post.createdAt.millisecondsSince1970), \(bind: post.authorID))
                RETURNING id
                """).first()
            id = try row?.decode(column: "id", as: Int64.self) ?? 0
        } else {
            id = post.id
            try await db.raw("""
                UPDATE posts SET (title, summary, excerpt, source, html, toc, plain_text, first_paragraph,
                    word_count, status, published_at, updated_at, version, slug, trashed_at, bylines, origin, origin_source) = (\(values))
                WHERE id = \(bind: id)
                """).run()
            try await db.raw("DELETE FROM post_tags WHERE post_id = \(bind: id)").run()
        }
        // One statement for all the tags and one for all the aliases: an import writes thousands
        // of posts, and every statement is a round trip to the database's thread.
        if !post.tags.isEmpty {
            var rows: [SQLQueryString] = []
            for (position, tag) in post.tags.enumerated() {
                rows.append("(\(bind: id), \(bind: tag.slug.rawValue), \(bind: tag.name), \(bind: position))")
            }
            try await db.raw("INSERT INTO post_tags (post_id, tag_slug, tag_name, position) VALUES " + rows.joined(separator: ", ")).run()
        }
        if let origin = post.origin {
            // An alias another post has stays that post's: nothing replaces what is there.
            if !isNew { try await db.raw("DELETE FROM post_aliases WHERE post_id = \(bind: id)").run() }
            if !origin.aliases.isEmpty {
                let rows: [SQLQueryString] = origin.aliases.map { "(\(bind: $0), \(bind: id))" }
                try await db.raw("INSERT INTO post_aliases (path, post_id) VALUES " + rows.joined(separator: ", ") + " ON CONFLICT (path) DO NOTHING").run()
            }
        }
        try await index(id: id, title: post.title, tags: post.tags, body: post.rendered.plainText, isNew: isNew, dialect: dialect, in: db)
        return id
    }

    /// Puts a post's words in the full-text index: FTS5's table, or PostgreSQL's `search` column
    /// built from the same text with its accents folded (as FTS5's tokenizer does).
    static func index(id: Int64, title: String, tags: [Tag], body: String, isNew: Bool = false, dialect: SQLDialect, in db: any SQLDatabase) async throws {
        let tagText = tags.map(\.name).joined(separator: " ")
        switch dialect {
        case .sqlite:
            if !isNew { try await db.raw("DELETE FROM posts_fts WHERE rowid = \(bind: id)").run() }
            try await db.raw("""
                INSERT INTO posts_fts (rowid, title, tags, body)
                VALUES (\(bind: id), \(bind: title), \(bind: tagText), \(bind: body))
                """).run()
        case .postgres:
            try await db.raw("""
                UPDATE posts SET search =
                    setweight(to_tsvector('simple', \(bind: SearchText.fold(title))), 'A')
                    || setweight(to_tsvector('simple', \(bind: SearchText.fold(tagText))), 'B')
                    || setweight(to_tsvector('simple', \(bind: SearchText.fold(body))), 'C')
                WHERE id = \(bind: id)
                """).run()
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
