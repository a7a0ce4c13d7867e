/// The slugs an import gives its posts, one way for every kind of source: a post an earlier
/// import made keeps its slug (``keep(_:)``); a new one takes the slug it asks for, or the next
/// free one (`introduction-2`) when another post has it or another file claimed it first.
struct SlugClaims {
    /// Every slug a post of the blog has or redirects from.
    let taken: Set<Slug>
    private var claimed = Set<Slug>()

    init(taken: Set<Slug>) {
        self.taken = taken
    }

    mutating func keep(_ slug: Slug) {
        claimed.insert(slug)
    }

    /// The slug a new post from `path` gets, and the warning to give when it is not `wanted`.
    mutating func claim(_ wanted: Slug, for path: String) -> (slug: Slug, renamed: ImportReport.Warning?) {
        var slug = wanted
        var number = 1
        while taken.contains(slug) || claimed.contains(slug) {
            number += 1
            slug = Slug(deriving: "\(wanted.rawValue)-\(number)")
        }
        claimed.insert(slug)
        guard slug != wanted else { return (slug, nil) }
        return (slug, ImportReport.Warning(
            kind: .renamed, path: path, line: nil,
            message: "\(Post.path(wanted)) is taken by another post: imported as \(Post.path(slug)), its old addresses lead there"
        ))
    }
}
