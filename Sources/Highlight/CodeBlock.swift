/// What a fence's info string asks for: `python {3,5-7} title="app.py" linenos`.
public struct CodeBlockOptions: Sendable, Equatable {
    public var language: String
    /// 1-based line numbers to highlight.
    public var highlightedLines: Set<Int> = []
    public var title: String?
    public var lineNumbers = false

    public init(info: String) {
        // Most info strings are one ASCII word: that is the language, and nothing else to read.
        if !info.utf8.contains(where: { $0 <= UInt8(ascii: " ") || $0 == UInt8(ascii: "{") || $0 >= 0x80 }) {
            language = info
            return
        }
        var rest = Substring(info).drop(while: \.isWhitespace)
        let end = rest.firstIndex(where: { $0.isWhitespace || $0 == "{" }) ?? rest.endIndex
        language = String(rest[..<end])
        rest = rest[end...]
        while let next = rest.drop(while: \.isWhitespace).first {
            rest = rest.drop(while: \.isWhitespace)
            if next == "{" {
                let close = rest.firstIndex(of: "}") ?? rest.endIndex
                highlightedLines.formUnion(Self.lines(rest.dropFirst()[..<close]))
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : ""
            } else {
                let wordEnd = rest.firstIndex(where: { $0.isWhitespace || $0 == "=" }) ?? rest.endIndex
                let key = rest[..<wordEnd].lowercased()
                rest = rest[wordEnd...]
                var value: Substring?
                if rest.first == "=" {
                    rest = rest.dropFirst()
                    if let quote = rest.first, quote == "\"" || quote == "'" {
                        let body = rest.dropFirst()
                        let close = body.firstIndex(of: quote) ?? body.endIndex
                        value = body[..<close]
                        rest = close < body.endIndex ? body[body.index(after: close)...] : ""
                    } else {
                        let valueEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                        value = rest[..<valueEnd]
                        rest = rest[valueEnd...]
                    }
                }
                switch key {
                case "title", "filename": title = value.map(String.init)
                case "linenos", "linenums", "showlinenumbers": lineNumbers = value.map { $0 != "false" } ?? true
                case "hl_lines", "highlight", "mark": highlightedLines.formUnion(Self.lines(value ?? ""))
                default: break
                }
            }
        }
    }

    /// `3,5-7` or `3 5-7` → {3, 5, 6, 7}; ranges are capped so `1-999999999` cannot blow up.
    static func lines(_ text: Substring) -> Set<Int> {
        var lines = Set<Int>()
        for part in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let bounds = part.split(separator: "-", maxSplits: 1).compactMap { Int($0) }
            if bounds.count == 2, bounds[0] >= 1, bounds[0] <= bounds[1] {
                lines.formUnion(bounds[0]...min(bounds[1], bounds[0] + 10_000))
            } else if bounds.count == 1, bounds[0] >= 1, !part.contains("-") {
                lines.insert(bounds[0])
            }
        }
        return lines
    }
}

/// Renders code blocks as HTML, Pygments-style.
public enum Highlighter {
    /// A whole fenced block: `<pre class="highlight"><code class="language-X" data-lang="X">…</code></pre>`,
    /// in a `<figure>` with a caption when the info string names a title. An unknown or missing
    /// language gives the same markup with escaped plain text.
    public static func renderBlock(code: String, info: String) -> String {
        let options = CodeBlockOptions(info: info)
        let language = Language.named(options.language)
        var open = language?.openingTags ?? openingTags(language: escape(options.language.lowercased()))
        if let title = options.title {
            open = "<figure class=\"code-block\"><figcaption class=\"code-title\">\(escape(title))</figcaption>" + open
        }
        let close = options.title == nil ? "</code></pre>\n" : "</code></pre></figure>\n"
        return highlight(code, language: language, options: options, between: open, and: close)
    }

    /// `<pre class="highlight"><code …>` for a language name, already escaped; none for no name.
    static func openingTags(language name: String) -> String {
        name.isEmpty ? "<pre class=\"highlight\"><code>" : "<pre class=\"highlight\"><code class=\"language-\(name)\" data-lang=\"\(name)\">"
    }

    /// The inside of a `<code>` element: escaped code with token spans, line by line.
    public static func highlight(_ code: String, language: Language?, options: CodeBlockOptions = CodeBlockOptions(info: "")) -> String {
        highlight(code, language: language, options: options, between: "", and: "")
    }

    /// The highlighted code with `open` before it and `close` after it, built as one string.
    private static func highlight(_ code: String, language: Language?, options: CodeBlockOptions, between open: String, and close: String) -> String {
        let bytes = Array(code.utf8)
        let tokens = language?.lexer.tokens(bytes) ?? [Token(start: 0, end: bytes.count, kind: .text)]
        if options.lineNumbers || !options.highlightedLines.isEmpty {
            return open + perLine(tokens, of: bytes, options: options) + close
        }
        // The common case, and the hot path: no per-line markup, so newlines need no attention
        // and the whole block is written straight into the string's own storage.
        return bytes.withUnsafeBufferPointer { source in
            HTMLWriter.write(tokens, of: source, between: open, and: close)
        }
    }

    /// Tokens as spans, with the `hll` span and line number that `options` ask for on each line.
    private static func perLine(_ tokens: [Token], of bytes: [UInt8], options: CodeBlockOptions) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var line = 1
        func startLine() {
            if options.highlightedLines.contains(line) { output += Self.hllOpen }
            if options.lineNumbers { output += Array("<span class=\"ln\" aria-hidden=\"true\" data-line=\"\(line)\"></span>".utf8) }
        }
        func endLine() {
            guard options.highlightedLines.contains(line) else { return }
            output += Self.spanClose
        }
        if !bytes.isEmpty { startLine() }
        for token in tokens where token.end > token.start {
            let open = HTMLWriter.spanOpen[token.kind.ordinal]
            var segmentStart = token.start
            var index = token.start
            while index < token.end {
                if bytes[index] == .newline {
                    if segmentStart < index { write(bytes[segmentStart..<index], open, into: &output) }
                    output.append(.newline)
                    endLine()
                    line += 1
                    if index + 1 < bytes.count { startLine() }
                    segmentStart = index + 1
                }
                index += 1
            }
            if segmentStart < token.end { write(bytes[segmentStart..<token.end], open, into: &output) }
        }
        if !bytes.isEmpty, bytes.last != .newline { endLine() }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hllOpen = Array("<span class=\"hll\">".utf8)
    private static let spanClose = Array("</span>".utf8)

    private static func write(_ text: ArraySlice<UInt8>, _ open: [UInt8], inAttribute: Bool = false, into output: inout [UInt8]) {
        output.append(contentsOf: open)
        for byte in text {
            if let entity = HTMLWriter.entity(byte, inAttribute: inAttribute) {
                output.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
            } else {
                output.append(byte)
            }
        }
        if !open.isEmpty { output.append(contentsOf: spanClose) }
    }

    /// Escaped for an attribute value or text: the language name and the title.
    static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        write(ArraySlice(text.utf8), [], inAttribute: true, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

/// Writes tokens as HTML into a string of the right size (and some slack for word-sized stores):
/// one pass over the bytes to measure and to note where escaping is needed, one pass over the
/// tokens to write through raw pointers. Highlighting spent most of its time here before this
/// was done this way.
enum HTMLWriter {
    /// `<span class="k">` and so on, indexed by ``TokenClass/ordinal``; empty for plain text.
    static let spanOpen: [[UInt8]] = TokenClass.allCases.map { kind in
        kind == .text ? [] : Array("<span class=\"\(kind.rawValue)\">".utf8)
    }

    /// Every class's tags as words to store: the opening tag padded to 24 bytes, and `</span>`
    /// padded to 8 (both empty for plain text). The writer stores all the words and moves on by
    /// the tag's length, so a tag costs four stores and no branch; the padding lands in bytes
    /// that the next store overwrites.
    private struct Tags {
        var open: (UInt64, UInt64, UInt64)
        var openCount: Int
        var close: UInt64
        var closeCount: Int
    }

    private static let tags: [Tags] = spanOpen.map { open in
        precondition(open.count <= 24, "an opening tag longer than three words")
        let close = open.isEmpty ? [] : Array("</span>".utf8)
        return Tags(
            open: (word(open.prefix(8)), word(open.dropFirst(8).prefix(8)), word(open.dropFirst(16))),
            openCount: open.count, close: word(close[...]), closeCount: close.count
        )
    }

    /// Up to eight bytes as a word to store, first byte lowest, zeros after them.
    private static func word(_ bytes: some BidirectionalCollection<UInt8>) -> UInt64 {
        precondition(bytes.count <= 8)
        return bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Bytes the writer may store past the exact length of its output (never past this).
    private static let slack = 32

    /// What an escaped byte becomes in HTML, if it changes. Code is element text, where a `"` is
    /// only a character: leaving it as it is keeps JSON and string-heavy code a good deal smaller.
    @inline(__always) static func entity(_ byte: UInt8, inAttribute: Bool = false) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\"") where inAttribute: "&quot;"
        default: nil
        }
    }

    /// Each byte's entity as a word to store and its length; 0 for bytes that stay as they are.
    private static let entityWords: [(word: UInt64, count: Int)] = (0...255).map { byte in
        guard let entity = entity(UInt8(byte)) else { return (0, 0) }
        let bytes = UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount)
        return (word(bytes), bytes.count)
    }

    static func write(_ tokens: [Token], of source: UnsafeBufferPointer<UInt8>, between open: String, and close: String) -> String {
        var open = open, close = close
        return open.withUTF8 { open in
            close.withUTF8 { close in
                tags.withUnsafeBufferPointer { tags in
                    entityWords.withUnsafeBufferPointer { entities in
                        tokens.withUnsafeBufferPointer { tokens in
                            write(tokens, source, open, close, tags, entities)
                        }
                    }
                }
            }
        }
    }

    private static func write(
        _ tokens: UnsafeBufferPointer<Token>, _ source: UnsafeBufferPointer<UInt8>,
        _ open: UnsafeBufferPointer<UInt8>, _ close: UnsafeBufferPointer<UInt8>,
        _ tags: UnsafeBufferPointer<Tags>, _ entities: UnsafeBufferPointer<(word: UInt64, count: Int)>
    ) -> String {
        var length = open.count + close.count + source.count
        var escapes: [Int] = []  // empty, the usual case, allocates nothing
        func note(_ range: Range<Int>) {
            for index in range where entities[Int(source[index])].count != 0 {
                if escapes.isEmpty { escapes.reserveCapacity(source.count / 16) }
                length &+= entities[Int(source[index])].count &- 1
                escapes.append(index)
            }
        }
        // Sixteen bytes at a time; only a block holding `&`, `<` or `>` is looked at byte by byte.
        var block = 0
        var orOfAll = SIMD16<UInt8>()
        if let base = source.baseAddress {
            let (ampersand, less, greater) = (SIMD16<UInt8>(repeating: UInt8(ascii: "&")), SIMD16<UInt8>(repeating: UInt8(ascii: "<")), SIMD16<UInt8>(repeating: UInt8(ascii: ">")))
            while block &+ 16 <= source.count {
                let bytes = ByteWord.load16(UnsafeRawPointer(base), block)
                orOfAll |= bytes
                if ByteWord.any((bytes .== ampersand) .| (bytes .== less) .| (bytes .== greater)) { note(block..<block + 16) }
                block &+= 16
            }
        }
        note(block..<source.count)
        let (low, high) = ByteWord.halves(orOfAll)
        var isASCII = (low | high) & 0x8080_8080_8080_8080 == 0
        for index in block..<source.count where source[index] >= 0x80 { isASCII = false }
        for token in tokens where token.end > token.start {
            let tag = tags[token.kind.ordinal]
            length &+= tag.openCount &+ tag.closeCount
        }
        return escapes.withUnsafeBufferPointer { escapes in
            // Making a `String` from bytes checks that they are UTF-8: eight bytes at a time while
            // they are ASCII, but byte by byte (17 instructions a byte of CJK text) from the first
            // one that is not. Valid UTF-8 in, ASCII markup put in only between whole characters:
            // valid UTF-8 out, and that is checked here instead, once per token.
            guard !isASCII, tokensHoldWholeCharacters(tokens, source) else {
                return String(unsafeUninitializedCapacity: length + slack) {
                    fill($0, tokens, source, open, close, tags, entities, escapes)
                }
            }
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: length + slack)
            defer { buffer.deallocate() }
            let written = fill(buffer, tokens, source, open, close, tags, entities, escapes)
            let span = UnsafeBufferPointer(rebasing: buffer[..<written]).span
            return String(copying: UTF8Span(unchecked: span))
        }
    }

    /// Whether every token starts and ends at the first byte of a character (or the end), so
    /// that markup put between tokens never splits one.
    private static func tokensHoldWholeCharacters(_ tokens: UnsafeBufferPointer<Token>, _ source: UnsafeBufferPointer<UInt8>) -> Bool {
        let startsCharacter = { (index: Int) in index >= source.count || source[index] & 0xC0 != 0x80 }
        return tokens.allSatisfy { startsCharacter($0.start) && startsCharacter($0.end) }
    }

    /// Writes `open`, the tokens as spans with the bytes at `escapes` as entities, and `close`
    /// into `output`, which is `slack` bytes longer than that; returns the length written.
    private static func fill(
        _ output: UnsafeMutableBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>, _ source: UnsafeBufferPointer<UInt8>,
        _ open: UnsafeBufferPointer<UInt8>, _ close: UnsafeBufferPointer<UInt8>,
        _ tags: UnsafeBufferPointer<Tags>, _ entities: UnsafeBufferPointer<(word: UInt64, count: Int)>, _ escapes: UnsafeBufferPointer<Int>
    ) -> Int {
        guard let base = output.baseAddress else { return 0 }
        var at = UnsafeMutableRawPointer(base)
        func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let from = bytes.baseAddress else { return }
            at.copyMemory(from: from, byteCount: bytes.count)
            at += bytes.count
        }
        copy(open)
        if let sourceBase = source.baseAddress {
            /// Copies `count` bytes from the source at `start`: short runs as two words while
            /// sixteen bytes can be read there (the words' tails land in the slack or under the
            /// next store), anything else with `memmove`.
            @inline(__always) func copySource(_ start: Int, _ count: Int) {
                if count <= 16, start &+ 16 <= source.count {
                    let from = UnsafeRawPointer(sourceBase + start)
                    at.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    at.storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
                } else if count > 0 {
                    at.copyMemory(from: sourceBase + start, byteCount: count)
                }
                at += count
            }
            var nextEscape = 0
            for token in tokens where token.end > token.start {
                let tag = tags[token.kind.ordinal]
                at.storeBytes(of: tag.open.0.littleEndian, as: UInt64.self)
                at.storeBytes(of: tag.open.1.littleEndian, toByteOffset: 8, as: UInt64.self)
                at.storeBytes(of: tag.open.2.littleEndian, toByteOffset: 16, as: UInt64.self)
                at += tag.openCount
                var run = token.start
                while nextEscape < escapes.count, escapes[nextEscape] < token.end {
                    let index = escapes[nextEscape]
                    copySource(run, index - run)
                    let entity = entities[Int(source[index])]
                    at.storeBytes(of: entity.word.littleEndian, as: UInt64.self)
                    at += entity.count
                    run = index + 1
                    nextEscape += 1
                }
                copySource(run, token.end - run)
                at.storeBytes(of: tag.close.littleEndian, as: UInt64.self)
                at += tag.closeCount
            }
        }
        copy(close)
        return at - UnsafeMutableRawPointer(base)
    }
}
