/// A language Galley highlights: its canonical name, the other names fences use for it, and its
/// lexer. A class: every code block looks one up, and handing on a reference is one retain where
/// copying the fields was eight.
public final class Language: Sendable {
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

    convenience init(_ name: String, aliases: [String] = [], _ definition: LanguageDefinition) {
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
        // Fences are nearly always spelled in lower case already; `lowercased()` is the slow part.
        name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) ? byName[name.lowercased()] : byName[name]
    }

    /// The tokens of `code`; they cover every byte of its UTF-8 exactly once, in order.
    public func tokens(_ code: String) -> [Token] {
        lexer.tokens(Array(code.utf8))
    }
}
