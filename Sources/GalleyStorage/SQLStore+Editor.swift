import Foundation
import GalleyCore
import GalleyMarkdown
import SQLKit

extension SQLStore {
    public func post(id: Int64) async throws -> Post? {
        try await read { db in try await PostRows.post(id: id, in: db) }
    }

    public func savePost(_ edit: PostEdit, rendered: RenderedMarkdown, at now: Date) async throws -> SaveResult {
        let dialect = self.dialect
        return try await write { db in
            var existing: Post?
            if let id = edit.id { existing = try await PostRows.existingPost(id: id, in: db) }
            try SavePlan.check(edit, against: existing)
            let holder = try await db.raw("SELECT id FROM posts WHERE slug = \(bind: edit.draft.slug.rawValue)").first()
            if let holder, try holder.decode(column: "id", as: Int64.self) != existing?.id {
                throw SavePlan.slugTaken(edit.draft.slug)
            }
            let plan = SavePlan(existing: existing, draft: edit.draft, rendered: rendered, userID: edit.userID, at: now)
            return try await Self.apply(plan, dialect: dialect, in: db)
        }
    }

    public func autosave(postID: Int64, title: String, source: String, userID: Int64?, at now: Date) async throws -> Revision {
        try await write { db in
            guard try await db.raw("SELECT id FROM posts WHERE id = \(bind: postID)").first() != nil else {
                throw GalleyError.noSuchPost(postID)
            }
            let last = try await RevisionRows.revisions(ofPost: postID, in: db, onlyLatest: true).first
            let (revision, replacesLast) = Revision.autosave(of: postID, after: last, title: title, source: source, by: userID, at: now)
            if replacesLast {
                try await db.raw("""
                    UPDATE revisions SET title = \(bind: title), source = \(bind: source), created_at = \(bind: now.millisecondsSince1970)
                    WHERE post_id = \(bind: postID) AND number = \(bind: revision.number)
                    """).run()
            } else {
                try await RevisionRows.insert([revision], in: db)
            }
            return revision
        }
    }

    public func postListings(_ filter: PostFilter, matching text: String, authorID: Int64?, limit: Int, at now: Date) async throws -> [PostListing] {
        let nowMS = now.millisecondsSince1970
        var conditions: [SQLQueryString] = []
        switch filter {
        case .all: conditions.append("trashed_at IS NULL")
        case .drafts: conditions.append("trashed_at IS NULL AND status = 'draft'")
        case .scheduled: conditions.append("trashed_at IS NULL AND status = 'published' AND published_at > \(bind: nowMS)")
        case .published: conditions.append("trashed_at IS NULL AND \(PostRows.publicFilter(at: now, tagged: nil))")
        case .trash: conditions.append("trashed_at IS NOT NULL")
        }
        if let authorID { conditions.append("author_id = \(bind: authorID)") }
        if !text.isEmpty {
            // instr over lower(): no LIKE wildcards to escape. SQLite lowers ASCII only; the
            // memory store folds more, so the contract sticks to ASCII titles.
            let position = dialect == .sqlite ? "instr" : "strpos"
            conditions.append("\(unsafeRaw: position)(lower(title), lower(\(bind: text))) > 0")
        }
        var query: SQLQueryString = "SELECT id, slug, title, status, published_at, expires_at, updated_at, trashed_at, author_id FROM posts WHERE "
        for (index, condition) in conditions.enumerated() {
            if index > 0 { query += " AND " }
            query += condition
        }
        query += " ORDER BY updated_at DESC, id DESC LIMIT \(bind: limit)"
        let rows = try await read { [query] db in try await db.raw(query).all() }
        var listings: [PostListing] = []
        listings.reserveCapacity(rows.count)
        for row in rows {
            listings.append(PostListing(
                id: try row.decode(column: "id", as: Int64.self),
                slug: try Slug(try row.decode(column: "slug", as: String.self)),
                title: try row.decode(column: "title", as: String.self),
                status: PostStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft,
                publishedAt: try row.date("published_at"),
                expiresAt: try row.optionalDate("expires_at"),
                updatedAt: try row.date("updated_at"),
                trashedAt: try row.optionalDate("trashed_at"),
                authorID: try row.decode(column: "author_id", as: Int64?.self)
            ))
        }
        return listings
    }

    public func setTrashed(postID: Int64, _ trashed: Bool, at now: Date) async throws {
        try await write { db in
            let post = try await PostRows.existingPost(id: postID, in: db)
            guard (post.trashedAt != nil) != trashed else { return }
            if trashed {
                try await db.raw("""
                    UPDATE posts SET trashed_at = \(bind: now.millisecondsSince1970), status = 'draft', version = version + 1 WHERE id = \(bind: postID)
                    """).run()
            } else {
                try await db.raw("UPDATE posts SET trashed_at = NULL, version = version + 1 WHERE id = \(bind: postID)").run()
            }
            try await Self.bumpSiteRevision(in: db)
        }
    }

    public func purgePost(id: Int64) async throws {
        let dialect = self.dialect
        try await write { db in
            let post = try await PostRows.existingPost(id: id, in: db)
            guard post.trashedAt != nil else { throw GalleyError(.conflict, "only a post in the trash can be deleted for good") }
            if dialect == .sqlite { try await db.raw("DELETE FROM posts_fts WHERE rowid = \(bind: id)").run() }
            try await db.raw("DELETE FROM posts WHERE id = \(bind: id)").run()
            try await Self.bumpSiteRevision(in: db)
        }
    }

    public func redirect(from slug: Slug) async throws -> Slug? {
        let row = try await read { db in try await db.raw("""
            SELECT posts.slug FROM slug_redirects JOIN posts ON posts.id = slug_redirects.post_id
            WHERE slug_redirects.old_slug = \(bind: slug.rawValue)
            """).first() }
        return try row.map { try Slug(try $0.decode(column: "slug", as: String.self)) }
    }

    public func slugRedirects() async throws -> [Int64: [Slug]] {
        let rows = try await read { db in try await db.raw("SELECT old_slug, post_id FROM slug_redirects ORDER BY old_slug").all() }
        var redirects: [Int64: [Slug]] = [:]
        for row in rows {
            redirects[try row.decode(column: "post_id", as: Int64.self), default: []].append(try Slug(try row.decode(column: "old_slug", as: String.self)))
        }
        return redirects
    }

    // MARK: Imports and old addresses

    public func aliasTarget(_ path: String, at now: Date) async throws -> Slug? {
        let row = try await read { db in try await db.raw("""
            SELECT posts.slug FROM post_aliases JOIN posts ON posts.id = post_aliases.post_id
            WHERE post_aliases.path = \(bind: path) AND \(PostRows.publicFilter(at: now, tagged: nil))
            """).first() }
        return try row.map { try Slug(try $0.decode(column: "slug", as: String.self)) }
    }

    public func importedSlugs() async throws -> [String: Slug] {
        let rows = try await read { db in try await db.raw("SELECT origin_source, slug FROM posts WHERE origin_source IS NOT NULL").all() }
        var slugs: [String: Slug] = [:]
        for row in rows { slugs[try row.decode(column: "origin_source", as: String.self)] = try Slug(try row.decode(column: "slug", as: String.self)) }
        return slugs
    }

    public func takenSlugs() async throws -> Set<Slug> {
        let rows = try await read { db in try await db.raw("SELECT slug FROM posts UNION SELECT old_slug AS slug FROM slug_redirects").all() }
        return Set(try rows.map { try Slug(try $0.decode(column: "slug", as: String.self)) })
    }

    public func saveImported(_ batch: [ImportedPost], at now: Date) async throws -> ImportedBatch {
        let dialect = self.dialect
        return try await write { db in
            let newMedia = try await Self.insert(batch.flatMap(\.media), in: db)
            // Every post the batch names, in one read; then each written as a single save would.
            var existing: [Slug: Post] = [:]
            let slugs: [SQLQueryString] = Set(batch.map(\.draft.slug.rawValue)).map { "\(bind: $0)" }
            let rows = try await PostRows.inChunks(slugs, parameters: 1, in: db) { "SELECT \(unsafeRaw: PostRows.allColumns) FROM posts WHERE slug IN (\($0))" }
            for post in try await PostRows.posts(rows, in: db) { existing[post.slug] = post }
            // New posts are written together, a few statements for all; a post of a slug the
            // window already holds, or one stored before, waits for those before it.
            var outcomes: [SaveOutcome] = []
            outcomes.reserveCapacity(batch.count)
            var waiting: [(index: Int, plan: SavePlan)] = []
            func createWaiting() async throws {
                for (entry, result) in zip(waiting, try await Self.create(waiting.map(\.plan), dialect: dialect, in: db)) {
                    existing[result.post.slug] = result.post
                    outcomes[entry.index] = .created
                }
                waiting = []
            }
            for item in batch {
                if waiting.contains(where: { $0.plan.post.slug == item.draft.slug }) { try await createWaiting() }
                let plan = SavePlan(existing: existing[item.draft.slug], draft: item.draft, rendered: item.rendered, userID: nil, at: now)
                outcomes.append(plan.outcome)
                if plan.outcome == .created {
                    waiting.append((outcomes.count - 1, plan))
                } else {
                    try await createWaiting()
                    existing[plan.post.slug] = try await Self.update(plan, dialect: dialect, in: db).post
                }
            }
            try await createWaiting()
            if outcomes.contains(where: { $0 != .unchanged }) { try await Self.bumpSiteRevision(in: db) }
            return ImportedBatch(outcomes: outcomes, newMedia: newMedia)
        }
    }

    // MARK: Users

    private static let userColumns = "id, email, name, role, password_hash, disabled, totp_secret, recovery_codes, created_at"

    public func createUser(_ user: User) async throws -> User {
        var user = user
        user.email = User.normalizedEmail(user.email)
        return try await write { [user] db in
            var created = user
            guard try await db.raw("SELECT id FROM users WHERE email = \(bind: user.email)").first() == nil else {
                throw GalleyError(.conflict, "a user with the email \(user.email) exists already")
            }
            let row = try await db.raw("""
                INSERT INTO users (email, name, role, password_hash, disabled, totp_secret, recovery_codes, created_at)
                VALUES (\(bind: user.email), \(bind: user.name), \(bind: user.role.rawValue), \(bind: user.passwordHash),
                    \(bind: user.disabled), \(bind: user.totpSecret), \(bind: user.recoveryCodeHashes.joined(separator: " ")),
                    \(bind: user.createdAt.millisecondsSince1970))
                RETURNING id
                """).first()
            created.id = try row?.decode(column: "id", as: Int64.self) ?? 0
            return created
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await users(where: "id = \(bind: id)").first
    }

    public func user(email: String) async throws -> User? {
        try await users(where: "email = \(bind: User.normalizedEmail(email))").first
    }

    public func users() async throws -> [User] {
        try await users(where: "1 = 1")
    }

    private func users(where condition: SQLQueryString) async throws -> [User] {
        let rows = try await read { db in try await db.raw("SELECT \(unsafeRaw: Self.userColumns) FROM users WHERE \(condition) ORDER BY id").all() }
        var users: [User] = []
        for row in rows {
            let codes = try row.decode(column: "recovery_codes", as: String.self)
            users.append(User(
                id: try row.decode(column: "id", as: Int64.self),
                email: try row.decode(column: "email", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .author,
                passwordHash: try row.decode(column: "password_hash", as: String.self),
                disabled: try row.decode(column: "disabled", as: Bool.self),
                totpSecret: try row.decode(column: "totp_secret", as: String?.self),
                recoveryCodeHashes: codes.split(separator: " ").map(String.init),
                createdAt: try row.date("created_at")
            ))
        }
        return users
    }

    public func updateUser(_ user: User) async throws {
        try await write { db in
            let old = try await db.raw("SELECT password_hash FROM users WHERE id = \(bind: user.id)").first()
            guard let old else { throw GalleyError.notFound("there is no user \(user.id)") }
            try await db.raw("""
                UPDATE users SET name = \(bind: user.name), role = \(bind: user.role.rawValue), password_hash = \(bind: user.passwordHash),
                    disabled = \(bind: user.disabled), totp_secret = \(bind: user.totpSecret),
                    recovery_codes = \(bind: user.recoveryCodeHashes.joined(separator: " "))
                WHERE id = \(bind: user.id)
                """).run()
            if try user.disabled || old.decode(column: "password_hash", as: String.self) != user.passwordHash {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: user.id)").run()
            }
        }
    }

    public func createSession(_ session: Session) async throws {
        try await write { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, awaiting_second_factor, created_at, last_seen_at)
                VALUES (\(bind: session.tokenHash), \(bind: session.userID), \(bind: session.csrfToken),
                    \(bind: session.awaitingSecondFactor), \(bind: session.createdAt.millisecondsSince1970), \(bind: session.lastSeenAt.millisecondsSince1970))
                """).run()
        }
    }

    public func session(tokenHash: String) async throws -> Session? {
        let row = try await read { db in try await db.raw("""
            SELECT token_hash, user_id, csrf_token, awaiting_second_factor, created_at, last_seen_at FROM sessions
            WHERE token_hash = \(bind: tokenHash)
            """).first() }
        guard let row else { return nil }
        return Session(
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            userID: try row.decode(column: "user_id", as: Int64.self),
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            awaitingSecondFactor: try row.decode(column: "awaiting_second_factor", as: Bool.self),
            createdAt: try row.date("created_at"),
            lastSeenAt: try row.date("last_seen_at")
        )
    }

    public func updateSession(_ session: Session) async throws {
        try await write { db in
            try await db.raw("""
                UPDATE sessions SET awaiting_second_factor = \(bind: session.awaitingSecondFactor),
                    last_seen_at = \(bind: session.lastSeenAt.millisecondsSince1970)
                WHERE token_hash = \(bind: session.tokenHash)
                """).run()
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
        }
    }

    public func deleteSessions(userID: Int64) async throws {
        try await write { db in
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID)").run()
        }
    }

    // MARK: Media

    public func saveMedia(_ media: Media) async throws -> Bool {
        try await write { db in try await Self.insert([media], in: db) == 1 }
    }

    /// Stores each file unless the same bytes are there; returns how many were new. A hundred rows
    /// a statement: seven parameters a row stay far below either database's limit on parameters.
    static func insert(_ media: [Media], in db: any SQLDatabase) async throws -> Int {
        var seen = Set<String>()
        let media = media.filter { seen.insert($0.sha256).inserted }
        var inserted = 0
        for start in stride(from: 0, to: media.count, by: 100) {
            let rows: [SQLQueryString] = media[start..<min(start + 100, media.count)].map { media in
                """
                (\(bind: media.sha256), \(bind: media.kind.rawValue), \(bind: Data(media.bytes)), \(bind: media.bytes.count),
                    \(bind: media.originalName), \(bind: media.uploadedBy), \(bind: media.createdAt.millisecondsSince1970))
                """
            }
            inserted += try await db.raw("""
                INSERT INTO media (sha256, kind, bytes, size, original_name, uploaded_by, created_at) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (sha256) DO NOTHING RETURNING sha256
                """).all().count
        }
        return inserted
    }

    public func media(sha256: String) async throws -> Media? {
        let row = try await read { db in try await db.raw("""
            SELECT sha256, kind, bytes, original_name, uploaded_by, created_at FROM media WHERE sha256 = \(bind: sha256)
            """).first() }
        guard let row, let kind = ImageKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
        return Media(
            sha256: try row.decode(column: "sha256", as: String.self),
            kind: kind,
            bytes: Array(try row.decode(column: "bytes", as: Data.self)),
            originalName: try row.decode(column: "original_name", as: String.self),
            uploadedBy: try row.decode(column: "uploaded_by", as: Int64?.self),
            createdAt: try row.date("created_at")
        )
    }

    public func mediaList() async throws -> [MediaInfo] {
        let rows = try await read { db in try await db.raw("""
            SELECT sha256, kind, size, original_name, created_at FROM media ORDER BY created_at DESC, sha256 DESC
            """).all() }
        var list: [MediaInfo] = []
        for row in rows {
            guard let kind = ImageKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            list.append(MediaInfo(
                sha256: try row.decode(column: "sha256", as: String.self),
                kind: kind,
                size: try row.decode(column: "size", as: Int.self),
                originalName: try row.decode(column: "original_name", as: String.self),
                createdAt: try row.date("created_at")
            ))
        }
        return list
    }
}
