import Foundation

extension MemoryStore {
    public func search(_ query: SearchQuery, page: PageRequest, at now: Date) -> Page<SearchHit> {
        let scored: [(post: Post, score: Int)] = publicPosts(at: now).compactMap { post in
            let fields = SearchFields(post)
            var score = 0
            for term in query.terms {
                let title = fields.title.count(term)
                let tags = fields.tags.count(term)
                let body = fields.body.count(term)
                guard title + tags + body > 0 else { return nil }
                score += 10 * title + 5 * tags + body
            }
            return query.terms.isEmpty ? nil : (post, score)
        }
        let ranked = scored.sorted { $0.score != $1.score ? $0.score > $1.score : Post.newestFirst($0.post, $1.post) }
        let hits = ranked.dropFirst(page.offset).prefix(page.perPage).map { item in
            SearchHit(post: item.post.summaryView, snippet: SearchSnippet.make(item.post.rendered.plainText, for: query.terms))
        }
        return Page(items: Array(hits), request: page, total: ranked.count)
    }

    public func publicTags(at now: Date) -> [TagCount] {
        var counts: [Slug: TagCount] = [:]
        for post in publicPosts(at: now) {
            for tag in post.tags {
                var entry = counts[tag.slug] ?? TagCount(tag: tag, count: 0)
                entry.count += 1
                if tag.name < entry.tag.name { entry.tag.name = tag.name }
                counts[tag.slug] = entry
            }
        }
        return counts.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.tag.name < $1.tag.name }
    }

    public func adjacentPosts(to post: Post, at now: Date) -> AdjacentPosts {
        let posts = publicPosts(at: now)
        guard let index = posts.firstIndex(where: { $0.id == post.id }) else { return AdjacentPosts(newer: nil, older: nil) }
        return AdjacentPosts(
            newer: index > 0 ? posts[index - 1].summaryView : nil,
            older: index + 1 < posts.count ? posts[index + 1].summaryView : nil
        )
    }

    public func relatedPosts(to post: Post, limit: Int, at now: Date) -> [PostSummary] {
        let tags = Set(post.tags.map(\.slug))
        let related: [(post: Post, shared: Int)] = publicPosts(at: now).compactMap { other in
            guard other.id != post.id else { return nil }
            let shared = other.tags.filter { tags.contains($0.slug) }.count
            return shared > 0 ? (other, shared) : nil
        }
        return related
            .sorted { $0.shared != $1.shared ? $0.shared > $1.shared : Post.newestFirst($0.post, $1.post) }
            .prefix(limit).map(\.post.summaryView)
    }

    public func latestPosts(limit: Int, tagged tag: Slug?, at now: Date) -> [Post] {
        Array(publicPosts(at: now, tagged: tag).prefix(limit))
    }
}

/// A post's searchable text, split into words by ``SearchQuery/words(in:)``'s rule.
private struct SearchFields {
    let title: SearchText
    let tags: SearchText
    let body: SearchText

    init(_ post: Post) {
        title = SearchText(post.title)
        tags = SearchText(post.tags.map(\.name).joined(separator: " "))
        body = SearchText(post.rendered.plainText)
    }
}

private struct SearchText {
    let text: String
    /// Each word's range in `text` and its folded form.
    let words: [(range: Range<String.Index>, folded: String)]

    init(_ text: String) {
        self.text = text
        var words: [(Range<String.Index>, String)] = []
        SearchSnippet.forEachWord(in: text) { range in
            words.append((range, SearchSnippet.fold(text[range])))
            return true
        }
        self.words = words
    }

    /// Where each occurrence of the term starts, as word indices.
    func matches(_ term: SearchQuery.Term) -> [Int] {
        switch term {
        case let .word(word, prefix):
            return words.indices.filter { prefix ? words[$0].folded.hasPrefix(word) : words[$0].folded == word }
        case let .phrase(phrase):
            guard phrase.count <= words.count else { return [] }
            return (0...(words.count - phrase.count)).filter { start in
                phrase.indices.allSatisfy { words[start + $0].folded == phrase[$0] }
            }
        }
    }

    func count(_ term: SearchQuery.Term) -> Int { matches(term).count }
}
