/// Gives headings stable, unique anchor ids: GitHub-style slugs of their text, deduplicated with
/// `-2`, `-3`, … in document order, so links to a section survive unrelated edits elsewhere.
struct HeadingIDs {
    private var used: Set<String> = []
    /// For each slug, the suffix to try first next time: every smaller one is taken. Without it
    /// the n-th of n equal headings tried `-2` … `-n` again, and 16,000 `## h` took 16 s (a live
    /// preview is open to every author); with it each candidate is tried at most once, and the
    /// ids are the same.
    private var nextSuffix: [String: Int] = [:]

    /// Marks an id as taken (one the author gave), so that no generated id repeats it.
    mutating func reserve(_ id: String) {
        used.insert(id)
    }

    mutating func id(for text: String) -> String {
        let base = Self.slug(text)
        var candidate = base
        var n = nextSuffix[base] ?? 1
        if n > 1 { candidate = "\(base)-\(n)" }
        while used.contains(candidate) {
            n += 1
            candidate = "\(base)-\(n)"
        }
        used.insert(candidate)
        nextSuffix[base] = n + 1
        return candidate
    }

    /// Lowercased letters and digits, `-` and `_` kept, runs of whitespace turned into one `-`,
    /// everything else dropped. A heading with none of those becomes `section`.
    static func slug(_ text: String) -> String {
        var slug = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isWhitespace {
                pendingDash = !slug.isEmpty
            } else if character.isLetter || character.isNumber || character == "-" || character == "_" {
                if pendingDash { slug.append("-") }
                pendingDash = false
                slug.append(character)
            }
        }
        return slug.isEmpty ? "section" : slug
    }
}
