/// A tag as its author wrote it (`Server-Side Swift`) and the slug its page lives at.
public struct Tag: Sendable, Hashable, Codable {
    public var name: String
    public var slug: Slug

    public init(name: String, slug: Slug) {
        self.name = name
        self.slug = slug
    }

    /// A tag named by an author; its slug is derived from the name.
    public init(name: String) {
        let trimmed = name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        self.init(name: trimmed, slug: Slug(deriving: trimmed, fallback: "tag"))
    }
}

extension Array where Element == Tag {
    /// Tags named by an author, without blanks and without two tags sharing a slug.
    public static func named(_ names: [String]) -> [Tag] {
        var seen: Set<Slug> = []
        return names.map(Tag.init(name:)).filter { !$0.name.isEmpty && seen.insert($0.slug).inserted }
    }
}
