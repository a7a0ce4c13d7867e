import Foundation
import GalleyCore
import SQLKit

/// Revisions as rows.
enum RevisionRows {
    static func insert(_ revisions: [Revision], in db: any SQLDatabase) async throws {
        let rows: [SQLQueryString] = revisions.map { revision in
            """
            (\(bind: revision.postID), \(bind: revision.number), \(bind: revision.title), \(bind: revision.source),
                \(bind: revision.createdAt.millisecondsSince1970), \(bind: revision.kind.rawValue), \(bind: revision.authorID))
            """
        }
        _ = try await PostRows.inChunks(rows, parameters: 7, in: db) { values in
            "INSERT INTO revisions (post_id, number, title, source, created_at, kind, author_id) VALUES \(values)"
        }
    }

    /// A post's revisions, oldest first; or only revision `number`; or only the latest.
    static func revisions(ofPost id: Int64, in db: any SQLDatabase, number: Int? = nil, onlyLatest: Bool = false) async throws -> [Revision] {
        var query: SQLQueryString = "SELECT number, title, source, created_at, kind, author_id FROM revisions WHERE post_id = \(bind: id)"
        if let number { query += " AND number = \(bind: number)" }
        query += onlyLatest ? " ORDER BY number DESC LIMIT 1" : " ORDER BY number"
        let rows = try await db.raw(query).all()
        var revisions: [Revision] = []
        revisions.reserveCapacity(rows.count)
        for row in rows {
            revisions.append(Revision(
                postID: id,
                number: try row.decode(column: "number", as: Int.self),
                title: try row.decode(column: "title", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                createdAt: try row.date("created_at"),
                kind: Revision.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .save,
                authorID: try row.decode(column: "author_id", as: Int64?.self)
            ))
        }
        return revisions
    }
}
