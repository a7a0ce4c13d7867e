/// Lexers for markup, stylesheets and build and server configuration.
enum MarkupLexers {
    /// HTML (with `<script>` and `<style>` bodies as JavaScript and CSS) and XML.
    static func markup(html: Bool) -> FunctionLexer {
        // Looked up once here: a static's every use is a `swift_once` call.
        let (nameBytes, attributeStops) = (nameBytes, attributeStops)
        return FunctionLexer { s in
            while !s.atEnd {
                let start = s.position
                let c = s.current
                if c == UInt8(ascii: "<"), s.peek() == UInt8(ascii: "!") || s.peek() == UInt8(ascii: "?") {
                    if s.matches("<!--") {
                        until(&s, "-->")
                        s.emit(.commentMultiline, from: start)
                    } else if s.matches("<![CDATA[") {
                        until(&s, "]]>")
                        s.emit(.literal, from: start)
                    } else {
                        until(&s, ">")
                        s.emit(.commentPreproc, from: start)
                    }
                } else if c == UInt8(ascii: "<"), s.peek().isASCIILetter || s.peek() == UInt8(ascii: "/") {
                    let name = tag(&s, names: nameBytes.table, attributeStops: attributeStops.table)
                    if html, name == .script || name == .style {
                        let close: StaticString = name == .script ? "</script" : "</style"
                        var end = s.position
                        while end < s.limit, !(s.bytes[end] == UInt8(ascii: "<") && s.isWord(end, end + close.utf8CodeUnitCount, close, ignoringCase: true)) { end += 1 }
                        let embedded = name == .script ? Language.named("javascript") : Language.named("css")
                        s.within(end) { inner in embed(&inner, embedded) }
                    }
                } else if c == UInt8(ascii: "&") {
                    s.position += 1
                    var end = s.position
                    while end < s.limit, end - start < 32, s.bytes[end].isIdentifierPart || s.bytes[end] == UInt8(ascii: "#") { end += 1 }
                    if end < s.limit, s.bytes[end] == UInt8(ascii: ";") {
                        s.position = end + 1
                        s.emit(.nameEntity, from: start)
                    } else {
                        s.emit(.text, from: start)
                    }
                } else {
                    s.position += 1
                    s.skip(to: UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: "&"))
                    s.emit(.text, from: start)
                }
            }
        }
    }

    /// Bytes of tag names; bytes that end an unquoted attribute (`/` only before `>`).
    private static let nameBytes = ByteFlags { $0.isIdentifierPart || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") ? 1 : 0 }
    private static let attributeStops = ByteFlags { byte in
        byte.isBlank || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "/") ? 1 : 0
    }

    /// The tags whose bodies are another language.
    private enum EmbeddingTag { case script, style, other }

    /// `<name attr="value">` or `</name>`; says whether an opening tag was `<script>` or `<style>`.
    private static func tag(_ s: inout Scanner, names: UnsafeMutablePointer<UInt8>, attributeStops stops: UnsafeMutablePointer<UInt8>) -> EmbeddingTag {
        let start = s.position
        let closing = s.peek() == UInt8(ascii: "/")
        s.position += closing ? 2 : 1
        s.skipWhile { names[Int($0)] != 0 }
        let nameStart = start + (closing ? 2 : 1)
        let name: EmbeddingTag = closing ? .other
            : s.isWord(nameStart, s.position, "script", ignoringCase: true) ? .script
            : s.isWord(nameStart, s.position, "style", ignoringCase: true) ? .style : .other
        s.emit(.nameTag, from: start)
        while !s.atEnd {
            if s.whitespace() { continue }
            let attributeStart = s.position
            let c = s.current
            if c == UInt8(ascii: ">") || (c == UInt8(ascii: "/") && s.peek() == UInt8(ascii: ">")) {
                s.emit(.nameTag, length: c == UInt8(ascii: ">") ? 1 : 2)
                break
            } else if c == UInt8(ascii: "=") {
                s.emit(.operator, length: 1)
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                s.position += 1
                s.skip(to: c, c, c, c)
                if !s.atEnd { s.position += 1 }
                s.emit(.string, from: attributeStart)
            } else if c == UInt8(ascii: "<") {
                break
            } else {
                let afterEquals = attributeStart > 0 && s.bytes[s.nextNonBlankBackward(from: attributeStart - 1)] == UInt8(ascii: "=")
                while !s.atEnd {
                    let b = s.current
                    if stops[Int(b)] != 0, b != UInt8(ascii: "/") || s.peek() == UInt8(ascii: ">") { break }
                    s.position += 1
                }
                if s.position == attributeStart { s.position += 1 }
                s.emit(afterEquals ? .string : .nameAttribute, from: attributeStart)
            }
        }
        return name
    }

    /// Lexes the rest of the stretch with another language, or gives it all `fallback` when the
    /// language is unknown.
    private static func embed(_ s: inout Scanner, _ language: Language?, fallback: TokenClass = .text) {
        guard s.limit > s.position else { return }
        guard let language else {
            let start = s.position
            s.position = s.limit
            s.emit(fallback, from: start)
            return
        }
        let base = s.position
        let slice = Array(s.bytes[base..<s.limit])
        for token in language.lexer.tokens(slice) {
            s.position = base + token.end
            s.emit(token.kind, from: base + token.start)
        }
    }

    private static func until(_ s: inout Scanner, _ end: StaticString) {
        let first = end.utf8Start[0]
        while !s.atEnd {
            s.skip(to: first, first, first, first)
            if s.matches(end) { break }
            s.position = min(s.position + 1, s.limit)
        }
        s.position = min(s.position + end.utf8CodeUnitCount, s.limit)
    }

    /// CSS: selectors, at-rules, properties (as keywords) and values.
    static let css = FunctionLexer { s in
        var depth = 0
        var inValue = false
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            let c = s.current
            if s.matches("/*") {
                s.position += 2
                until(&s, "*/")
                s.emit(.commentMultiline, from: start)
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                DataLexers.quoted(&s, quote: c, kind: c == UInt8(ascii: "'") ? .stringSingle : .stringDouble)
            } else if c == UInt8(ascii: "{") {
                depth += 1; inValue = false
                s.emit(.punctuation, length: 1)
            } else if c == UInt8(ascii: "}") {
                depth = max(0, depth - 1); inValue = false
                s.emit(.punctuation, length: 1)
            } else if c == UInt8(ascii: ";") {
                inValue = false
                s.emit(.punctuation, length: 1)
            } else if c == UInt8(ascii: "@") {
                s.position += 1
                s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") }
                s.emit(.keyword, from: start)
            } else if inValue, c == UInt8(ascii: "#"), s.peek().isHexDigit {
                s.position += 1
                s.skipWhile { $0.isHexDigit }
                s.emit(.numberHex, from: start)
            } else if inValue, c.isDigit || ((c == UInt8(ascii: ".") || c == UInt8(ascii: "-")) && s.peek().isDigit) {
                s.position += 1
                s.skipWhile { $0.isDigit || $0 == UInt8(ascii: ".") }
                let numberEnd = s.position
                s.emit(c == UInt8(ascii: ".") || s.contains(start, numberEnd, where: { $0 == UInt8(ascii: ".") }) ? .numberFloat : .numberInteger, from: start)
                let unitStart = s.position
                s.skipWhile { $0.isASCIILetter || $0 == UInt8(ascii: "%") }
                s.emit(.keywordType, from: unitStart)
            } else if inValue, c == UInt8(ascii: "!") {
                s.position += 1
                s.skipWhile { $0.isASCIILetter }
                s.emit(.commentPreproc, from: start)
            } else if c.isIdentifierStart || c == UInt8(ascii: "-") || c == UInt8(ascii: "."), !(c == UInt8(ascii: ".") && inValue) {
                s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") || (!inValue && $0 == UInt8(ascii: ".")) }
                if s.position == start { s.position += 1 }
                let after = s.nextNonBlank(from: s.position)
                if depth > 0, !inValue, after < s.limit, s.bytes[after] == UInt8(ascii: ":") {
                    s.emit(s.matches("--", at: start) ? .nameVariable : .keyword, from: start)
                    inValue = true
                } else if inValue, after < s.limit, s.bytes[after] == UInt8(ascii: "(") {
                    s.emit(.nameBuiltin, from: start)
                } else if inValue {
                    s.emit(s.matches("--", at: start) ? .nameVariable : .keywordConstant, from: start)
                } else {
                    s.emit(c == UInt8(ascii: ".") ? .nameClass : .nameTag, from: start)
                }
            } else if !inValue, c == UInt8(ascii: "#") {
                s.position += 1
                s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") }
                s.emit(.nameNamespace, from: start)
            } else {
                s.position += CodeLexer.scalarLength(s.bytes, at: start)
                s.emit(c == UInt8(ascii: ":") || c == UInt8(ascii: ",") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") ? .punctuation : .operator, from: start)
            }
        }
    }

    /// Markdown: headings, list markers and quotes, code spans, and fenced code highlighted in its
    /// own language.
    static let markdown = FunctionLexer { s in
        while !s.atEnd {
            let lineStart = s.position
            var lineEnd = lineStart
            while lineEnd < s.limit, s.bytes[lineEnd] != .newline { lineEnd += 1 }
            let first = s.nextNonBlank(from: lineStart)
            if s.matches("```", at: first) || s.matches("~~~", at: first) {
                let fence = s.bytes[first]
                var fenceLength = 0
                while first + fenceLength < lineEnd, s.bytes[first + fenceLength] == fence { fenceLength += 1 }
                let info = s.text(first + fenceLength, lineEnd).drop(while: { $0 == " " || $0 == "\t" })
                s.position = min(lineEnd + 1, s.limit)
                s.emit(.stringBacktick, from: lineStart)
                // The body runs to a closing fence at least as long.
                var bodyEnd = s.position
                var closeEnd = s.limit
                var index = s.position
                while index < s.limit {
                    var end = index
                    while end < s.limit, s.bytes[end] != .newline { end += 1 }
                    let nonBlank = s.nextNonBlank(from: index)
                    var run = 0
                    while nonBlank + run < end, s.bytes[nonBlank + run] == fence { run += 1 }
                    if run >= fenceLength, s.nextNonBlank(from: nonBlank + run) == end {
                        bodyEnd = index
                        closeEnd = end
                        break
                    }
                    index = end + 1
                    bodyEnd = min(index, s.limit)
                }
                let language = Language.named(String(info.split(separator: " ").first ?? ""))
                s.within(bodyEnd) { embed(&$0, language, fallback: .stringBacktick) }
                s.position = closeEnd
                s.emit(.stringBacktick, from: bodyEnd)
            } else {
                s.within(lineEnd) { markdownLine(&$0) }
            }
            if s.position < s.limit, s.current == .newline { s.emit(.text, length: 1) }
        }
    }

    private static func markdownLine(_ s: inout Scanner) {
        let lineStart = s.position
        let first = s.nextNonBlank(from: lineStart)
        s.position = first
        s.emit(.text, from: lineStart)
        let c = s.current
        if c == UInt8(ascii: "#") {
            var level = 0
            while s.peek(level) == UInt8(ascii: "#") { level += 1 }
            if s.peek(level) == .space || s.peek(level) == 0 {
                s.skipToLineEnd()
                s.emit(level == 1 ? .genericHeading : .genericSubheading, from: first)
                return
            }
        }
        if c == UInt8(ascii: ">") {
            s.emit(.keyword, length: 1)
        } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+")), s.peek() == .space {
            s.emit(.keyword, length: 1)
        } else if c.isDigit {
            var end = s.position
            while end < s.limit, s.bytes[end].isDigit { end += 1 }
            if end < s.limit, s.bytes[end] == UInt8(ascii: ".") || s.bytes[end] == UInt8(ascii: ")"), end + 1 < s.limit, s.bytes[end + 1] == .space {
                s.emit(.keyword, length: end + 1 - s.position)
            }
        }
        while !s.atEnd {
            let start = s.position
            let c = s.current
            if c == UInt8(ascii: "`") {
                var ticks = 0
                while s.peek(ticks) == UInt8(ascii: "`") { ticks += 1 }
                var end = s.position + ticks
                let fence = [UInt8](repeating: UInt8(ascii: "`"), count: ticks)
                while end < s.limit, !s.matches(fence, at: end) { end += 1 }
                s.position = min(end + ticks, s.limit)
                s.emit(.stringBacktick, from: start)
            } else if c == UInt8(ascii: "*") || c == UInt8(ascii: "_"), s.peek() == c, s.peek(2) != .space {
                s.position += 2
                while !s.atEnd, !(s.current == c && s.peek() == c) { s.position += 1 }
                s.position = min(s.position + 2, s.limit)
                s.emit(.genericStrong, from: start)
            } else {
                s.position += 1
                s.skipWhile { $0 != UInt8(ascii: "`") && $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "_") }
                s.emit(.text, from: start)
            }
        }
    }

    /// Unified and context diffs, and `git diff` headers.
    static let diff = FunctionLexer { s in
        while !s.atEnd {
            let start = s.position
            let kind: TokenClass = if diffHeadings.contains(where: { s.matches($0) }) {
                .genericHeading
            } else {
                switch s.current {
                case UInt8(ascii: "@") where s.peek() == UInt8(ascii: "@"): .genericSubheading
                case UInt8(ascii: "+"), UInt8(ascii: ">"): .genericInserted
                case UInt8(ascii: "-"), UInt8(ascii: "<"): .genericDeleted
                default: .text
                }
            }
            s.skipToLineEnd()
            if !s.atEnd { s.position += 1 }
            s.emit(kind, from: start)
        }
    }

    private static let diffHeadings: [StaticString] = ["+++", "---", "diff ", "index "]

    /// Dockerfile: instructions are keywords; their arguments are shell, or one string for `FROM`,
    /// `WORKDIR`, `USER` and the like.
    static let dockerfile = FunctionLexer { s in
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            if s.current == UInt8(ascii: "#") {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
                continue
            }
            s.skipWhile { $0.isASCIILetter }
            if s.position == start { s.position += CodeLexer.scalarLength(s.bytes, at: start) }
            s.emit(s.bytes[start].isASCIILetter ? .keyword : .text, from: start)
            if Self.dockerStringInstructions.contains(s.text(start, s.position).uppercased()) {
                while s.current == .space || s.current == .tab { s.emit(.text, length: 1) }
                let argument = s.position
                s.skipToLineEnd()
                s.emit(.string, from: argument)
                continue
            }
            // The instruction's arguments run to the end of the line, or further after a `\`.
            var end = s.position
            while end < s.limit {
                if s.bytes[end] == .newline, end == 0 || s.bytes[end - 1] != .backslash { break }
                end += 1
            }
            s.within(end) { ShellLexer.lex(&$0, until: $0.limit) }
        }
    }

    /// Instructions whose whole argument is one string, as Pygments shows them.
    static let dockerStringInstructions: Set<String> = ["FROM", "MAINTAINER", "EXPOSE", "WORKDIR", "USER", "STOPSIGNAL"]

    /// nginx configuration: each statement starts with a directive.
    static let nginx = FunctionLexer { s in
        var statementStart = true
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            let c = s.current
            if c == UInt8(ascii: "#") {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
            } else if c == UInt8(ascii: ";") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") {
                s.emit(.punctuation, length: 1)
                statementStart = true
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                DataLexers.quoted(&s, quote: c, kind: .string)
                statementStart = false
            } else if c == UInt8(ascii: "$") {
                s.position += 1
                s.skipWhile { $0.isIdentifierPart }
                s.emit(.nameVariable, from: start)
            } else if statementStart {
                s.skipWhile { !$0.isBlank && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "{") }
                s.emit(.keyword, from: start)
                statementStart = false
            } else if c.isDigit, nginxNumber(s) {
                s.skipWhile { $0.isDigit }
                s.skipWhile { $0.isASCIILetter }
                s.emit(.numberInteger, from: start)
            } else {
                // Arguments are strings to nginx; paths are names.
                s.skipWhile { !$0.isBlank && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "$") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "#") }
                if s.position == start { s.position += CodeLexer.scalarLength(s.bytes, at: start) }
                s.emit(.string, from: start)
            }
        }
    }

    /// `512`, `10m`, `64k`: digits and at most a unit letter, then the end of the argument.
    private static func nginxNumber(_ s: borrowing Scanner) -> Bool {
        var index = s.position
        while index < s.limit, s.bytes[index].isDigit { index += 1 }
        if index < s.limit, s.bytes[index].isASCIILetter { index += 1 }
        return index >= s.limit || s.bytes[index].isBlank || s.bytes[index] == UInt8(ascii: ";")
    }

    /// Makefiles: targets and variables as names, recipes (tab-indented) as shell; a line that
    /// opens with a conditional or an include (`ifeq`, `else`, `include`, and shell's `if` too) is
    /// one preprocessor-coloured run, continuations and all, as Pygments shows it.
    static let makefile = FunctionLexer { s in
        while !s.atEnd {
            let lineStart = s.position
            var lineEnd = lineStart
            while lineEnd < s.limit {
                if s.bytes[lineEnd] == .newline, lineEnd == 0 || s.bytes[lineEnd - 1] != .backslash { break }
                lineEnd += 1
            }
            let first = s.nextNonBlank(from: lineStart)
            var wordEnd = first
            while wordEnd < lineEnd, !s.bytes[wordEnd].isBlank { wordEnd += 1 }
            if makeConditionals.contains(where: { s.isWord(first, wordEnd, $0) }) {
                s.position = lineEnd
                s.emit(.commentPreproc, from: lineStart)
            } else if s.current == .tab {
                s.within(lineEnd) { ShellLexer.lex(&$0, until: $0.limit, code: ShellLexer.make) }
            } else {
                s.within(lineEnd) { makeLine(&$0) }
            }
            if s.position < s.limit { s.emit(.text, length: 1) }
        }
    }

    /// Compared with the bytes in place (`isWord`): hashing a `Substring` per line cost more
    /// than lexing the line.
    static let makeConditionals: [StaticString] = [
        "if", "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude", "define", "endef",
    ]

    static let makeDirectives: [StaticString] = [
        "include", "-include", "sinclude", "define", "endef", "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif",
        "export", "unexport", "override", "vpath", "private",
    ]

    private static func makeLine(_ s: inout Scanner) {
        _ = s.whitespace()
        let start = s.position
        if s.current == UInt8(ascii: "#") {
            // A comment continues with its line onto the next after a `\`.
            s.position = s.limit
            s.emit(.commentSingle, from: start)
            return
        }
        var end = s.position
        while end < s.limit, !s.bytes[end].isBlank, s.bytes[end] != UInt8(ascii: ":"), s.bytes[end] != UInt8(ascii: "="), s.bytes[end] != UInt8(ascii: "?"), s.bytes[end] != UInt8(ascii: "+") { end += 1 }
        if makeDirectives.contains(where: { s.isWord(start, end, $0) }) {
            s.position = end
            s.emit(.keyword, from: start)
        } else {
            let after = s.nextNonBlank(from: end)
            if after < s.limit, "=?+:".utf8.contains(s.bytes[after]), !(s.bytes[after] == UInt8(ascii: ":") && after + 1 < s.limit && s.bytes[after + 1] != UInt8(ascii: "=")) {
                s.position = end
                s.emit(.nameVariable, from: start)
            } else if after < s.limit, s.bytes[after] == UInt8(ascii: ":") {
                s.position = after
                s.emit(.nameFunction, from: start)
            }
        }
        ShellLexer.lex(&s, until: s.limit, code: ShellLexer.make)
    }
}

extension Scanner {
    func nextNonBlankBackward(from index: Int) -> Int {
        var index = index
        while index > 0, bytes[index].isBlank { index -= 1 }
        return index
    }
}
