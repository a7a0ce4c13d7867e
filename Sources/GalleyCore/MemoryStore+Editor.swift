import Foundation

extension MemoryStore {
    public func post(id: Int64) -> Post? {
        posts.values.first { $0.id == id }
    }

    /// The post `id` names, or a 404.
    func existingPost(_ id: Int64) throws -> Post {
        guard let post = post(id: id) else { throw GalleyError.noSuchPost(id) }
        return post
    }

    public func autosave(postID: Int64, title: String, source: String, userID: Int64?, at now: Date) throws -> Revision {
        _ = try existingPost(postID)
        var list = revisionsByPost[postID] ?? []
        let (revision, replacesLast) = Revision.autosave(of: postID, after: list.last, title: title, source: source, by: userID, at: now)
        if replacesLast { list.removeLast() }
        list.append(revision)
        revisionsByPost[postID] = list
        localChanges.record()
        return revision
    }

    public func revision(ofPost id: Int64, number: Int?) -> Revision? {
        let revisions = revisionsByPost[id] ?? []
        return number.map { number in revisions.first { $0.number == number } } ?? revisions.last
    }

    public func postListings(_ filter: PostFilter, matching text: String, authorID: Int64?, limit: Int, at now: Date) -> [PostListing] {
        let listings = posts.values.map(\.listing).filter { listing in
            (authorID == nil || listing.authorID == authorID)
                && (text.isEmpty || listing.title.localizedCaseInsensitiveContains(text))
                && filter.includes(listing.state(at: now))
        }
        return Array(listings.sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }.prefix(limit))
    }

    public func setTrashed(postID: Int64, _ trashed: Bool, at now: Date) throws {
        var post = try existingPost(postID)
        guard (post.trashedAt != nil) != trashed else { return }
        post.trashedAt = trashed ? now : nil
        if trashed { post.status = .draft }
        // An editor open on the post must not save it back to life unseen.
        post.version += 1
        posts[post.slug] = post
        recordWrite()
    }

    public func purgePost(id: Int64) throws {
        let post = try existingPost(id)
        guard post.trashedAt != nil else { throw GalleyError(.conflict, "only a post in the trash can be deleted for good") }
        posts[post.slug] = nil
        revisionsByPost[id] = nil
        redirects = redirects.filter { $0.value != id }
        aliases = aliases.filter { $0.value != id }
        recordWrite()
    }

    public func redirect(from slug: Slug) -> Slug? {
        redirects[slug].flatMap(post(id:))?.slug
    }

    public func slugRedirects() -> [Int64: [Slug]] {
        Dictionary(grouping: redirects.keys.sorted(), by: { redirects[$0]! })
    }

    // MARK: Users

    public func createUser(_ user: User) throws -> User {
        var user = user
        user.email = User.normalizedEmail(user.email)
        guard !usersByID.values.contains(where: { $0.email == user.email }) else {
            throw GalleyError(.conflict, "a user with the email \(user.email) exists already")
        }
        user.id = (usersByID.keys.max() ?? 0) + 1
        usersByID[user.id] = user
        return user
    }

    public func user(id: Int64) -> User? {
        usersByID[id]
    }

    public func user(email: String) -> User? {
        let email = User.normalizedEmail(email)
        return usersByID.values.first { $0.email == email }
    }

    public func users() -> [User] {
        usersByID.values.sorted { $0.id < $1.id }
    }

    public func updateUser(_ user: User) throws {
        guard let old = usersByID[user.id] else { throw GalleyError.notFound("there is no user \(user.id)") }
        var user = user
        user.email = old.email
        usersByID[user.id] = user
        if user.disabled || user.passwordHash != old.passwordHash {
            deleteSessions(userID: user.id)
        }
    }

    public func createSession(_ session: Session) {
        sessions[session.tokenHash] = session
    }

    public func session(tokenHash: String) -> Session? {
        sessions[tokenHash]
    }

    public func updateSession(_ session: Session) {
        guard sessions[session.tokenHash] != nil else { return }
        sessions[session.tokenHash] = session
    }

    public func deleteSession(tokenHash: String) {
        sessions[tokenHash] = nil
    }

    public func deleteSessions(userID: Int64) {
        sessions = sessions.filter { $0.value.userID != userID }
    }

    // MARK: Media

    public func saveMedia(_ media: Media) -> Bool {
        guard mediaByHash[media.sha256] == nil else { return false }
        mediaByHash[media.sha256] = media
        return true
    }

    public func media(sha256: String) -> Media? {
        mediaByHash[sha256]
    }

    public func mediaList() -> [MediaInfo] {
        mediaByHash.values.map(\.info).sorted { ($0.createdAt, $0.sha256) > ($1.createdAt, $1.sha256) }
    }
}

extension Post {
    public var listing: PostListing {
        PostListing(
            id: id, slug: slug, title: title, status: status, publishedAt: publishedAt, expiresAt: expiresAt, updatedAt: updatedAt,
            trashedAt: trashedAt, authorID: authorID
        )
    }
}

extension PostFilter {
    /// Whether a post in `state` (``PostListing/state(at:)``) belongs to this list; "all" leaves
    /// the trash out.
    public func includes(_ state: String) -> Bool {
        switch self {
        case .all: state != "trash"
        case .drafts: state == "draft"
        case .scheduled: state == "scheduled"
        case .published: state == "published"
        case .trash: state == "trash"
        }
    }
}

extension MemoryStore {
    public func aliasTarget(_ path: String, at now: Date) -> Slug? {
        aliases[path].flatMap(post(id:)).flatMap { $0.isPublic(at: now) ? $0.slug : nil }
    }

    public func importedSlugs() -> [String: Slug] {
        var slugs: [String: Slug] = [:]
        for post in posts.values { if let source = post.origin?.source { slugs[source] = post.slug } }
        return slugs
    }

    public func takenSlugs() -> Set<Slug> {
        Set(posts.keys).union(redirects.keys)
    }

    /// One turn of the actor: nothing else runs between the posts.
    public func saveImported(_ batch: [ImportedPost], at now: Date) -> ImportedBatch {
        var newMedia = 0
        for media in batch.flatMap(\.media) where saveMedia(media) { newMedia += 1 }
        let outcomes = batch.map { apply(SavePlan(existing: posts[$0.draft.slug], draft: $0.draft, rendered: $0.rendered, userID: nil, at: now), recording: false).outcome }
        if outcomes.contains(where: { $0 != .unchanged }) { recordWrite() }
        return ImportedBatch(outcomes: outcomes, newMedia: newMedia)
    }
}
