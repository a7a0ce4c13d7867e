import Foundation
import Highlight
import Testing

/// Whatever the input, every byte comes out exactly once, in order, and nothing crashes or hangs.
@Suite struct InvariantTests {
    /// Random text biased towards what lexers care about: quotes, comment and string openers, fences,
    /// here-documents, continuations, and arbitrary Unicode.
    static let fragments: [String] = Array("\"'`\\/*#-<>{}()[]$@!:;=+%&|.,?~^\n\n\t  abcXYZ_019éß日本🎉\u{0}\r").map(String.init)
        + ["```", "```py\n", "~~~\n", "<<EOF\n", "EOF\n", "${", "$(", "\\\n", "if ", "else", "\tif x \\\n", "include ",
           "---\n", "- ", ": ", "/*", "*/", "\"\"\"", "<!--", "-->", "<script>", "</script>", "__END__\n", "=begin\n", "{-", "-}"]

    static func randomText(seed: UInt64, length: Int) -> String {
        var generator = SeededGenerator(seed: seed)
        var text = ""
        for _ in 0..<length {
            if Int.random(in: 0..<4, using: &generator) == 0 {
                let value = UInt32.random(in: 1...0x10FFFF, using: &generator)
                if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            } else {
                text += fragments[Int.random(in: 0..<fragments.count, using: &generator)]
            }
        }
        return text
    }

    @Test(arguments: Language.all.map(\.name))
    func tokensCoverEveryByteExactlyOnce(language name: String) throws {
        let language = try #require(Language.named(name))
        for seed in 0..<60 as Range<UInt64> {
            let text = Self.randomText(seed: seed &* 7919 &+ UInt64(name.hashValue & 0xFFFF), length: Int(seed % 7) * 90 + 1)
            let tokens = language.tokens(text)
            let bytes = Array(text.utf8)
            var expected = 0
            for token in tokens {
                #expect(token.start == expected, "\(name): gap or overlap at \(token.start) for seed \(seed)")
                #expect(token.end > token.start)
                #expect(bytes[token.start] & 0xC0 != 0x80, "\(name): a token starts inside a UTF-8 sequence, seed \(seed)")
                expected = token.end
            }
            #expect(expected == text.utf8.count, "\(name): tokens end at \(expected) of \(text.utf8.count)")
        }
    }

    @Test(arguments: Language.all.map(\.name))
    func htmlUnescapesBackToTheInput(language name: String) {
        for seed in 0..<25 as Range<UInt64> {
            let text = Self.randomText(seed: seed &+ 1_000, length: 300)
            // With per-line markup, and without it (the writer's word-at-a-time path).
            for info in ["x {1-3} linenos", "x"] {
                let html = Highlighter.highlight(text, language: Language.named(name), options: CodeBlockOptions(info: info))
                #expect(HTMLText.unescape(HTMLText.stripTags(html)) == text, "\(name) seed \(seed) info \(info)")
            }
        }
    }

    /// The word-at-a-time writer (tags stored padded, short runs as whole words) against the
    /// plainest writer there is, at every length from empty up, so that every tail case is met.
    @Test(arguments: Language.all.map(\.name))
    func writerWritesEachTokenAsItsSpan(language name: String) throws {
        let language = try #require(Language.named(name))
        for seed in 0..<40 as Range<UInt64> {
            let text = Self.randomText(seed: seed &+ 5_000, length: Int(seed) * 3)
            let bytes = Array(text.utf8)
            let expected = language.tokens(text).map { token in
                let code = String(decoding: bytes[token.start..<token.end], as: UTF8.self)
                    .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                return token.kind == .text ? code : "<span class=\"\(token.kind.rawValue)\">\(code)</span>"
            }.joined()
            #expect(Highlighter.highlight(text, language: language) == expected, "\(name) seed \(seed)")
        }
    }

    @Test(arguments: Language.all.map(\.name))
    func largeInputsTakeLinearTime(language name: String) throws {
        let language = try #require(Language.named(name))
        // Shapes that make backtracking lexers quadratic: long unterminated constructs and deep nesting.
        let hostile = [
            String(repeating: "\"\\", count: 20_000),
            String(repeating: "/*", count: 20_000),
            String(repeating: "${", count: 20_000),
            String(repeating: "(", count: 20_000) + String(repeating: ")", count: 20_000),
            String(repeating: "<a ", count: 15_000),
            String(repeating: "'a", count: 20_000),
            String(repeating: "- ", count: 20_000),
            String(repeating: "```\n", count: 10_000),
        ]
        for text in hostile {
            // Linear lexing takes milliseconds here; a quadratic one would take minutes on inputs
            // of 40,000 to 60,000 characters, so a generous absolute bound tells them apart without
            // flaking on a loaded machine. Best of three, to ignore a scheduling hiccup.
            let seconds = (0..<3).map { _ in Self.time { _ = language.tokens(text) } }.min() ?? 0
            #expect(seconds < 2, "\(name): \(text.count) characters took \(seconds)s")
        }
    }

    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// A deterministic generator, so a failure names a seed that reproduces it.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Works on Unicode scalars, not Characters: a combining mark after `>` would otherwise fuse with it.
enum HTMLText {
    static func stripTags(_ html: String) -> String {
        var output = String.UnicodeScalarView()
        var inTag = false
        for scalar in html.unicodeScalars {
            if scalar == "<" { inTag = true; continue }
            if scalar == ">", inTag { inTag = false; continue }
            if !inTag { output.append(scalar) }
        }
        return String(output)
    }

    static func unescape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        let entities: [(String, Unicode.Scalar)] = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&amp;", "&")]
        outer: while index < scalars.count {
            if scalars[index] == "&" {
                for (entity, scalar) in entities {
                    let pattern = Array(entity.unicodeScalars)
                    if index + pattern.count <= scalars.count, Array(scalars[index..<index + pattern.count]) == pattern {
                        output.append(scalar)
                        index += pattern.count
                        continue outer
                    }
                }
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}
