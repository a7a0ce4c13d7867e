/// A language Galley highlights: its canonical name, the other names fences use for it, and its
/// lexer.
public struct Language: Sendable {
    public let name: String
    public let aliases: [String]
    let lexer: any Lexer
    /// `<pre class="highlight"><code class="language-X" data-lang="X">`, built once.
    let openingTags: String

    init(_ name: String, aliases: [String] = [], lexer: any Lexer) {
        self.name = name
        self.aliases = aliases
        self.lexer = lexer
        openingTags = Highlighter.openingTags(language: Highlighter.escape(name))
    }

    init(_ name: String, aliases: [String] = [], _ definition: LanguageDefinition) {
        self.init(name, aliases: aliases, lexer: CodeLexer(definition: definition))
    }

    /// Every language, in the order the README lists them.
    public static let all: [Language] = Languages.all

    private static let byName: [String: Language] = {
        var table: [String: Language] = [:]
        for language in all {
            for name in [language.name] + language.aliases { table[name] = language }
        }
        return table
    }()

    /// The language a fence names, by canonical name or alias, ignoring case.
    public static func named(_ name: String) -> Language? {
        byName[name.lowercased()]
    }

    /// The tokens of `code`; they cover every byte of its UTF-8 exactly once, in order.
    public func tokens(_ code: String) -> [Token] {
        lexer.tokens(Array(code.utf8))
    }
}
