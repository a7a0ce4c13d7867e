import Foundation
import GalleyMarkdown

/// The write path: renders the Markdown once and hands source and rendering to the store together,
/// so that reads never render again.
public struct PostWriter: Sendable {
    public let store: any PostStore & EditorStore
    public let renderer: MarkdownRenderer
    public let clock: @Sendable () -> Date

    public init(store: any PostStore & EditorStore, renderer: MarkdownRenderer = MarkdownRenderer(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.renderer = renderer
        self.clock = clock
    }

    /// Saves a draft. Times are kept to the millisecond, as every store keeps them.
    @discardableResult
    public func save(_ draft: PostDraft) async throws -> SaveResult {
        try await save(draft, rendered: renderer.render(draft.source))
    }

    /// Saves a draft already rendered by this writer's renderer (an import renders on every
    /// core, then saves one post at a time).
    @discardableResult
    public func save(_ draft: PostDraft, rendered: RenderedMarkdown) async throws -> SaveResult {
        try await store.savePost(Self.checked(draft), rendered: rendered, at: clock().truncatedToMilliseconds)
    }

    /// The draft as a store takes it: with a title, no NUL in its text, its times to the
    /// millisecond.
    public static func checked(_ draft: PostDraft) throws -> PostDraft {
        var draft = draft
        draft.title = draft.title.replacingNUL
        draft.summary = draft.summary.replacingNUL
        draft.source = draft.source.replacingNUL
        draft.tags = draft.tags.map { Tag(name: $0.name.replacingNUL, slug: $0.slug) }
        guard !draft.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GalleyError(.invalidInput, "a post needs a title")
        }
        draft.publishedAt = draft.publishedAt.truncatedToMilliseconds
        draft.updatedAt = draft.updatedAt?.truncatedToMilliseconds
        return draft
    }

    /// Saves an edit from the editor; see ``EditorStore/savePost(_:rendered:at:)``.
    @discardableResult
    public func save(_ edit: PostEdit) async throws -> SaveResult {
        var edit = edit
        edit.draft = try Self.checked(edit.draft)
        return try await store.savePost(edit, rendered: renderer.render(edit.draft.source), at: clock().truncatedToMilliseconds)
    }
}

/// Keeps stored renderings in step with the renderer: when the pipeline's output changes (a new
/// version of Galley highlights code, say, or the site's raw-HTML setting changed), every post
/// is rendered again once, at startup or when the setting is saved. Only the rendering changes:
/// no revision, no new `updatedAt`, no new version.
public struct RenderingUpgrade: Sendable {
    public static let settingKey = "renderer_version"

    public let store: any Store
    public let renderer: MarkdownRenderer
    public let version: String

    public init(store: any Store, renderer: MarkdownRenderer = MarkdownRenderer(), version: String = MarkdownRenderer.outputVersion) {
        self.store = store
        self.renderer = renderer
        self.version = version
    }

    /// What the setting records: the pipeline's version, then the raw-HTML mode unless it is
    /// the default (`5+3f2a…`, `5+3f2a… escaped`).
    static func key(version: String, rawHTML: MarkdownRenderer.RawHTML) -> String {
        rawHTML == .sanitized ? version : "\(version) \(rawHTML.rawValue)"
    }

    /// The raw-HTML mode the stored posts were last rendered with, nil before the first run.
    public static func recordedRawHTML(in store: any SettingsStore) async throws -> MarkdownRenderer.RawHTML? {
        guard let key = try await store.setting(settingKey) else { return nil }
        let mode = key.split(separator: " ").dropFirst().first
        return mode.map { MarkdownRenderer.RawHTML(rawValue: String($0)) ?? .sanitized } ?? .sanitized
    }

    /// Renders every post again if they were rendered by another version or raw-HTML mode;
    /// returns how many changed. Each post is saved as an edit of the version it read, so that
    /// an author's save in between (the server keeps serving while the setting's change
    /// renders) is never overwritten: the post is read again and rendered from what they saved.
    @discardableResult
    public func run() async throws -> Int {
        let key = Self.key(version: version, rawHTML: renderer.rawHTML)
        guard try await store.setting(Self.settingKey) != key else { return 0 }
        let writer = PostWriter(store: store, renderer: renderer)
        var changed = 0
        for slug in try await store.allSlugs() {
            guard var post = try await store.post(slug: slug) else { continue }
            for _ in 0..<5 {
                do {
                    let edit = PostEdit(id: post.id, draft: post.draft, baseVersion: post.version, userID: nil)
                    if try await writer.save(edit).outcome == .updated { changed += 1 }
                    break
                } catch let conflict as EditConflict {
                    post = conflict.current
                }
            }
        }
        try await store.setSetting(Self.settingKey, to: key)
        return changed
    }
}

extension String {
    /// This text with U+FFFD for each NUL, as CommonMark reads one: SQLite's text ends at a NUL
    /// and PostgreSQL refuses one, so no stored text holds it.
    public var replacingNUL: String {
        utf8.contains(0) ? replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : self
    }
}
