import Foundation
import GalleyCore
import GalleyMarkdown
import Hummingbird

/// The posts list, the editor with its live preview and autosave, trash, and revisions.
struct EditorController: Sendable {
    let store: any Store
    let pages: PageRenderer
    let clock: @Sendable () -> Date
    /// Each preview renders the whole post again; the editor asks for one as the author types.
    let previewLimit: RateLimit

    static let listLimit = 200

    /// Renders with the site's raw-HTML setting of the moment (the settings page changes it).
    var writer: PostWriter { PostWriter(store: store, renderer: pages.site.renderer, clock: clock) }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(AdminPath.root), use: list)
        router.get(RouterPath(AdminPath.newPost), use: newPost)
        router.post("/admin/posts", use: create)
        router.post("/admin/posts/autosave", use: autosaveNew)
        router.post(RouterPath(AdminPath.preview), use: preview)
        router.get("/admin/posts/:id", use: edit)
        router.post("/admin/posts/:id", use: save)
        router.post("/admin/posts/:id/autosave", use: autosave)
        router.post("/admin/posts/:id/trash", use: trash)
        router.post("/admin/posts/:id/restore", use: restoreFromTrash)
        router.post("/admin/posts/:id/purge", use: purge)
        router.get("/admin/posts/:id/revisions", use: revisions)
        router.post("/admin/posts/:id/revisions/:number/restore", use: restoreRevision)
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let filterName = query.get("filter") ?? PostFilter.all.rawValue
        guard let filter = PostFilter(rawValue: filterName) else {
            throw GalleyError.invalidParameter("filter", "one of \(PostFilter.allCases.map(\.rawValue).joined(separator: ", "))", got: filterName)
        }
        let text = String((query.get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let now = clock()
        let listings = try await store.postListings(
            filter, matching: text, authorID: user.role == .author ? user.id : nil, limit: Self.listLimit, at: now
        )
        let notice = query.get("notice").flatMap(Notice.init(rawValue:))?.text
        return try pages.renderAdmin(PostsPage(filter: filter, query: text, listings: listings, now: now, notice: notice), context: context)
    }

    // MARK: Editor

    @Sendable func newPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try pages.renderAdmin(EditorPage(post: nil, fields: EditorFields(), version: nil, previewHTML: "", now: clock()), context: context)
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await editablePost(context)
        var fields = EditorFields(post)
        var notice = request.uri.queryParameters.get("notice").flatMap(Notice.init(rawValue:))?.text
        var pendingAutosave: Revision?
        if let number = request.uri.queryParameters.get("autosave").flatMap(Int.init),
           let autosave = try await store.revision(ofPost: post.id, number: number), autosave.kind == .autosave {
            fields.title = autosave.title
            fields.source = autosave.source
            notice = "The autosave from \(AdminFormats.when(autosave.createdAt)) is in the editor. Save to keep it."
        } else if let last = try await store.revision(ofPost: post.id, number: nil), last.kind == .autosave,
                  last.authorID == context.user?.id, last.source != post.source || last.title != post.title {
            pendingAutosave = last
        }
        let preview = fields.source == post.source ? post.rendered.html : writer.renderer.render(fields.source).html
        return try pages.renderAdmin(
            EditorPage(post: post, fields: fields, version: post.version, previewHTML: preview, notice: notice, autosave: pendingAutosave, now: clock()),
            context: context
        )
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await submit(request, context: context, post: nil)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await submit(request, context: context, post: try await editablePost(context))
    }

    /// Saves the editor's form, or only previews it (the no-JavaScript preview button). A form
    /// the store refuses comes back with the author's words in it and the reason.
    private func submit(_ request: Request, context: AppRequestContext, post: Post?) async throws -> Response {
        let user = try context.requireUser()
        let form = try await Form.read(request, limit: Form.postLimit)
        let fields = EditorFields(form)
        let now = clock()
        let version = form["version"].flatMap(Int.init)
        func again(_ error: String?, status: HTTPResponse.Status = .ok, notice: String? = nil) throws -> Response {
            try pages.renderAdmin(
                EditorPage(post: post, fields: fields, version: version, previewHTML: writer.renderer.render(fields.source).html, notice: notice, error: error, now: now),
                context: context, status: status
            )
        }
        if form["action"] == "preview" {
            return try again(nil, notice: "Preview only: nothing is saved yet.")
        }
        do {
            let draft = try fields.draft(now: now, previous: post)
            let result = try await writer.save(PostEdit(id: post?.id, draft: draft, baseVersion: post == nil ? nil : version, userID: user.id))
            context.logger.info("post saved", metadata: ["post": "\(result.post.id)", "outcome": "\(result.outcome.rawValue)", "version": "\(result.post.version)"])
            return .redirect(to: AdminPath.post(result.post.id) + "?notice=" + Notice.saved.rawValue, type: .normal)
        } catch let conflict as EditConflict {
            context.logger.notice("stale save refused", metadata: ["post": "\(conflict.current.id)", "base": "\(version.map(String.init) ?? "none")", "current": "\(conflict.current.version)"])
            return try pages.renderAdmin(ConflictPage(current: conflict.current, yours: fields, now: now), context: context, status: .conflict)
        } catch let error as GalleyError where error.status < 500 {
            return try again(error.message.asSentence, status: .init(code: error.status))
        }
    }

    // MARK: Live preview and autosave (JavaScript)

    @Sendable func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try previewLimit.take(client: "user:\(user.id)", what: "previews")
        let form = try await Form.read(request, limit: Form.postLimit)
        return Response(
            status: .ok, headers: AdminHeaders.fields(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: writer.renderer.render(form.text("source")).html))
        )
    }

    @Sendable func autosave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let post = try await editablePost(context)
        let form = try await Form.read(request, limit: Form.postLimit)
        let revision = try await store.autosave(postID: post.id, title: form.text("title"), source: form.text("source"), userID: user.id, at: clock())
        return try autosaved(revision: revision.number, at: revision.createdAt, post: post)
    }

    /// The first autosave of a new post creates it as a draft, so that the server holds the words
    /// from then on; the page then carries on as the editor of that post.
    @Sendable func autosaveNew(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let form = try await Form.read(request, limit: Form.postLimit)
        var fields = EditorFields(form)
        fields.status = .draft
        var draft = try fields.draft(now: clock(), previous: nil)
        // A second tab may already hold the derived slug: number it rather than fail.
        var suffix = 2
        let base = draft.slug
        while try await store.post(slug: draft.slug) != nil {
            draft.slug = Slug(deriving: "\(base.rawValue)-\(suffix)")
            suffix += 1
        }
        let result = try await writer.save(PostEdit(id: nil, draft: draft, baseVersion: nil, userID: user.id))
        // A new post's one revision: its first save.
        return try autosaved(revision: 1, at: result.post.updatedAt, post: result.post)
    }

    private func autosaved(revision: Int, at savedAt: Date, post: Post) throws -> Response {
        struct Body: Encodable {
            let postId: Int64
            let version: Int
            let revision: Int
            let savedAt: String
            let editUrl: String
            let autosaveUrl: String
            let slug: String
        }
        var response = try JSONResponse.make(Body(
            postId: post.id, version: post.version, revision: revision,
            savedAt: AdminFormats.when(savedAt), editUrl: AdminPath.post(post.id),
            autosaveUrl: AdminPath.post(post.id) + "/autosave", slug: post.slug.rawValue
        ))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Trash

    @Sendable func trash(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await editablePost(context)
        try await store.setTrashed(postID: post.id, true, at: clock())
        context.logger.info("post trashed", metadata: ["post": "\(post.id)"])
        return .redirect(to: AdminPath.root + "?filter=trash&notice=" + Notice.trashed.rawValue, type: .normal)
    }

    @Sendable func restoreFromTrash(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await editablePost(context)
        try await store.setTrashed(postID: post.id, false, at: clock())
        return .redirect(to: AdminPath.post(post.id) + "?notice=" + Notice.untrashed.rawValue, type: .normal)
    }

    @Sendable func purge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.role != .author else { throw GalleyError(.forbidden, "only editors and admins delete posts for good") }
        let post = try await editablePost(context)
        try await store.purgePost(id: post.id)
        context.logger.notice("post deleted for good", metadata: ["post": "\(post.id)", "slug": "\(post.slug)"])
        return .redirect(to: AdminPath.root + "?filter=trash&notice=" + Notice.purged.rawValue, type: .normal)
    }

    // MARK: Revisions

    @Sendable func revisions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await editablePost(context)
        let revisions = try await store.revisions(ofPost: post.id)
        var authors: [Int64: String] = [:]
        for id in Set(revisions.compactMap(\.authorID)) {
            authors[id] = try await store.user(id: id)?.name
        }
        let query = request.uri.queryParameters
        let from = try query.get("from").map { try Self.revisionNumber($0, name: "from") }
        let to = try query.get("to").map { try Self.revisionNumber($0, name: "to") }
        return try pages.renderAdmin(RevisionsPage(post: post, revisions: revisions, authors: authors, from: from, to: to), context: context)
    }

    /// Restores a revision's title and Markdown as a new revision; the history stays whole.
    @Sendable func restoreRevision(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let post = try await editablePost(context)
        let number = try Self.revisionNumber(context.parameters.get("number") ?? "", name: "revision")
        guard let revision = try await store.revision(ofPost: post.id, number: number) else {
            throw GalleyError.notFound("post \(post.id) has no revision \(number)")
        }
        var draft = post.draft
        draft.title = revision.title
        draft.source = revision.source
        let result = try await writer.save(PostEdit(id: post.id, draft: draft, baseVersion: post.version, userID: user.id))
        context.logger.info("revision restored", metadata: ["post": "\(post.id)", "revision": "\(number)", "outcome": "\(result.outcome.rawValue)"])
        return .redirect(to: AdminPath.post(post.id) + "?notice=" + Notice.restored.rawValue, type: .normal)
    }

    // MARK: Helpers

    /// The post named by the path, if this user may change it.
    private func editablePost(_ context: AppRequestContext) async throws -> Post {
        let user = try context.requireUser()
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0, let post = try await store.post(id: id) else {
            throw GalleyError.noSuchPost(text)
        }
        guard user.mayEdit(post) else { throw GalleyError(.forbidden, "authors can change only their own posts") }
        return post
    }

    static func revisionNumber(_ text: String, name: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw GalleyError.invalidParameter(name, "a revision number", got: text) }
        return number
    }
}

/// The messages a redirect after a change asks the next page to show.
enum Notice: String {
    case saved, trashed, untrashed, purged, restored

    var text: String {
        switch self {
        case .saved: "Saved."
        case .trashed: "Moved to the trash. Nothing is deleted until you delete it for good."
        case .untrashed: "Restored from the trash as a draft."
        case .purged: "Deleted for good."
        case .restored: "Revision restored as the newest revision."
        }
    }
}

extension AppRequestContext {
    func requireUser() throws -> User {
        guard let user, session?.awaitingSecondFactor == false else { throw GalleyError(.forbidden, "sign in first") }
        return user
    }

    /// The signed-in admin; anyone else gets a 403 saying only admins may `what`.
    @discardableResult
    func requireAdmin(to what: String) throws -> User {
        let user = try requireUser()
        guard user.mayManageSite else { throw GalleyError(.forbidden, "only admins \(what)") }
        return user
    }
}
