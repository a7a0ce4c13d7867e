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
