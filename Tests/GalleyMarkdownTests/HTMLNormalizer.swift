/// Normalizes HTML the way cmark's `test/normalize.py` does before comparing: whitespace runs
/// collapse to one space outside `<pre>`, whitespace next to block-level tags goes, and
/// self-closing void tags lose their slash.
enum HTMLNormalizer {
    static let blockTags: Set<String> = [
        "article", "header", "aside", "hgroup", "blockquote", "hr", "iframe", "body", "li", "map",
        "button", "object", "canvas", "ol", "caption", "output", "col", "p", "colgroup", "pre",
        "dd", "progress", "div", "section", "dl", "table", "td", "dt", "tbody", "embed",
        "textarea", "fieldset", "tfoot", "figcaption", "th", "figure", "thead", "footer", "tr",
        "form", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "video", "script", "style",
    ]

    static func normalize(_ html: String) -> String {
        enum Token { case tag(String, name: String), text(String) }
        var tokens: [Token] = []
        var rest = Substring(html)
        while !rest.isEmpty {
            if rest.first == "<", let close = rest.firstIndex(of: ">") {
                var tag = String(rest[...close])
                if tag.hasSuffix(" />") { tag = String(tag.dropLast(3)) + ">" }
                let name = tag.dropFirst().drop(while: { $0 == "/" })
                    .prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
                tokens.append(.tag(tag, name: name))
                rest = rest[rest.index(after: close)...]
            } else {
                let next = rest.dropFirst().firstIndex(of: "<") ?? rest.endIndex
                tokens.append(.text(String(rest[..<next])))
                rest = rest[next...]
            }
        }
        var output = ""
        var inPre = 0
        for (index, token) in tokens.enumerated() {
            switch token {
            case let .tag(tag, name):
                if name == "pre" { inPre += tag.hasPrefix("</") ? -1 : 1 }
                output += tag
            case var .text(text):
                if inPre == 0 {
                    text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                        .withEdges(of: text)
                    if index == 0 || isBlock(tokens[index - 1]) { text = String(text.drop(while: \.isWhitespace)) }
                    if index == tokens.count - 1 || isBlock(tokens[index + 1]) {
                        while text.last?.isWhitespace == true { text.removeLast() }
                    }
                }
                output += text
            }
        }
        return output

        func isBlock(_ token: Token) -> Bool {
            if case let .tag(_, name) = token { return blockTags.contains(name) }
            return false
        }
    }
}

extension String {
    /// Collapsed text with one space kept where the original started or ended with whitespace.
    fileprivate func withEdges(of original: String) -> String {
        if self.isEmpty { return original.isEmpty ? "" : " " }
        var result = self
        if original.first?.isWhitespace == true { result = " " + result }
        if original.last?.isWhitespace == true { result += " " }
        return result
    }
}
