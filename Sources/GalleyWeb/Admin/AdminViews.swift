import Foundation
import GalleyCore

/// An admin page: its template and its model, preformatted strings only.
protocol AdminView: Sendable {
    static var template: String { get }
    var title: String { get }
    /// The session's CSRF token, which the renderer fills in for the page's forms.
    var csrf: String { get set }
}

/// The model of `admin-layout.mustache`.
struct AdminLayout {
    let pageTitle: String
    let siteTitle: String
    let stylesheet: String
    let adminStylesheet: String
    let script: String
    let favicon: String
    /// Nil on the signed-out pages: no navigation, no sign-out button.
    let signedIn: SignedIn?
    let body: String

    struct SignedIn {
        let name: String
        let csrf: String
        let isAdmin: Bool
    }
}

enum AdminFormats {
    private static let minute = DateFormatter.utc("d MMM yyyy, HH:mm 'UTC'")
    private static let field = DateFormatter.utc("yyyy-MM-dd'T'HH:mm")

    static func when(_ date: Date) -> String { minute.string(from: date) }

    /// The value of a `datetime-local` field, in UTC.
    static func fieldValue(_ date: Date) -> String { field.string(from: date) }

    static func parseField(_ text: String, naming field: String = "publish date") throws -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        // Browsers send seconds when the field has them.
        if let date = Self.field.date(from: String(trimmed.prefix(16))) { return date }
        throw GalleyError(.invalidInput, "the \(field) must look like 2026-05-17T09:30 (UTC), got '\(trimmed.prefix(40))'")
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
    }
}

struct LoginPage: AdminView {
    static let template = "admin-login"
    var csrf = ""
    let title = "Sign in"
    let formToken: String
    let next: String
    let email: String
    let error: String?
}

struct SetupPage: AdminView {
    static let template = "admin-setup"
    var csrf = ""
    let title = "Create the first admin"
    let formToken: String
    let token: String
    let email: String
    let name: String
    let error: String?
}

struct SecondFactorPage: AdminView {
    static let template = "admin-code"
    var csrf = ""
    let title = "Two-factor code"
    let next: String
    let error: String?
}

struct PostsPage: AdminView {
    static let template = "admin-posts"
    var csrf = ""
    let title = "Posts"
    struct Filter {
        let label: String
        let href: String
        let current: Bool
    }
    struct Row {
        let title: String
        let editHref: String
        let state: String
        let date: String
        let viewHref: String?
    }
    let filters: [Filter]
    let filter: String
    let query: String
    let rows: [Row]
    let hasRows: Bool
    let notice: String?

    init(filter: PostFilter, query: String, listings: [PostListing], now: Date, notice: String?) {
        self.filter = filter.rawValue
        self.query = query
        self.notice = notice
        filters = PostFilter.allCases.map { candidate in
            let q = query.isEmpty ? "" : "&q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return Filter(label: candidate.label, href: "\(AdminPath.root)?filter=\(candidate.rawValue)\(q)", current: candidate == filter)
        }
        rows = listings.map { listing in
            let state = listing.state(at: now)
            return Row(
                title: listing.title, editHref: AdminPath.post(listing.id), state: state,
                date: AdminFormats.when(state == "draft" || state == "trash" ? listing.updatedAt : listing.publishedAt),
                viewHref: state == "published" ? SitePath.post(listing.slug) : nil
            )
        }
        hasRows = !rows.isEmpty
    }
}

extension PostFilter {
    var label: String {
        switch self {
        case .all: "All"
        case .drafts: "Drafts"
        case .scheduled: "Scheduled"
        case .published: "Published"
        case .trash: "Trash"
        }
    }
}

/// The fields of the editor's form, as the author last had them.
struct EditorFields: Sendable {
    var title: String
    var slug: String
    var tags: String
    var summary: String
    var source: String
    var status: PostStatus
    var publishAt: String
    var unpublishAt: String

    init(
        title: String = "", slug: String = "", tags: String = "", summary: String = "", source: String = "",
        status: PostStatus = .draft, publishAt: String = "", unpublishAt: String = ""
    ) {
        self.title = title
        self.slug = slug
        self.tags = tags
        self.summary = summary
        self.source = source
        self.status = status
        self.publishAt = publishAt
        self.unpublishAt = unpublishAt
    }

    init(_ post: Post) {
        self.init(
            title: post.title, slug: post.slug.rawValue, tags: post.tags.map(\.name).joined(separator: ", "),
            summary: post.summary, source: post.source, status: post.status,
            publishAt: post.status == .published ? AdminFormats.fieldValue(post.publishedAt) : "",
            unpublishAt: post.expiresAt.map(AdminFormats.fieldValue) ?? ""
        )
    }

    init(_ form: Form) {
        self.init(
            title: form.text("title"), slug: form.text("slug").trimmingCharacters(in: .whitespaces),
            tags: form.text("tags"), summary: form.text("summary"), source: form.text("source"),
            status: form["status"] == PostStatus.published.rawValue ? .published : .draft,
            publishAt: form.text("publish_at"), unpublishAt: form.text("unpublish_at")
        )
    }

    /// What the store is asked to keep. A published post without a date is published now.
    func draft(now: Date, previous: Post?) throws -> PostDraft {
        let trimmedTitle = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedTitle.isEmpty else { throw GalleyError(.invalidInput, "a post needs a title") }
        guard trimmedTitle.count <= 300 else { throw GalleyError(.invalidInput, "a title can have at most 300 characters") }
        let slug = slug.isEmpty ? Slug(deriving: trimmedTitle) : try Slug(slug.lowercased())
        let date = try AdminFormats.parseField(publishAt) ?? (previous?.status == .published ? previous?.publishedAt : nil) ?? now
        let expiry = try AdminFormats.parseField(unpublishAt, naming: "unpublish date")
        if let expiry, expiry <= date {
            throw GalleyError(.invalidInput, "“Unpublish at” must be later than “Publish at”, or empty to keep the post up")
        }
        return PostDraft(
            slug: slug, title: trimmedTitle, summary: summary.trimmingCharacters(in: .whitespacesAndNewlines),
            source: source, tags: .named(tags.split(separator: ",").map(String.init)), status: status,
            publishedAt: date, expiresAt: expiry
        )
    }
}

struct EditorPage: AdminView {
    static let template = "admin-editor"
    var csrf = ""
    let title: String
    let action: String
    let postID: String
    let version: String
    let fields: Fields
    let previewHTML: String
    let notice: String?
    let error: String?
    let autosaveURL: String?
    let autosaveNotice: AutosaveNotice?
    let revisionsHref: String?
    let viewHref: String?
    let trashAction: String?
    /// For a post in the trash: bring it back, or delete it for good.
    let restoreAction: String?
    let purgeAction: String?
    let state: String

    struct Fields {
        let title: String
        let slug: String
        let tags: String
        let summary: String
        let source: String
        let draftSelected: Bool
        let publishedSelected: Bool
        let publishAt: String
        let unpublishAt: String
    }

    struct AutosaveNotice {
        let when: String
        let href: String
    }

    init(
        post: Post?, fields: EditorFields, version: Int?, previewHTML: String, notice: String? = nil, error: String? = nil,
        autosave: Revision? = nil, now: Date
    ) {
        title = post.map { "Edit “\($0.title)”" } ?? "New post"
        action = post.map { AdminPath.post($0.id) } ?? "/admin/posts"
        postID = post.map { String($0.id) } ?? ""
        self.version = version.map(String.init) ?? ""
        self.fields = Fields(
            title: fields.title, slug: fields.slug, tags: fields.tags, summary: fields.summary, source: fields.source,
            draftSelected: fields.status == .draft, publishedSelected: fields.status == .published, publishAt: fields.publishAt,
            unpublishAt: fields.unpublishAt
        )
        self.previewHTML = previewHTML
        self.notice = notice
        self.error = error
        autosaveURL = post.map { AdminPath.post($0.id) + "/autosave" } ?? "/admin/posts/autosave"
        autosaveNotice = autosave.flatMap { revision in
            post.map { AutosaveNotice(when: AdminFormats.when(revision.createdAt), href: AdminPath.post($0.id) + "?autosave=\(revision.number)") }
        }
        revisionsHref = post.map { AdminPath.revisions($0.id) }
        viewHref = post.flatMap { $0.isPublic(at: now) ? SitePath.post($0.slug) : nil }
        trashAction = post.flatMap { $0.trashedAt == nil ? AdminPath.post($0.id) + "/trash" : nil }
        restoreAction = post.flatMap { $0.trashedAt != nil ? AdminPath.post($0.id) + "/restore" : nil }
        purgeAction = post.flatMap { $0.trashedAt != nil ? AdminPath.post($0.id) + "/purge" : nil }
        state = post.map { $0.listing.state(at: now) } ?? "new"
    }
}

/// A save refused because the post changed since the author loaded it: both versions, their
/// diff, and the author's words in a form that can be saved over the newer version on purpose.
struct ConflictPage: AdminView {
    static let template = "admin-conflict"
    var csrf = ""
    let title = "This post changed while you were editing"
    let action: String
    let currentVersion: String
    let theirs: Side
    let yours: Side
    let fields: EditorPage.Fields
    let diff: [DiffLine]

    struct Side {
        let title: String
        let source: String
        let when: String
    }

    init(current: Post, yours: EditorFields, now: Date) {
        action = AdminPath.post(current.id)
        currentVersion = String(current.version)
        theirs = Side(title: current.title, source: current.source, when: AdminFormats.when(current.updatedAt))
        self.yours = Side(title: yours.title, source: yours.source, when: AdminFormats.when(now))
        fields = EditorPage(post: current, fields: yours, version: current.version, previewHTML: "", now: now).fields
        diff = DiffLine.lines(from: current.source, to: yours.source)
    }
}

struct DiffLine {
    let kind: String
    let sign: String
    let text: String

    /// The changed lines with `context` unchanged lines around each change; longer unchanged
    /// stretches fold into one line that says how many it hides.
    static func lines(from old: String, to new: String, context: Int = 3) -> [DiffLine] {
        let diff = LineDiff.lines(from: old, to: new)
        let changed = diff.indices.filter { if case .same = diff[$0] { false } else { true } }
        var shown = Set<Int>()
        for index in changed { shown.formUnion(max(0, index - context)...min(diff.count - 1, index + context)) }
        var lines: [DiffLine] = []
        var hidden = 0
        for (index, line) in diff.enumerated() {
            guard shown.contains(index) || changed.isEmpty else {
                hidden += 1
                continue
            }
            if hidden > 0 {
                lines.append(DiffLine(kind: "skip", sign: "⋯", text: "\(hidden) unchanged line\(hidden == 1 ? "" : "s")"))
                hidden = 0
            }
            switch line {
            case .same(let text): lines.append(DiffLine(kind: "same", sign: " ", text: text))
            case .removed(let text): lines.append(DiffLine(kind: "removed", sign: "−", text: text))
            case .added(let text): lines.append(DiffLine(kind: "added", sign: "+", text: text))
            }
        }
        if hidden > 0 { lines.append(DiffLine(kind: "skip", sign: "⋯", text: "\(hidden) unchanged line\(hidden == 1 ? "" : "s")")) }
        return lines
    }
}

struct RevisionsPage: AdminView {
    static let template = "admin-revisions"
    var csrf = ""
    let title: String
    let editHref: String
    let rows: [Row]
    let comparison: Comparison?
    /// The revision numbers, newest first, for the form that compares any two.
    let choices: [Choice]
    let comparePath: String

    struct Choice {
        let number: String
        let fromSelected: Bool
        let toSelected: Bool
    }

    struct Row {
        let number: String
        let kind: String
        let when: String
        let author: String
        let compareHref: String?
        let restoreAction: String
    }

    struct Comparison {
        let from: String
        let to: String
        let titleChange: String?
        let lines: [DiffLine]
        let unchanged: Bool
    }

    init(post: Post, revisions: [Revision], authors: [Int64: String], from: Int?, to: Int?) {
        title = "Revisions of “\(post.title)”"
        editHref = AdminPath.post(post.id)
        rows = revisions.reversed().map { revision in
            Row(
                number: String(revision.number), kind: revision.kind == .autosave ? "autosave" : "save",
                when: AdminFormats.when(revision.createdAt),
                author: revision.authorID.flatMap { authors[$0] } ?? "import",
                compareHref: revision.number > 1 ? AdminPath.revisions(post.id) + "?from=\(revision.number - 1)&to=\(revision.number)" : nil,
                restoreAction: AdminPath.revisions(post.id) + "/\(revision.number)/restore"
            )
        }
        let byNumber = Dictionary(revisions.map { ($0.number, $0) }, uniquingKeysWith: { $1 })
        let toNumber = to ?? revisions.last?.number
        // By default, against the save before: autosaves between two saves are steps of typing.
        let fromNumber = from ?? toNumber.flatMap { to in
            revisions.last { $0.number < to && $0.kind == .save }?.number ?? (to > 1 ? to - 1 : nil)
        }
        if let toNumber, let fromNumber, let old = byNumber[fromNumber], let new = byNumber[toNumber] {
            let lines = DiffLine.lines(from: old.source, to: new.source)
            comparison = Comparison(
                from: String(fromNumber), to: String(toNumber),
                titleChange: old.title == new.title ? nil : "“\(old.title)” → “\(new.title)”",
                lines: lines, unchanged: !lines.contains { $0.kind == "added" || $0.kind == "removed" }
            )
        } else {
            comparison = nil
        }
        comparePath = AdminPath.revisions(post.id)
        choices = revisions.reversed().map { revision in
            Choice(number: String(revision.number), fromSelected: revision.number == fromNumber, toSelected: revision.number == toNumber)
        }
    }
}

struct MediaPage: AdminView {
    static let template = "admin-media"
    var csrf = ""
    let title = "Media"
    let limit: String
    let items: [Item]
    let hasItems: Bool

    struct Item {
        let path: String
        let markdown: String
        let name: String
        let size: String
        let when: String
    }

    init(items: [MediaInfo], limit: Int) {
        self.limit = AdminFormats.size(limit)
        self.items = items.map { item in
            Item(
                path: item.path, markdown: MediaMarkdown.image(item.originalName, path: item.path), name: item.originalName,
                size: AdminFormats.size(item.size), when: AdminFormats.when(item.createdAt)
            )
        }
        hasItems = !self.items.isEmpty
    }
}

enum MediaMarkdown {
    /// `![alt](/media/….png)` with the file's name, without its extension, as alt text.
    static func image(_ originalName: String, path: String) -> String {
        let base = (originalName as NSString).deletingPathExtension
        let alt = base.filter { !"[]\\\n\r".contains($0) }
        return "![\(alt)](\(path))"
    }
}

struct AccountPage: AdminView {
    static let template = "admin-account"
    var csrf = ""
    let title = "Account"
    let name: String
    let email: String
    let role: String
    let twoFactorOn: Bool
    let enrolment: Enrolment?
    let recoveryCodes: [String]
    let hasRecoveryCodes: Bool
    let notice: String?
    let error: String?

    struct Enrolment {
        /// Posted back with the first code.
        let secret: String
        /// The same secret in base32, as authenticator apps take it typed in.
        let key: String
        let url: String
    }

    init(user: User, enrolment: Enrolment? = nil, recoveryCodes: [String] = [], notice: String? = nil, error: String? = nil) {
        name = user.name
        email = user.email
        role = user.role.rawValue
        twoFactorOn = user.totpSecret != nil
        self.enrolment = enrolment
        self.recoveryCodes = recoveryCodes
        hasRecoveryCodes = !recoveryCodes.isEmpty
        self.notice = notice
        self.error = error
    }
}
