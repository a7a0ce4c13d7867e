/// Lexers for data and configuration formats, written line by line.
enum DataLexers {
    /// JSON: keys are names, values strings, numbers and constants.
    static let json = FunctionLexer { s in
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            let c = s.current
            if c == UInt8(ascii: "\"") {
                keyOrString(&s, quote: c, kind: .stringDouble)
            } else if c.isDigit || c == UInt8(ascii: "-") {
                s.position += 1
                s.skipWhile { $0.isDigit || $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
                let isFloat = s.contains(start, s.position) { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
                s.emit(isFloat ? .numberFloat : .numberInteger, from: start)
            } else if c.isASCIILetter {
                s.skipWhile { $0.isASCIILetter }
                let end = s.position
                let isConstant = s.isWord(start, end, "true") || s.isWord(start, end, "false") || s.isWord(start, end, "null")
                s.emit(isConstant ? .keywordConstant : .name, from: start)
            } else if c == UInt8(ascii: "/"), s.peek() == UInt8(ascii: "/") {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
            } else {
                s.position += CodeLexer.scalarLength(s.bytes, at: start)
                s.emit(.punctuation, from: start)
            }
        }
    }

    /// YAML: comments, quoted strings and tags stand out; keys are names; plain and block
    /// scalars are literal text.
    static let yaml = FunctionLexer { s in
        var blockIndent: Int?
        while !s.atEnd {
            let lineStart = s.position
            var lineEnd = lineStart
            while lineEnd < s.limit, s.bytes[lineEnd] != .newline { lineEnd += 1 }
            let indent = s.nextNonBlank(from: lineStart) - lineStart
            let blank = lineStart + indent == lineEnd
            if let block = blockIndent, blank || indent > block {
                s.position = lineEnd
                s.emit(.literal, from: lineStart)
            } else {
                blockIndent = nil
                s.within(lineEnd) { yamlLine(&$0, indent: indent, blockIndent: &blockIndent) }
            }
            if lineEnd < s.limit {
                s.position = lineEnd + 1
                s.emit(.text, from: lineEnd)
            }
        }
    }

    private static func yamlLine(_ s: inout Scanner, indent: Int, blockIndent: inout Int?) {
        let lineStart = s.position
        _ = s.whitespace()
        if s.matches("---") || s.matches("..."), s.position == lineStart {
            s.emit(.nameNamespace, length: 3)
        }
        if s.current == UInt8(ascii: "%"), s.position == lineStart {
            s.skipToLineEnd()
            s.emit(.nameTag, from: lineStart)
            return
        }
        var expectKey = true
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            let c = s.current
            if c == UInt8(ascii: "#"), start == lineStart || s.bytes[start - 1].isBlank {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
            } else if c == UInt8(ascii: "-"), s.peek() == .space || s.peek() == 0 {
                s.emit(.punctuation, length: 1)
                expectKey = true
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                keyOrString(&s, quote: c, kind: c == UInt8(ascii: "'") ? .stringSingle : .stringDouble, doubledQuoteEscapes: c == UInt8(ascii: "'"))
            } else if c == UInt8(ascii: "!") {
                s.skipWhile { !$0.isBlank }
                s.emit(.keywordType, from: start)
            } else if c == UInt8(ascii: "&") || c == UInt8(ascii: "*"), s.peek().isIdentifierPart {
                s.position += 1
                s.skipWhile { !$0.isBlank && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "}") }
                s.emit(c == UInt8(ascii: "&") ? .nameLabel : .nameVariable, from: start)
            } else if c == UInt8(ascii: "|") || c == UInt8(ascii: ">"), isBlockIndicator(s) {
                s.skipWhile { !$0.isBlank && $0 != UInt8(ascii: "#") }
                s.emit(.punctuation, from: start)
                blockIndent = indent
            } else if "[]{},:?".utf8.contains(c), c != UInt8(ascii: ":") || s.peek().isBlank || s.peek() == 0 {
                s.emit(.punctuation, length: 1)
                expectKey = c == UInt8(ascii: ",") || c == UInt8(ascii: "{")
            } else {
                // A plain scalar: up to `: `, ` #`, or (in flow context) a flow indicator.
                var end = s.position
                while end < s.limit {
                    let b = s.bytes[end]
                    if b == UInt8(ascii: ":"), end + 1 >= s.limit || s.bytes[end + 1].isBlank { break }
                    if b == UInt8(ascii: "#"), s.bytes[end - 1].isBlank { break }
                    if b == UInt8(ascii: ","), end + 1 < s.limit, s.bytes[end + 1] == .space { break }
                    end += 1
                }
                while end > s.position, s.bytes[end - 1].isBlank { end -= 1 }
                s.position = max(end, start + 1)
                let isKey = expectKey && s.position < s.limit && s.bytes[s.position] == UInt8(ascii: ":")
                s.emit(isKey ? .nameTag : .literal, from: start)
                expectKey = false
            }
        }
    }

    private static func isBlockIndicator(_ s: borrowing Scanner) -> Bool {
        var index = s.position + 1
        while index < s.limit, s.bytes[index] == UInt8(ascii: "-") || s.bytes[index] == UInt8(ascii: "+") || s.bytes[index].isDigit { index += 1 }
        index = s.nextNonBlank(from: index)
        return index >= s.limit || s.bytes[index] == UInt8(ascii: "#")
    }

    /// TOML: tables, keys, strings, numbers, booleans, dates.
    static let toml = FunctionLexer { s in
        var atLineStart = true
        var depth = 0
        while !s.atEnd {
            let c = s.current
            if c == .newline { atLineStart = true }
            if s.whitespace() { continue }
            let start = s.position
            if c == UInt8(ascii: "#") {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
            } else if c == UInt8(ascii: "["), atLineStart, depth == 0 {
                s.skipToLineEnd()
                var end = s.position
                while end > start, s.bytes[end - 1] != UInt8(ascii: "]") { end -= 1 }
                s.position = end > start ? end : s.position
                s.emit(.keyword, from: start)
            } else if s.matches("\"\"\"") || s.matches("'''") {
                let delimiter = Array(s.bytes[start..<start + 3])
                s.position += 3
                while !s.atEnd, !s.matches(delimiter) { s.position += s.current == .backslash && delimiter[0] == UInt8(ascii: "\"") ? 2 : 1 }
                s.position = min(s.position + 3, s.limit)
                s.emit(.string, from: start)
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quoted(&s, quote: c, kind: c == UInt8(ascii: "'") ? .stringSingle : .stringDouble, escapes: c == UInt8(ascii: "\""))
            } else if atLineStart, depth == 0, c.isIdentifierPart || c == UInt8(ascii: "-") {
                s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
                s.emit(.name, from: start)
                atLineStart = false
                continue
            } else if c.isDigit || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && s.peek().isDigit) {
                s.position += 1
                s.skipWhile { $0.isHexDigit || "_.:+-xoTZ".utf8.contains($0) }
                let end = s.position
                let isDate = end - start >= 8 && (s.contains(start, end) { $0 == UInt8(ascii: ":") } || s.bytes[start + 4] == UInt8(ascii: "-"))
                let isFloat = s.contains(start, end) { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }
                s.emit(isDate ? .literal : (isFloat ? .numberFloat : .numberInteger), from: start)
            } else if c.isASCIILetter {
                s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") }
                let end = s.position
                let kind: TokenClass = s.isWord(start, end, "true") || s.isWord(start, end, "false") ? .keywordConstant
                    : s.isWord(start, end, "inf") || s.isWord(start, end, "nan") ? .numberFloat : .name
                s.emit(kind, from: start)
            } else {
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
                if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { depth = max(0, depth - 1) }
                s.position += CodeLexer.scalarLength(s.bytes, at: start)
                s.emit(c == UInt8(ascii: "=") ? .operator : .punctuation, from: start)
            }
            atLineStart = false
        }
    }

    /// INI and .conf files: sections, keys and values.
    static let ini = FunctionLexer { s in
        while !s.atEnd {
            if s.whitespace() { continue }
            let start = s.position
            let c = s.current
            if c == UInt8(ascii: ";") || c == UInt8(ascii: "#") {
                s.skipToLineEnd()
                s.emit(.commentSingle, from: start)
            } else if c == UInt8(ascii: "[") {
                s.skipToLineEnd()
                s.emit(.keyword, from: start)
            } else {
                s.skipWhile { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: ":") && $0 != .newline }
                var keyEnd = s.position
                while keyEnd > start, s.bytes[keyEnd - 1].isBlank { keyEnd -= 1 }
                s.position = keyEnd
                s.emit(.nameAttribute, from: start)
                while s.current == .space || s.current == .tab { s.emit(.text, length: 1) }
                if s.current == UInt8(ascii: "=") || s.current == UInt8(ascii: ":") {
                    s.emit(.operator, length: 1)
                    while s.current == .space || s.current == .tab { s.emit(.text, length: 1) }
                    let valueStart = s.position
                    s.skipToLineEnd()
                    s.emit(.string, from: valueStart)
                }
            }
        }
    }

    /// A quoted string with backslash escapes (or, in YAML's single quotes, doubled quotes), ending
    /// at the line's end when unterminated.
    static func quoted(_ s: inout Scanner, quote: UInt8, kind: TokenClass, escapes: Bool = true, doubledQuoteEscapes: Bool = false) {
        let start = s.position
        skipQuoted(&s, quote: quote, escapes: escapes, doubledQuoteEscapes: doubledQuoteEscapes)
        s.emit(kind, from: start)
    }

    /// A quoted string, or a key when `:` follows it.
    private static func keyOrString(_ s: inout Scanner, quote: UInt8, kind: TokenClass, doubledQuoteEscapes: Bool = false) {
        let start = s.position
        skipQuoted(&s, quote: quote, escapes: true, doubledQuoteEscapes: doubledQuoteEscapes)
        let after = s.nextNonBlank(from: s.position)
        s.emit(after < s.limit && s.bytes[after] == UInt8(ascii: ":") ? .nameTag : kind, from: start)
    }

    private static func skipQuoted(_ s: inout Scanner, quote: UInt8, escapes: Bool, doubledQuoteEscapes: Bool) {
        s.position += 1
        while !s.atEnd {
            s.skip(to: quote, .newline, .backslash, quote)
            guard !s.atEnd, s.current != .newline else { break }
            let c = s.current
            if escapes, !doubledQuoteEscapes, c == .backslash { s.position += 2; continue }
            s.position += 1
            if c == quote {
                if doubledQuoteEscapes, s.current == quote { s.position += 1; continue }
                break
            }
        }
        s.position = min(s.position, s.limit)
    }
}
