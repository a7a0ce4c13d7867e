/// What a fence's info string asks for: `python {3,5-7} title="app.py" linenos`.
public struct CodeBlockOptions: Sendable, Equatable {
    public var language: String
    /// 1-based line numbers to highlight.
    public var highlightedLines: Set<Int> = []
    public var title: String?
    public var lineNumbers = false

    public init(info: String) {
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
        let name = escape(language?.name ?? options.language.lowercased())
        var html = ""
        if let title = options.title {
            html += "<figure class=\"code-block\"><figcaption class=\"code-title\">\(escape(title))</figcaption>"
        }
        html += "<pre class=\"highlight\"><code"
        if !name.isEmpty { html += " class=\"language-\(name)\" data-lang=\"\(name)\"" }
        html += ">"
        html += highlight(code, language: language, options: options)
        html += "</code></pre>"
        if options.title != nil { html += "</figure>" }
        return html + "\n"
    }

    /// The inside of a `<code>` element: escaped code with token spans, line by line.
    public static func highlight(_ code: String, language: Language?, options: CodeBlockOptions = CodeBlockOptions(info: "")) -> String {
        let bytes = Array(code.utf8)
        let tokens = language?.lexer.tokens(bytes) ?? [Token(start: 0, end: bytes.count, kind: .text)]
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        let perLine = options.lineNumbers || !options.highlightedLines.isEmpty
        if !perLine {
            // The common case: no per-line markup, so newlines need no attention.
            writeTokens(tokens, of: bytes, into: &output)
            return String(decoding: output, as: UTF8.self)
        }
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
            let open = Self.spanOpen[token.kind.ordinal]
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
    /// `<span class="k">` and so on, built once, indexed by ``TokenClass/ordinal``.
    private static let spanOpen: [[UInt8]] = TokenClass.allCases.map { kind in
        kind == .text ? [] : Array("<span class=\"\(kind.rawValue)\">".utf8)
    }
    private static let spanClose = Array("</span>".utf8)

    /// Every class's opening tag in one buffer; `spanRanges[ordinal]` says where each one is.
    private static let spanBytes: [UInt8] = spanOpen.flatMap { $0 }
    private static let spanRanges: [(start: Int, end: Int)] = {
        var ranges: [(Int, Int)] = []
        var offset = 0
        for open in spanOpen {
            ranges.append((offset, offset + open.count))
            offset += open.count
        }
        return ranges
    }()

    /// Tokens as spans, with no per-line markup; the hot path, so it works on raw buffers.
    private static func writeTokens(_ tokens: [Token], of bytes: [UInt8], into output: inout [UInt8]) {
        let close: StaticString = "</span>"
        spanBytes.withUnsafeBufferPointer { spans in
            spanRanges.withUnsafeBufferPointer { ranges in
                bytes.withUnsafeBufferPointer { source in
                    for token in tokens where token.end > token.start {
                        let range = ranges[token.kind.ordinal]
                        let wrapped = range.end > range.start
                        if wrapped { output.append(contentsOf: UnsafeBufferPointer(rebasing: spans[range.start..<range.end])) }
                        appendEscaped(source, token.start..<token.end, into: &output)
                        if wrapped { output.append(contentsOf: UnsafeBufferPointer(start: close.utf8Start, count: close.utf8CodeUnitCount)) }
                    }
                }
            }
        }
    }

    /// Bytes that need escaping in HTML text and attribute values.
    private static let needsEscape = ByteSet("&<>\"")

    /// `source[range]` with `& < > "` escaped: the one escaping loop every writer uses.
    @inline(__always)
    private static func appendEscaped(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [UInt8]) {
        var runStart = range.lowerBound
        for index in range where needsEscape.contains(source[index]) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
            switch source[index] {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            default: output.append(contentsOf: "&quot;".utf8)
            }
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<range.upperBound]))
    }

    private static func write(_ text: ArraySlice<UInt8>, _ open: [UInt8], into output: inout [UInt8]) {
        output.append(contentsOf: open)
        text.withUnsafeBufferPointer { appendEscaped($0, 0..<$0.count, into: &output) }
        if !open.isEmpty { output.append(contentsOf: spanClose) }
    }

    static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        write(ArraySlice(text.utf8), [], into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
