import Foundation

/// What a reader typed into the search box, reduced to terms every store can match the same way.
///
/// Words are runs of letters and digits, lowercased with accents folded; everything else
/// separates them, so operators and punctuation (`AND (`, `*`, `-`, emoji) are searched literally
/// as the words around them, never parsed as query syntax. Text in double quotes is a phrase. The
/// last word, when it is not in quotes, also matches as a prefix (`conc` finds `concurrency`).
public struct SearchQuery: Sendable, Equatable {
    public enum Term: Sendable, Equatable {
        case word(String, prefix: Bool)
        case phrase([String])
    }

    public static let maxLength = 200

    public let text: String
    public let terms: [Term]

    public init(_ text: String) throws(GalleyError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GalleyError(.invalidParameter, "q must not be empty") }
        guard trimmed.count <= Self.maxLength else {
            throw GalleyError(.invalidParameter, "q must be at most \(Self.maxLength) characters, got \(trimmed.count)")
        }
        self.text = trimmed
        var terms: [Term] = []
        var lastBareWordIndex: Int?
        for (index, part) in trimmed.split(separator: "\"", omittingEmptySubsequences: false).enumerated() {
            let words = Self.words(in: String(part))
            // Odd parts were inside quotes (an unclosed quote quotes to the end).
            if index % 2 == 1 {
                if words.count == 1 {
                    terms.append(.word(words[0], prefix: false))
                } else if !words.isEmpty {
                    terms.append(.phrase(words))
                }
                lastBareWordIndex = nil
            } else {
                for word in words {
                    terms.append(.word(word, prefix: false))
                    lastBareWordIndex = terms.count - 1
                }
            }
        }
        let endsInWord = trimmed.last.map { $0.isLetter || $0.isNumber } ?? false
        if let index = lastBareWordIndex, index == terms.count - 1, endsInWord, case let .word(word, _) = terms[index] {
            terms[index] = .word(word, prefix: true)
        }
        self.terms = terms
    }

    /// The words of a text as search sees them: the same rule for queries and for documents.
    public static func words(in text: String) -> [String] {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
    }
}

/// One search result: the post and a snippet of its text around the match, in which the matched
/// words sit between ``SearchHit/markStart`` and ``SearchHit/markEnd``.
public struct SearchHit: Sendable, Equatable {
    public static let markStart: Character = "\u{E000}"
    public static let markEnd: Character = "\u{E001}"

    public var post: PostSummary
    public var snippet: String

    public init(post: PostSummary, snippet: String) {
        self.post = post
        self.snippet = snippet
    }
}
