import Foundation
import GalleyMarkdown

/// The write path: renders the Markdown once and hands source and rendering to the store together,
/// so that reads never render again.
public struct PostWriter: Sendable {
    public let store: any PostStore
    public let renderer: MarkdownRenderer
    public let clock: @Sendable () -> Date

    public init(store: any PostStore, renderer: MarkdownRenderer = MarkdownRenderer(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.renderer = renderer
        self.clock = clock
    }

    /// Saves a draft. Times are kept to the millisecond, as every store keeps them.
    @discardableResult
    public func save(_ draft: PostDraft) async throws -> SaveResult {
        guard !draft.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GalleyError(.invalidInput, "a post needs a title")
        }
        var draft = draft
        draft.publishedAt = draft.publishedAt.truncatedToMilliseconds
        return try await store.savePost(draft, rendered: renderer.render(draft.source), at: clock().truncatedToMilliseconds)
    }
}
