import Foundation

/// One saved state of a post. Every save that changes a post appends one; an autosave keeps the
/// latest words typed without changing the post, and the next autosave of the same user replaces
/// it until a save comes between.
public struct Revision: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case save, autosave
    }

    public var postID: Int64
    /// 1 for the first revision of a post, then 2, 3, …
    public var number: Int
    public var title: String
    public var source: String
    public var createdAt: Date
    public var kind: Kind
    /// Who saved it; nil for imports.
    public var authorID: Int64?

    public init(postID: Int64, number: Int, title: String, source: String, createdAt: Date, kind: Kind = .save, authorID: Int64? = nil) {
        self.postID = postID
        self.number = number
        self.title = title
        self.source = source
        self.createdAt = createdAt
        self.kind = kind
        self.authorID = authorID
    }
}

extension Revision {
    /// The autosave of `title` and `source` by `userID`, coming after `last` (the post's latest
    /// revision): it takes `last`'s place when that is an autosave by the same user, so that a
    /// stretch of typing leaves one revision, not one per pause.
    public static func autosave(
        of postID: Int64, after last: Revision?, title: String, source: String, by userID: Int64?, at now: Date
    ) -> (revision: Revision, replacesLast: Bool) {
        let replaces = last.map { $0.kind == .autosave && $0.authorID == userID } ?? false
        let number = (last?.number ?? 0) + (replaces ? 0 : 1)
        return (Revision(postID: postID, number: number, title: title, source: source, createdAt: now, kind: .autosave, authorID: userID), replaces)
    }
}
