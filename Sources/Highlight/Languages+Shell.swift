extension LanguageDefinition {
    static var bash: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("#".utf8)]
        d.hashbang = true
        d.dollarVariables = true
        d.commandSubstitution = true
        d.numberSeparators = false
        d.identifierExtras = [UInt8(ascii: "-"), UInt8(ascii: "#"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: ",")]
        d.identifierStartExtras = [UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: ",")]
        d.strings = [
            Rule("$'", "'", kind: .stringSingle, multiline: true),
            Rule("\"", multiline: true, variables: true),
            Rule("'", kind: .stringSingle, escapes: false, multiline: true),
            Rule("`", kind: .stringBacktick, multiline: true, variables: true),
        ]
        d.words = words(.keyword, """
            if then else elif fi case esac for while until do done in function select break continue return
            """) + words(.nameBuiltin, """
            alias bg bind builtin caller cd command compgen complete declare dirs disown echo enable eval
            exec exit export false fc fg getopts hash help history jobs kill let local logout popd printf
            pushd pwd read readonly set shift shopt source suspend test time times trap true type typeset
            ulimit umask unalias unset wait
            """)
        return d
    }
}

extension LanguageDefinition {
    /// Make's own lines and recipes: shell, plus `$(VAR)` and `\` continuations.
    static var makeShell: LanguageDefinition {
        var d = bash
        d.makeVariables = true
        d.dollarVariables = false
        // Each line of a Makefile stands alone: a stray apostrophe must not swallow the next ones.
        d.strings = d.strings.map { rule in
            var rule = rule
            rule.multiline = false
            return rule
        }
        return d
    }
}

/// Shell: the general lexer plus here-documents (`<<EOF` … `EOF`), whose body is a string.
struct ShellLexer: Lexer {
    static let code = CodeLexer(definition: .bash)
    static let make = CodeLexer(definition: .makeShell)

    func tokens(_ bytes: [UInt8]) -> [Token] {
        Scanner.tokens(of: bytes) { Self.lex(&$0, until: bytes.count) }
    }

    /// Lexes `s` up to `end`, handing here-document bodies to strings.
    static func lex(_ s: inout Scanner, until end: Int, code: CodeLexer = ShellLexer.code) {
        while s.position < end {
            // Find the next here-document operator on this stretch; lex code up to it.
            let lineEnd = nextLineEnd(s.bytes, from: s.position, limit: end)
            guard let heredoc = findHeredoc(s.bytes, from: s.position, to: lineEnd) else {
                codeSlice(&s, to: lineEnd < end ? lineEnd + 1 : end, code)
                continue
            }
            codeSlice(&s, to: heredoc.operatorStart, code)
            s.emit(.operator, length: heredoc.operatorLength)
            s.emit(.stringHeredoc, length: heredoc.delimiterEnd - s.position)
            codeSlice(&s, to: lineEnd < end ? lineEnd + 1 : end, code)
            // The body runs to a line that is exactly the delimiter (tabs allowed before it with <<-).
            let bodyStart = s.position
            var index = s.position
            var bodyEnd = end
            while index < end {
                let next = nextLineEnd(s.bytes, from: index, limit: end)
                var lineStart = index
                while lineStart < next, s.bytes[lineStart] == .tab { lineStart += 1 }
                if Array(s.bytes[lineStart..<next]) == heredoc.delimiter {
                    bodyEnd = next
                    break
                }
                index = next + 1
            }
            s.position = min(bodyEnd, end)
            s.emit(.stringHeredoc, from: bodyStart)
        }
    }

    private static func codeSlice(_ s: inout Scanner, to end: Int, _ code: CodeLexer) {
        guard end > s.position else { return }
        s.within(end) { code.lex(&$0, closer: nil, depth: 0) }
    }

    private static func nextLineEnd(_ bytes: [UInt8], from start: Int, limit: Int) -> Int {
        bytes.withUnsafeBufferPointer { ByteWord.firstIndex(in: $0, from: start, to: limit, of: .newline, .newline, .newline, .newline) }
    }

    private struct Heredoc {
        var operatorStart: Int
        var operatorLength: Int
        var delimiterEnd: Int
        var delimiter: [UInt8]
    }

    /// `<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"` outside quotes and comments on one line.
    private static func findHeredoc(_ bytes: [UInt8], from start: Int, to end: Int) -> Heredoc? {
        // Most lines have no `<<` at all.
        let less = UInt8(ascii: "<")
        guard bytes.withUnsafeBufferPointer({ ByteWord.firstIndex(in: $0, from: start, to: end, of: less, less, less, less) }) < end else { return nil }
        var index = start
        var quote: UInt8 = 0
        while index + 2 < end {
            let c = bytes[index]
            if quote != 0 {
                if c == quote { quote = 0 }
                index += 1
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { quote = c; index += 1; continue }
            if c == UInt8(ascii: "#"), index == start || bytes[index - 1].isBlank { return nil }
            if c == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "<"), bytes[index + 2] != UInt8(ascii: "<") {
                var cursor = index + 2
                if cursor < end, bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
                let operatorLength = cursor - index
                while cursor < end, bytes[cursor] == .space { cursor += 1 }
                var delimiterStart = cursor
                var closing: UInt8 = 0
                if cursor < end, bytes[cursor] == UInt8(ascii: "'") || bytes[cursor] == UInt8(ascii: "\"") {
                    closing = bytes[cursor]
                    delimiterStart = cursor + 1
                }
                if cursor < end, bytes[cursor] == .backslash { delimiterStart = cursor + 1 }
                var delimiterEnd = delimiterStart
                while delimiterEnd < end, bytes[delimiterEnd].isIdentifierPart { delimiterEnd += 1 }
                guard delimiterEnd > delimiterStart else { index += 2; continue }
                let delimiter = Array(bytes[delimiterStart..<delimiterEnd])
                if closing != 0, delimiterEnd < end, bytes[delimiterEnd] == closing { delimiterEnd += 1 }
                return Heredoc(operatorStart: index, operatorLength: operatorLength, delimiterEnd: delimiterEnd, delimiter: delimiter)
            }
            index += 1
        }
        return nil
    }
}

/// A terminal session: lines starting with a prompt (`$ `, `# `, `% `, `user@host:~$ `) are commands,
/// highlighted as shell; other lines are output.
struct ConsoleLexer: Lexer {
    func tokens(_ bytes: [UInt8]) -> [Token] {
        Scanner.tokens(of: bytes) { Self.lex(&$0, bytes) }
    }

    private static func lex(_ s: inout Scanner, _ bytes: [UInt8]) {
        var continuation = false
        while !s.atEnd {
            let lineStart = s.position
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != .newline { lineEnd += 1 }
            let promptEnd = continuation ? continuationPrompt(bytes, lineStart, lineEnd) : prompt(bytes, lineStart, lineEnd)
            if let promptEnd {
                s.position = promptEnd
                s.emit(.genericPrompt, from: lineStart)
                ShellLexer.lex(&s, until: lineEnd)
                continuation = lineEnd > lineStart && bytes[lineEnd - 1] == .backslash
            } else {
                s.position = lineEnd
                s.emit(.genericOutput, from: lineStart)
                continuation = false
            }
            if lineEnd < bytes.count {
                s.position = lineEnd + 1
                s.emit(.text, from: lineEnd)
            }
        }
    }

    /// The end of a prompt at the start of a line, if there is one: `$ `, `# `, `% `, or one of
    /// them after a context such as `user@host:~/dir`, `[user@host dir]` or `sh-3.1`.
    static func prompt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        let limit = min(end, start + 60)
        var index = start
        while index < limit {
            let sign = bytes[index]
            if sign == UInt8(ascii: "$") || sign == UInt8(ascii: "#") || sign == UInt8(ascii: "%"),
               index + 1 == end || bytes[index + 1] == .space {
                let context = bytes[start..<index]
                let looksLikePrompt = context.isEmpty || context.contains(UInt8(ascii: "@")) || context.first == UInt8(ascii: "[")
                    || !context.contains(where: { $0.isBlank || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "=") })
                return looksLikePrompt ? min(index + 2, end) : nil
            }
            if sign == UInt8(ascii: "\"") || sign == UInt8(ascii: "'") { return nil }
            index += 1
        }
        return nil
    }

    static func continuationPrompt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        if start < end, bytes[start] == UInt8(ascii: ">"), start + 1 == end || bytes[start + 1] == .space { return min(start + 2, end) }
        return start
    }
}
