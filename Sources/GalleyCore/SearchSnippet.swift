/// The snippet of a search hit: about `length` words of a post's plain text around the first
/// match, every matched word marked. One implementation for every store, and linear: FTS5's
/// `snippet()` took 4.9 s for a post repeating the searched word 20,000 times and 83 s for
/// 80,000, for an anonymous `GET /search?q=x`. Only the words up to the end of the first
/// match's window are read, and at most ``wordLimit`` of them: a post whose first match lies
/// beyond that (it matched on its title or tags, say) shows its beginning.
public enum SearchSnippet {
    public static let wordLimit = 20_000

    public static func make(_ text: String, for terms: [SearchQuery.Term], length: Int = 24) -> String {
        let longest = terms.map { if case let .phrase(words) = $0 { words.count } else { 1 } }.max() ?? 1
        var words: [(range: Range<String.Index>, folded: String)] = []
        var firstMatch: Int?
        let readAll = forEachWord(in: text) { range in
            words.append((range, fold(text[range])))
            if firstMatch == nil { firstMatch = matchStart(endingAt: words.count - 1, words, terms) }
            let enough = firstMatch.map { words.count >= $0 + length + longest } ?? false
            return !enough && words.count < wordLimit
        }
        guard !words.isEmpty else { return "" }

        var marked = Set<Int>()
        for index in words.indices {
            if let begin = matchStart(endingAt: index, words, terms) {
                marked.formUnion(begin...index)
            }
        }
        let first = firstMatch ?? 0
        let from = max(0, min(first - length / 4, words.count - length))
        let to = min(words.count, from + length)
        var snippet = from > 0 ? "…" : ""
        var cursor = words[from].range.lowerBound
        for index in from..<to {
            let range = words[index].range
            snippet += unmarked(text[cursor..<range.lowerBound])
            snippet += marked.contains(index) ? "\(SearchHit.markStart)\(text[range])\(SearchHit.markEnd)" : String(text[range])
            cursor = range.upperBound
        }
        if to < words.count || !readAll { snippet += "…" }
        return snippet
    }

    /// Calls `body` with the range of each word of `text` (a run of letters and digits, the rule
    /// of ``SearchQuery/words(in:)``), in order, until it returns false; true if every word was read.
    @discardableResult
    static func forEachWord(in text: String, _ body: (Range<String.Index>) -> Bool) -> Bool {
        var start: String.Index?
        for index in text.indices {
            let isWordCharacter = text[index].isLetter || text[index].isNumber
            if isWordCharacter, start == nil { start = index }
            guard !isWordCharacter, let begin = start else { continue }
            start = nil
            guard body(begin..<index) else { return false }
        }
        // The last word, at the very end: every word has been read, whatever `body` says.
        if let begin = start { _ = body(begin..<text.endIndex) }
        return true
    }

    /// Text between words without the two mark characters, which only the snippet may place: a
    /// post containing them would otherwise open or close a `<mark>` (the search fuzz target's
    /// first finding). Words never hold them: they are not letters or digits.
    private static func unmarked(_ text: Substring) -> Substring {
        let marks: Set<Unicode.Scalar> = [SearchHit.markStart.unicodeScalars.first!, SearchHit.markEnd.unicodeScalars.first!]
        guard text.unicodeScalars.contains(where: marks.contains) else { return text }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.filter { !marks.contains($0) })
        return Substring(String(kept))
    }

    /// Where a match of any term that ends at word `index` starts.
    private static func matchStart(endingAt index: Int, _ words: [(range: Range<String.Index>, folded: String)], _ terms: [SearchQuery.Term]) -> Int? {
        for term in terms {
            switch term {
            case let .word(word, prefix):
                if prefix ? words[index].folded.hasPrefix(word) : words[index].folded == word { return index }
            case let .phrase(phrase):
                let begin = index - phrase.count + 1
                if begin >= 0, phrase.indices.allSatisfy({ words[begin + $0].folded == phrase[$0] }) { return begin }
            }
        }
        return nil
    }

    /// A word as search compares it: ASCII lowercased directly, anything else by
    /// ``SearchQuery/words(in:)``'s folding, which is much slower.
    static func fold(_ word: Substring) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return word.lowercased() }
        return SearchQuery.words(in: String(word)).joined()
    }
}
