import Foundation

/// One saved state of a post. Every change a save makes appends one; none is ever rewritten.
public struct Revision: Sendable, Equatable, Codable {
    public var postID: Int64
    /// 1 for the first save of a post, then 2, 3, …
    public var number: Int
    public var title: String
    public var source: String
    public var createdAt: Date

    public init(postID: Int64, number: Int, title: String, source: String, createdAt: Date) {
        self.postID = postID
        self.number = number
        self.title = title
        self.source = source
        self.createdAt = createdAt
    }
}
