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

    /// The draft as a store takes it: with a title, its times to the millisecond.
    public static func checked(_ draft: PostDraft) throws -> PostDraft {
        guard !draft.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GalleyError(.invalidInput, "a post needs a title")
        }
        var draft = draft
        draft.publishedAt = draft.publishedAt.truncatedToMilliseconds
        draft.updatedAt = draft.updatedAt?.truncatedToMilliseconds
        return draft
    }

    /// Saves an edit from the editor; see ``EditorStore/savePost(_:rendered:at:)``.
    @discardableResult
    public func save(_ edit: PostEdit) async throws -> SaveResult {
        var edit = edit
        edit.draft.publishedAt = edit.draft.publishedAt.truncatedToMilliseconds
        edit.draft.updatedAt = edit.draft.updatedAt?.truncatedToMilliseconds
        return try await store.savePost(edit, rendered: renderer.render(edit.draft.source), at: clock().truncatedToMilliseconds)
    }
}

/// Keeps stored renderings in step with the renderer: when the pipeline's output changes (a new
/// version of Galley highlights code, say), every post is rendered again once, at startup. Only
/// the rendering changes: no revision, no new `updatedAt`, no new version.
public struct RenderingUpgrade: Sendable {
    public static let settingKey = "renderer_version"

    public let store: any Store
    public let renderer: MarkdownRenderer
    public let version: Int

    public init(store: any Store, renderer: MarkdownRenderer = MarkdownRenderer(), version: Int = MarkdownRenderer.version) {
        self.store = store
        self.renderer = renderer
        self.version = version
    }

    /// Renders every post again if they were rendered by another version; returns how many changed.
    @discardableResult
    public func run() async throws -> Int {
        guard try await store.setting(Self.settingKey) != String(version) else { return 0 }
        let writer = PostWriter(store: store, renderer: renderer)
        var changed = 0
        for slug in try await store.allSlugs() {
            guard let post = try await store.post(slug: slug) else { continue }
            if try await writer.save(post.draft).outcome == .updated { changed += 1 }
        }
        try await store.setSetting(Self.settingKey, to: String(version))
        return changed
    }
}
