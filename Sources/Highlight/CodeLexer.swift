/// The general lexer: comments, strings (with escapes and interpolation), numbers, names and
/// operators, as a ``LanguageDefinition`` describes them. It never backtracks more than a few
/// bytes, so it runs in linear time on any input, and an unterminated string or comment simply
/// runs to the end of the line or of the block.
struct CodeLexer: Sendable {
    let definition: LanguageDefinition
    private let wordTable: WordTable
    /// Bytes that may start a string (its quote or a prefix) or a comment: anything else skips
    /// those checks.
    private let stringStarts: ByteSet
    /// The first bytes of the quotes themselves, and the longest prefix (`rb`, `@$`) before one:
    /// a name like `result` starts like a prefixed string, and one look ahead rules that out.
    private let quoteStarts: ByteSet
    private let longestPrefix: Int
    private let commentStarts: ByteSet
    /// What each byte may start, so that most tokens are told apart with one load (``Flag``).
    private let flags: ByteFlags

    /// The bits of ``flags``.
    private enum Flag {
        static let blank: UInt8 = 1
        /// May start something only a few languages have (a comment, a string, `$`, `@`, `#`…):
        /// only these bytes go through the checks for such things.
        static let special: UInt8 = 2
        static let digit: UInt8 = 4
        static let wordStart: UInt8 = 8
        static let wordPart: UInt8 = 16
        static let `operator`: UInt8 = 32
        static let punctuation: UInt8 = 64
    }

    init(definition: LanguageDefinition) {
        self.definition = definition
        wordTable = WordTable(
            words: definition.words, functionIntroducers: definition.functionIntroducers,
            classIntroducers: definition.classIntroducers, namespaceIntroducers: definition.namespaceIntroducers,
            caseInsensitive: definition.caseInsensitiveWords
        )
        var starts = Set<UInt8>()
        for rule in definition.strings {
            starts.insert(rule.open[0])
            for prefix in rule.prefixes {
                starts.insert(prefix[0])
                if prefix[0].isASCIILetter { starts.insert(prefix[0] ^ 0x20) }
            }
        }
        stringStarts = ByteSet(starts)
        quoteStarts = ByteSet(Set(definition.strings.map { $0.open[0] }))
        longestPrefix = definition.strings.flatMap { $0.prefixes.map(\.count) }.max() ?? 0
        let commentStarts = Set(definition.lineComments.map { $0[0] } + definition.blockComments.map { $0.open[0] }
            + (definition.dataSectionMarker.map { [$0[0]] } ?? []))
        self.commentStarts = ByteSet(commentStarts)
        flags = Self.flags(for: definition, special: starts.union(commentStarts))
    }

    private static func flags(for d: LanguageDefinition, special: Set<UInt8>) -> ByteFlags {
        var special = special.union(d.preprocessorMarks.map { $0[0] })
        special.insert(UInt8(ascii: "."))  // `.5`
        func mark(_ bytes: String, if condition: Bool) {
            if condition { special.formUnion(bytes.utf8) }
        }
        mark("#", if: d.hashbang || d.preprocessor || d.rustAttributes)
        mark("[", if: d.lineStartAttributes)
        mark("'", if: d.characterLiterals || d.lifetimes)
        mark("@", if: d.decorators)
        mark("$\\", if: d.makeVariables)
        mark("$", if: d.commandSubstitution || d.dollarVariables)
        mark(":", if: d.symbols)
        let wordStarts = ByteSet(d.identifierStartExtras), wordParts = ByteSet(d.identifierExtras)
        return ByteFlags { byte in
            var flags: UInt8 = 0
            if byte.isBlank || byte == 0x0C { flags |= Flag.blank }
            if special.contains(byte) { flags |= Flag.special }
            if byte.isDigit { flags |= Flag.digit }
            if byte.isIdentifierStart || wordStarts.contains(byte) { flags |= Flag.wordStart }
            if byte.isIdentifierPart || wordParts.contains(byte) || (d.primeInNames && byte == UInt8(ascii: "'")) { flags |= Flag.wordPart }
            if operatorBytes.contains(byte) { flags |= Flag.operator }
            if punctuationBytes.contains(byte) { flags |= Flag.punctuation }
            return flags
        }
    }

    /// What came before, for the few decisions that depend on it (regex literals, `def name`).
    private struct Context {
        var lastSignificant: UInt8 = 0
        var lastWasWordOrValue = false
        var pendingName: TokenClass?
    }

    func lex(_ bytes: [UInt8]) -> [Token] {
        Scanner.tokens(of: bytes) { lex(&$0, closer: nil, depth: 0) }
    }

    /// Lexes until the end, or until an unmatched `closer` when lexing an interpolated expression.
    func lex(_ s: inout Scanner, closer: UInt8?, depth: Int) {
        var context = Context()
        var nesting = 0
        let d = definition
        let flags = self.flags.table
        while !s.atEnd {
            let c = s.current
            let f = flags[Int(c)]
            if f & Flag.blank != 0 {
                _ = s.whitespace()
                continue
            }
            if let closer {
                if c == closer, nesting == 0 { return }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "(") { nesting += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: ")") { nesting -= 1 }
            }
            let start = s.position
            if f & Flag.special != 0, special(&s, c, context: &context, depth: depth) { continue }
            if f & Flag.digit != 0 || (c == UInt8(ascii: ".") && s.peek().isDigit && !context.lastWasWordOrValue) {
                number(&s)
                context.lastWasWordOrValue = true
                context.lastSignificant = UInt8(ascii: "0")
                continue
            }
            if f & Flag.wordStart != 0 {
                word(&s, context: &context, flags: flags)
                continue
            }
            if d.regexLiterals, c == UInt8(ascii: "/"), !context.lastWasWordOrValue, regex(&s) {
                context.lastWasWordOrValue = true
                continue
            }
            if f & Flag.operator != 0 {
                s.position += 1
                while !s.atEnd, flags[Int(s.current)] & Flag.operator != 0, !(commentStarts.contains(s.current) && startsComment(s)) { s.position += 1 }
                s.emit(.operator, from: start)
                context.lastWasWordOrValue = false
                context.lastSignificant = c
                continue
            }
            if f & Flag.punctuation != 0 {
                s.position += 1
                s.emit(.punctuation, from: start)
                context.lastWasWordOrValue = c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
                context.lastSignificant = c
                continue
            }
            s.position += Self.scalarLength(s.bytes, at: start)
            s.emit(.text, from: start)
            context.lastWasWordOrValue = false
            context.lastSignificant = c
        }
    }

    /// What only some bytes in some languages start: comments, strings, `#` lines, `@name`,
    /// `$name` and the like. Whether it lexed something at the cursor.
    private func special(_ s: inout Scanner, _ c: UInt8, context: inout Context, depth: Int) -> Bool {
        let d = definition
        let start = s.position
        if d.hashbang, start == 0, s.matches(Self.hashbangPrefix) {
            s.skipToLineEnd()
            s.emit(.commentHashbang, from: start)
            return true
        }
        if d.preprocessor, c == UInt8(ascii: "#"), s.atLineStart {
            preprocessorLine(&s)
            return true
        }
        if d.lineStartAttributes, c == UInt8(ascii: "["), s.atLineStart {
            bracketed(&s, kind: .nameAttribute)
            return true
        }
        if d.rustAttributes, c == UInt8(ascii: "#"), s.peek() == UInt8(ascii: "[") || (s.peek() == UInt8(ascii: "!") && s.peek(2) == UInt8(ascii: "[")) {
            bracketed(&s, kind: .commentPreproc)
            return true
        }
        if commentStarts.contains(c), blockComment(&s) || lineComment(&s) { return true }
        if stringStarts.contains(c), let rule = stringStart(&s, context: context) {
            string(&s, rule: rule.rule, prefixLength: rule.prefixLength, depth: depth)
            context.lastWasWordOrValue = true
            context.lastSignificant = UInt8(ascii: "\"")
            return true
        }
        if c == UInt8(ascii: "'"), d.characterLiterals || d.lifetimes, characterOrLifetime(&s) {
            context.lastWasWordOrValue = true
            return true
        }
        // Nothing from here on starts with a digit or `.`, so numbers may be looked for after it.
        if d.decorators, c == UInt8(ascii: "@"), s.peek().isIdentifierStart {
            s.position += 1
            s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: ".") }
            s.emit(.nameDecorator, from: start)
            return true
        }
        if d.makeVariables, c == UInt8(ascii: "$"), s.peek() == UInt8(ascii: "(") || s.peek() == UInt8(ascii: "{") {
            makeVariable(&s)
            return true
        }
        if d.makeVariables, c == .backslash, s.peek() == .newline {
            s.emit(.stringEscape, length: 1)
            return true
        }
        if d.commandSubstitution, c == UInt8(ascii: "$"), s.peek() == UInt8(ascii: "(") {
            s.emit(.keyword, length: s.peek(2) == UInt8(ascii: "(") ? 3 : 2)
            return true
        }
        if !d.preprocessorMarks.isEmpty, let mark = d.preprocessorMarks.first(where: { s.matches($0) }) {
            s.emit(.commentPreproc, length: mark.count)
            return true
        }
        if d.dollarVariables, c == UInt8(ascii: "$"), dollarVariable(&s) {
            context.lastWasWordOrValue = true
            return true
        }
        if d.symbols, c == UInt8(ascii: ":"), s.peek().isIdentifierStart, start == 0 || Self.beforeSymbol.contains(s.bytes[start - 1]) {
            s.position += 1
            s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "!") }
            s.emit(.stringSymbol, from: start)
            context.lastWasWordOrValue = true
            return true
        }
        return false
    }

    static let hashbangPrefix = Array("#!".utf8)
    static let fourSlashes = Array("////".utf8)
    static let specialVariables = ByteSet("@#?*!$-")
    static let docOpen = Array("/**".utf8)
    /// What may stand right before a Ruby `:symbol` (a `:` after a name is `a ? b : c` or `::`).
    static let beforeSymbol = ByteSet(" \t\n([{,=|&!")
    static let operatorBytes = ByteSet("+-*/%=<>!&|^~?:")
    static let punctuationBytes = ByteSet("()[]{},;.")

    // MARK: Comments

    private func startsComment(_ s: borrowing Scanner) -> Bool {
        definition.lineComments.contains { s.matches($0) } || definition.blockComments.contains { s.matches($0.open) }
    }

    private func lineComment(_ s: inout Scanner) -> Bool {
        for prefix in definition.docComments where s.matches(prefix) && !s.matches(Self.fourSlashes) {
            let start = s.position
            s.skipToLineEnd()
            s.emit(.stringDoc, from: start)
            return true
        }
        for prefix in definition.lineComments where s.matches(prefix) {
            let start = s.position
            s.skipToLineEnd()
            s.emit(.commentSingle, from: start)
            return true
        }
        return false
    }

    private func blockComment(_ s: inout Scanner) -> Bool {
        if let marker = definition.dataSectionMarker, s.matches(marker), s.atLineStart {
            let start = s.position
            s.position = s.limit
            s.emit(.commentPreproc, from: start)
            return true
        }
        for (open, close) in definition.blockComments where s.matches(open) {
            let start = s.position
            s.position += open.count
            var depth = 1
            // Only the first byte of the closing (or, nested, the opening) mark can stop here.
            let stop = close[0], nestedStop = definition.nestedBlockComments ? open[0] : close[0]
            while !s.atEnd {
                s.skip(to: stop, nestedStop, stop, stop)
                if s.atEnd { break }
                if s.matches(close) {
                    s.position += close.count
                    depth -= 1
                    if depth == 0 || !definition.nestedBlockComments { depth = 0; break }
                } else if definition.nestedBlockComments, s.matches(open) {
                    s.position += open.count
                    depth += 1
                } else {
                    s.position += 1
                }
            }
            let isDoc = definition.docBlockComments && s.position - start > 4 && s.matches(Self.docOpen, at: start) && s.bytes[start + 3] != UInt8(ascii: "*") && s.bytes[start + 3] != UInt8(ascii: "/")
            s.emit(isDoc ? .stringDoc : .commentMultiline, from: start)
            return true
        }
        return false
    }

    private func preprocessorLine(_ s: inout Scanner) {
        let start = s.position
        while !s.atEnd, s.current != .newline {
            if s.current == .backslash, s.peek() == .newline { s.position += 2; continue }
            s.position += 1
        }
        s.emit(.commentPreproc, from: start)
    }

    /// `#[…]` with nested brackets, on one or more lines.
    private func bracketed(_ s: inout Scanner, kind: TokenClass) {
        let start = s.position
        var depth = 0
        while !s.atEnd {
            let c = s.current
            s.position += 1
            if c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "]") { depth -= 1; if depth == 0 { break } }
        }
        s.emit(kind, from: start)
    }

    // MARK: Strings

    private func stringStart(_ s: inout Scanner, context: Context) -> (rule: LanguageDefinition.StringRule, prefixLength: Int)? {
        let previous = s.position > 0 ? s.bytes[s.position - 1] : 0
        let prefixAllowed = !previous.isIdentifierPart
        if !quoteStarts.contains(s.current) {
            guard prefixAllowed, (1...max(1, longestPrefix)).contains(where: { quoteStarts.contains(s.peek($0)) }) else { return nil }
        }
        for rule in definition.strings {
            if s.matches(rule.open) { return (rule, 0) }
            guard prefixAllowed else { continue }
            for prefix in rule.prefixes where matchesCaseInsensitive(s, prefix) && s.matches(rule.open, at: s.position + prefix.count) {
                var raw = rule
                if prefixContainsRaw(s, prefix.count) { raw.escapes = false }
                return (raw, prefix.count)
            }
        }
        return nil
    }

    private func matchesCaseInsensitive(_ s: borrowing Scanner, _ prefix: [UInt8]) -> Bool {
        guard s.position + prefix.count <= s.bytes.count else { return false }
        for (offset, byte) in prefix.enumerated() where s.bytes[s.position + offset] | 0x20 != byte | 0x20 { return false }
        return true
    }

    /// Python-style prefixes like `rb` or `Rf` switch escapes off when they contain an `r`.
    private func prefixContainsRaw(_ s: borrowing Scanner, _ length: Int) -> Bool {
        definition.docstrings && (0..<length).contains { s.bytes[s.position + $0] | 0x20 == UInt8(ascii: "r") }
    }

    private func string(_ s: inout Scanner, rule: LanguageDefinition.StringRule, prefixLength: Int, depth: Int) {
        let kind: TokenClass = definition.docstrings && rule.open.count == 3 && s.atLineStart ? .stringDoc : rule.kind
        if prefixLength > 0 { s.emit(.stringAffix, length: prefixLength) }
        var start = s.position
        s.position += rule.open.count
        // Bytes that may end the string or start something inside it; all others are skipped in one go.
        let close = rule.close[0]
        let other = rule.variables ? UInt8(ascii: "$") : rule.interpolation?.first ?? close
        while !s.atEnd {
            s.skip(to: close, .newline, .backslash, other)
            if s.atEnd { break }
            if s.matches(rule.close) {
                s.position += rule.close.count
                if rule.doubledQuotes, s.matches(rule.close) { s.position += rule.close.count; continue }
                break
            }
            let c = s.current
            if c == .newline, !rule.multiline { break }
            if rule.escapes, c == .backslash {
                if let interpolation = rule.interpolation, interpolation.first == .backslash, s.matches(interpolation) {
                    s.emit(kind, from: start)
                    interpolate(&s, opener: interpolation, depth: depth)
                    start = s.position
                    continue
                }
                s.emit(kind, from: start)
                let escape = s.position
                s.position += 1
                if !s.atEnd { s.position += Self.scalarLength(s.bytes, at: s.position) }
                s.emit(.stringEscape, from: escape)
                start = s.position
                continue
            }
            if rule.variables, c == UInt8(ascii: "$"), s.peek() == UInt8(ascii: "("), depth < 16 {
                // `"$(command)"`: the command is code again, between keyword marks.
                s.emit(kind, from: start)
                s.emit(.keyword, length: 2)
                lex(&s, closer: UInt8(ascii: ")"), depth: depth + 1)
                if s.current == UInt8(ascii: ")") { s.emit(.keyword, length: 1) }
                start = s.position
                continue
            }
            if rule.variables, c == UInt8(ascii: "$"), s.peek().isIdentifierStart || s.peek() == UInt8(ascii: "{") || s.peek().isDigit || Self.specialVariables.contains(s.peek()) {
                s.emit(kind, from: start)
                _ = dollarVariable(&s)
                start = s.position
                continue
            }
            if let interpolation = rule.interpolation, interpolation.first != .backslash, s.matches(interpolation) {
                s.emit(kind, from: start)
                interpolate(&s, opener: interpolation, depth: depth)
                start = s.position
                continue
            }
            s.position += 1
        }
        s.emit(kind, from: start)
    }

    /// `\(` … `)` or `${` … `}`: the expression inside is code again.
    private func interpolate(_ s: inout Scanner, opener: [UInt8], depth: Int) {
        s.emit(.stringInterpol, length: opener.count)
        let closer = opener.last == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
        guard depth < 16 else { return }
        lex(&s, closer: closer, depth: depth + 1)
        if !s.atEnd { s.emit(.stringInterpol, length: 1) }
    }

    private func characterOrLifetime(_ s: inout Scanner) -> Bool {
        let start = s.position
        let bytes = s.bytes
        let limit = s.limit
        var index = start + 1
        guard index < limit else { return false }
        if definition.characterLiterals {
            if bytes[index] == .backslash {
                // '\n', '\x41', '\u{1F600}', '\''
                var end = index + 2
                while end < limit, end - start < 14, bytes[end] != UInt8(ascii: "'"), bytes[end] != .newline { end += 1 }
                if end < limit, bytes[end] == UInt8(ascii: "'") {
                    s.position = end + 1
                    s.emit(.stringChar, from: start)
                    return true
                }
            } else if bytes[index] != UInt8(ascii: "'"), bytes[index] != .newline {
                index += Self.scalarLength(bytes, at: index)
                if index < limit, bytes[index] == UInt8(ascii: "'") {
                    s.position = index + 1
                    s.emit(.stringChar, from: start)
                    return true
                }
            }
        }
        if definition.lifetimes, bytes[start + 1].isIdentifierStart {
            s.position = start + 1
            s.skipWhile { $0.isIdentifierPart }
            s.emit(.nameLabel, from: start)
            return true
        }
        return false
    }

    // MARK: Numbers, names, the rest

    private func number(_ s: inout Scanner) {
        let start = s.position
        var kind = TokenClass.numberInteger
        let separators = definition.numberSeparators
        func digits(_ valid: (UInt8) -> Bool) {
            s.skipWhile { valid($0) || (separators && $0 == UInt8(ascii: "_")) }
        }
        if s.current == UInt8(ascii: "0"), let base = Optional(s.peek() | 0x20), base == UInt8(ascii: "x") || base == UInt8(ascii: "b") || base == UInt8(ascii: "o") {
            s.position += 2
            switch base {
            case UInt8(ascii: "x"): kind = .numberHex; digits { $0.isHexDigit }
            case UInt8(ascii: "b"): kind = .numberBin; digits { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
            default: kind = .numberOct; digits { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
            }
        } else {
            digits { $0.isDigit }
            if s.current == UInt8(ascii: "."), s.peek().isDigit {
                kind = .numberFloat
                s.position += 1
                digits { $0.isDigit }
            }
            if s.current | 0x20 == UInt8(ascii: "e"), s.peek().isDigit || ((s.peek() == UInt8(ascii: "+") || s.peek() == UInt8(ascii: "-")) && s.peek(2).isDigit) {
                kind = .numberFloat
                s.position += 2
                digits { $0.isDigit }
            }
        }
        // Type suffixes: 10L, 1.5f, 42u8, 7n.
        s.skipWhile { $0.isASCIILetter || $0.isDigit }
        s.emit(kind, from: start)
    }

    /// `$(NAME)` or `${NAME}`; anything more complex inside is lexed as usual up to the closer.
    private func makeVariable(_ s: inout Scanner) {
        let closer = s.peek() == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
        s.emit(.keyword, length: 2)
        let name = s.position
        s.skipWhile { $0.isIdentifierPart || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        s.emit(.nameVariable, from: name)
        if s.current == closer { s.emit(.keyword, length: 1) }
    }

    private func dollarVariable(_ s: inout Scanner) -> Bool {
        let start = s.position
        let next = s.peek()
        if next == UInt8(ascii: "{") {
            // `${name:-default}`: the braces are interpolation marks, the inside a variable.
            s.emit(.stringInterpol, length: 2)
            let inner = s.position
            s.skipWhile { $0 != UInt8(ascii: "}") && $0 != .newline }
            s.emit(.nameVariable, from: inner)
            if s.current == UInt8(ascii: "}") { s.emit(.stringInterpol, length: 1) }
            return true
        } else if next.isIdentifierStart || next.isDigit || "@#?*!$-".utf8.contains(next) {
            s.position += 2
            if next.isIdentifierStart { s.skipWhile { $0.isIdentifierPart } }
        } else {
            return false
        }
        s.emit(.nameVariable, from: start)
        return true
    }

    private func word(_ s: inout Scanner, context: inout Context, flags: UnsafeMutablePointer<UInt8>) {
        let start = s.position
        let limit = s.limit
        let fold = wordTable.fold
        // Finds the end of the word and hashes it for the keyword table in the same pass.
        let (end, entry) = s.bytes.withUnsafeBufferPointer { bytes in
            var hash = WordTable.mix(WordTable.seed, bytes[start] | fold)
            var index = start + 1
            while index < limit, flags[Int(bytes[index])] & Flag.wordPart != 0 {
                hash = WordTable.mix(hash, bytes[index] | fold)
                index += 1
            }
            return (index, wordTable.lookup(bytes, start, index, hash: WordTable.finish(hash)))
        }
        s.position = end
        var kind = entry?.kind ?? .name
        let capitalized = s.bytes[start] >= 0x41 && s.bytes[start] <= 0x5A
        if kind == .name, let pending = context.pendingName {
            kind = pending
            // A dotted module name keeps its class across the dots.
            if pending == .nameNamespace, s.current == UInt8(ascii: "."), s.peek().isIdentifierStart {
                s.emit(kind, from: start)
                s.position += 1
                context.pendingName = .nameNamespace
                s.emit(kind, from: end)
                return
            }
        } else if kind == .name, capitalized, definition.capitalizedNamesAreTypes {
            kind = .keywordType
        } else if kind == .name, definition.typesAfterColon, context.lastSignificant == UInt8(ascii: ":") {
            kind = .keywordType
        } else if kind != .name, definition.membersAreNames, context.lastSignificant == UInt8(ascii: "."), start >= 2, s.bytes[start - 2] != UInt8(ascii: ".") {
            kind = .name
        } else if kind == .name, definition.bangMacros, s.current == UInt8(ascii: "!"), s.peek() != UInt8(ascii: "=") {
            s.position += 1
            kind = .nameFunction
        }
        context.pendingName = entry?.introduces
        s.emit(kind, from: start)
        // After a keyword like `return` or `typeof`, a `/` starts a regex, not a division.
        context.lastWasWordOrValue = kind.category != .keyword || kind == .keywordConstant
        context.lastSignificant = UInt8(ascii: "a")
    }

    private func regex(_ s: inout Scanner) -> Bool {
        let start = s.position
        var index = start + 1
        var inClass = false
        let bytes = s.bytes
        while index < s.limit {
            let c = bytes[index]
            if c == .newline, !definition.multilineRegex { return false }
            if c == .backslash { index += 2; continue }
            if c == UInt8(ascii: "[") { inClass = true }
            if c == UInt8(ascii: "]") { inClass = false }
            if c == UInt8(ascii: "/"), !inClass { break }
            index += 1
        }
        guard index < s.limit, index > start + 1 else { return false }
        s.position = index + 1
        s.skipWhile { $0.isASCIILetter }
        s.emit(.stringRegex, from: start)
        return true
    }

    /// Bytes in the UTF-8 sequence starting at `index` (1 for a stray continuation byte).
    static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        guard index < bytes.count else { return 0 }
        let lead = bytes[index]
        let length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(length, bytes.count - index)
    }
}
