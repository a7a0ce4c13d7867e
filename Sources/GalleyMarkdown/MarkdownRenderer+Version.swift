import Highlight

extension MarkdownRenderer {
    /// What stored renderings are recorded with (`5+3f2a…`): ``version``, which a person bumps
    /// for a change in the pipeline, and a fingerprint of what the pipeline writes for a probe
    /// document holding a code block in every language Highlight knows and each of Markdown's
    /// constructs. Adding a language or changing a lexer changes the fingerprint by itself, so
    /// stored posts are rendered again without anyone remembering to bump a number.
    public static let outputVersion = "\(version)+\(fingerprint(of: MarkdownRenderer().render(probe).html))"

    /// A document that passes through every part of the pipeline.
    static var probe: String {
        var text = "# Heading {#custom}\n\nText with *emphasis*, **strong**, `code`, ~~struck~~, a [link](https://example.com),"
            + " an ![image](/a.png), <kbd>Ctrl</kbd> and a footnote[^1].\n\n[^1]: The note.\n\n"
            + "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n> quoted\n\n"
        // Every byte class a lexer tells apart: words, numbers, strings, comments, operators, markup.
        let code = #"let value = "text" + 'c' // comment 1.5e3 0x1F #define $var @attr <tag a="1"> {} [] () ; :: -> => /* block */ -- x"#
        for language in Language.all {
            for name in [language.name] + language.aliases {
                text += "```\(name) {1} title=\"t\"\n\(code)\n```\n\n"
            }
        }
        return text
    }

    /// FNV-1a, 64 bits, in hex: standard library only, the same on every machine.
    static func fingerprint(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
