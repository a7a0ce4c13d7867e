import CGumbo

/// Makes a post's rendered HTML safe to show: parses it as a browser would (gumbo follows the
/// WHATWG parsing algorithm), keeps only the elements and attributes of an allowlist modelled on
/// GitHub's, and writes the tree out again, so that what a browser parses is what was checked.
/// Never a regular expression over markup.
///
/// - Elements outside the allowlist keep their text (`<center>x</center>` → `x`), except those
///   whose content is not text for a reader (`script`, `style`, `template`, SVG and MathML, form
///   controls, …), which go with their content.
/// - Links keep `http`, `https`, `mailto` and relative targets; images `http`, `https` and
///   relative ones. No `style`, no event handler, no `name`.
/// - `<iframe>` only from YouTube (as youtube-nocookie.com) and Vimeo, sandboxed; any other
///   becomes a link to what it showed.
/// - Every `id` is the author's, so it is prefixed `user-content-` (as GitHub does) and cannot
///   clobber the page's own; links to it within the post follow. The renderer's own ids (its
///   headings, which readers link to) carry a one-time marker and keep their names.
/// - Links to other sites get `rel="noopener"`, images `loading="lazy" decoding="async"`.
public struct HTMLSanitizer: Sendable {
    /// Elements kept, each with the attributes it may keep besides the global ones.
    static let elements: [String: Set<String>] = {
        var elements: [String: Set<String>] = [
            "a": ["href", "data-footnote-ref", "data-footnote-backref", "aria-label"],
            "img": ["src", "srcset", "alt", "width", "height", "align"],
            "source": ["srcset", "media", "type", "sizes", "width", "height"],
            "td": ["colspan", "rowspan", "align", "valign"], "th": ["colspan", "rowspan", "align", "valign", "scope"],
            "col": ["span", "width"], "colgroup": ["span", "width"],
            "ol": ["start", "reversed", "type"], "ul": ["type"], "li": ["value"],
            "details": ["open"], "del": ["datetime", "cite"], "ins": ["datetime", "cite"],
            "q": ["cite"], "blockquote": ["cite"], "time": ["datetime"],
            "div": ["align"], "p": ["align"], "table": ["align", "width"], "tr": ["align", "valign"],
            "input": ["type", "checked", "disabled"], "iframe": ["src", "width", "height"],
            "section": ["data-footnotes"], "code": ["data-lang"],
        ]
        for name in [
            "span", "picture", "figure", "figcaption", "thead", "tbody", "tfoot", "caption", "summary", "kbd",
            "sup", "sub", "small", "mark", "abbr", "dl", "dt", "dd", "ruby", "rt", "rp", "hr", "br", "wbr",
            "cite", "pre", "samp", "var", "b", "i", "em", "strong", "s", "strike", "u", "tt",
        ] { elements[name, default: []] = [] }
        for level in 1...6 { elements["h\(level)"] = ["align"] }
        return elements
    }()

    static let globalAttributes: Set<String> = ["id", "class", "title", "lang", "dir"]

    /// Gone with everything in them: not text a reader should see as such. `button` and
    /// `marquee` bound the parser's scopes, so a span in their place could be parsed otherwise.
    static let droppedWithContent: Set<String> = [
        "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext", "object", "embed",
        "applet", "frame", "frameset", "title", "textarea", "select", "option", "optgroup", "datalist", "head",
        "base", "link", "meta", "param", "canvas", "dialog", "button", "marquee",
    ]

    static let voidElements: Set<String> = ["br", "col", "hr", "img", "input", "source", "wbr"]

    /// Video hosts an `<iframe>` may show, by host, and the host it is shown from.
    static let frameHosts: [String: String] = [
        "www.youtube.com": "www.youtube-nocookie.com", "youtube.com": "www.youtube-nocookie.com",
        "www.youtube-nocookie.com": "www.youtube-nocookie.com", "youtube-nocookie.com": "www.youtube-nocookie.com",
        "player.vimeo.com": "player.vimeo.com",
    ]
    public static var frameSources: [String] { Array(Set(frameHosts.values)).sorted().map { "https://\($0)" } }

    static let idPrefix = "user-content-"

    public init() {}

    /// The safe form of `html`. Elements whose `data-galley-own` attribute is `marker` are the
    /// renderer's: their ids stay as they are (the attribute itself goes), and an empty
    /// `<galley-own data-galley-own="marker" data-n="i">` stands for `trusted[i]`, written as it
    /// is: the renderer's highlighted code, most of a technical post's HTML, is not parsed again.
    public func sanitize(_ html: String, ownMarker marker: String? = nil, trusted: [String] = []) -> String {
        sanitizeKeepingText(html, ownMarker: marker, trusted: trusted, trustedText: []).html
    }

    /// The safe form of `html`, and the text a reader sees in it: one line a block, without
    /// what is dropped, the renderer's heading anchors or blank lines; `trustedText[i]` stands
    /// for `trusted[i]`. What search, word counts and reading times read when a post has raw
    /// HTML (a table inside `<details>` is words too).
    public func sanitizeKeepingText(_ html: String, ownMarker marker: String?, trusted: [String], trustedText: [String]) -> (html: String, text: String) {
        Self.parsed(html, failing: ("", "")) { root in
            var writer = Writer(marker: marker, trusted: trusted, trustedText: trustedText)
            writer.collectIDs(root)
            writer.children(of: root)
            return (String(decoding: writer.out, as: UTF8.self), writer.plainText)
        }
    }

    /// `body` over the root of `html` parsed as a `<div>`'s content, as a browser parses it.
    static func parsed<T>(_ html: String, failing: T, _ body: (UnsafeMutablePointer<GumboNode>) -> T) -> T {
        var options = kGumboDefaultOptions
        options.fragment_context = GUMBO_TAG_DIV
        options.fragment_namespace = GUMBO_NAMESPACE_HTML
        var source = html
        return source.withUTF8 { bytes in
            guard let output = bytes.withMemoryRebound(to: CChar.self, { gumbo_parse_with_options(&options, $0.baseAddress, $0.count) }) else { return failing }
            defer { gumbo_destroy_output(&options, output) }
            return body(output.pointee.root)
        }
    }
}

extension HTMLSanitizer {
    /// What in `html` the sanitizer never writes: elements outside the allowlist, attributes an
    /// element may not have, URLs of other schemes. Empty for everything ``sanitize(_:ownMarker:)``
    /// returns (the fuzz target checks that).
    public static func outsideAllowlist(_ html: String) -> [String] {
        parsed(html, failing: ["no parse"]) { root in
            var found: [String] = []
            func visit(_ node: UnsafeMutablePointer<GumboNode>, isRoot: Bool) {
                guard node.pointee.type == GUMBO_NODE_ELEMENT || node.pointee.type == GUMBO_NODE_TEMPLATE else {
                    if node.pointee.type == GUMBO_NODE_COMMENT { found.append("a comment") }
                    return
                }
                let element = node.pointee.v.element
                let name = element.tag == GUMBO_TAG_UNKNOWN ? "unknown element" : String(cString: gumbo_normalized_tagname(element.tag))
                if !isRoot {
                    if element.tag_namespace != GUMBO_NAMESPACE_HTML || (elements[name] == nil && name != "iframe") { found.append("<\(name)>") }
                    let written: Set<String> = ["rel", "loading", "decoding", "sandbox", "referrerpolicy", "allowfullscreen", "title", "disabled"]
                    for index in 0..<Int(element.attributes.length) {
                        let attribute = element.attributes.data[index]!.assumingMemoryBound(to: GumboAttribute.self).pointee
                        let key = String(cString: attribute.name), value = String(cString: attribute.value)
                        if !globalAttributes.contains(key), !(elements[name]?.contains(key) ?? false), !written.contains(key) { found.append("\(name) \(key)") }
                        if ["href", "cite"].contains(key), let scheme = URLCheck.scheme(of: value), !URLCheck.linkSchemes.contains(scheme) { found.append("\(key)=\(value)") }
                        if ["src", "srcset"].contains(key), let scheme = URLCheck.scheme(of: value), !URLCheck.imageSchemes.contains(scheme) { found.append("\(key)=\(value)") }
                        if key == "id", !value.hasPrefix(idPrefix) { found.append("id=\(value)") }
                    }
                }
                for index in 0..<Int(element.children.length) {
                    visit(element.children.data[index]!.assumingMemoryBound(to: GumboNode.self), isRoot: false)
                }
            }
            visit(root, isRoot: true)
            return found
        }
    }
}

/// One pass over the parsed tree, writing what is kept.
private struct Writer {
    let marker: String?
    let trusted: [String]
    let trustedText: [String]
    var out: [UInt8] = []
    /// What a reader sees, as text: a line feed ends each block.
    var text: [UInt8] = []
    /// Within an `<a>` being written.
    var insideLink = false
    static func isHeading(_ node: UnsafeMutablePointer<GumboNode>) -> Bool {
        guard node.pointee.type == GUMBO_NODE_ELEMENT else { return false }
        return [GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6].contains(node.pointee.v.element.tag)
    }
    /// Ids of the renderer's elements, and the author's (which are written prefixed).
    var own: Set<String> = []
    var authors: Set<String> = []

    /// Elements after which the text goes on on a line of its own.
    static let blocks: Set<String> = [
        "p", "div", "li", "dt", "dd", "tr", "pre", "blockquote", "table", "caption", "figure", "figcaption", "details",
        "summary", "section", "ul", "ol", "dl", "hr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    ]

    init(marker: String?, trusted: [String], trustedText: [String]) {
        self.marker = marker
        self.trusted = trusted
        self.trustedText = trustedText
        out.reserveCapacity(4096)
    }

    mutating func endLine() {
        if text.last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
    }

    /// The text, a line a block, without blank lines or the spaces that end a line.
    var plainText: String {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        for line in text.split(separator: UInt8(ascii: "\n")) {
            var end = line.endIndex
            while end > line.startIndex, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(line[end - 1]) { end -= 1 }
            guard end > line.startIndex else { continue }
            if !result.isEmpty { result.append(UInt8(ascii: "\n")) }
            result.append(contentsOf: line[..<end])
        }
        return String(decoding: result, as: UTF8.self)
    }

    mutating func collectIDs(_ node: UnsafeMutablePointer<GumboNode>) {
        guard node.pointee.type == GUMBO_NODE_ELEMENT || node.pointee.type == GUMBO_NODE_TEMPLATE else { return }
        let element = node.pointee.v.element
        if let id = Self.attribute("id", of: element) {
            if let marker, Self.attribute("data-galley-own", of: element) == marker { own.insert(id) } else { authors.insert(Self.authors(id)) }
        }
        for index in 0..<Int(element.children.length) {
            collectIDs(element.children.data[index]!.assumingMemoryBound(to: GumboNode.self))
        }
    }

    mutating func children(of node: UnsafeMutablePointer<GumboNode>) {
        let element = node.pointee.v.element
        for index in 0..<Int(element.children.length) {
            write(element.children.data[index]!.assumingMemoryBound(to: GumboNode.self))
        }
    }

    mutating func write(_ node: UnsafeMutablePointer<GumboNode>) {
        switch node.pointee.type {
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA:
            guard let content = node.pointee.v.text.text else { return }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(content).assumingMemoryBound(to: UInt8.self), count: strlen(content))
            escape(bytes)
            text.append(contentsOf: bytes)
        case GUMBO_NODE_ELEMENT, GUMBO_NODE_TEMPLATE:
            element(node)
        default:
            // Comments, and nothing else can be here.
            break
        }
    }

    mutating func element(_ node: UnsafeMutablePointer<GumboNode>) {
        let element = node.pointee.v.element
        // SVG and MathML are not an author's to write: no way to tell a drawing from a trap.
        guard element.tag_namespace == GUMBO_NAMESPACE_HTML else { return }
        guard element.tag != GUMBO_TAG_UNKNOWN else {
            if let marker, Self.attribute("data-galley-own", of: element) == marker,
               let index = Self.attribute("data-n", of: element).flatMap(Int.init), trusted.indices.contains(index) {
                append(trusted[index])
                if trustedText.indices.contains(index) {
                    endLine()
                    text.append(contentsOf: trustedText[index].utf8)
                    endLine()
                }
                return
            }
            return neutral(node)
        }
        let name = String(cString: gumbo_normalized_tagname(element.tag))
        if HTMLSanitizer.droppedWithContent.contains(name) { return }
        if name == "iframe" { return frame(element) }
        guard let allowed = HTMLSanitizer.elements[name] else { return neutral(node) }
        if name == "input", Self.attribute("type", of: element)?.lowercased() != "checkbox" { return }

        // The renderer's `#` self-link in its headings is not the post's text.
        if name == "a", Self.attribute("class", of: element) == "anchor", let parent = node.pointee.parent,
           parent.pointee.type == GUMBO_NODE_ELEMENT, marker != nil, Self.attribute("data-galley-own", of: parent.pointee.v.element) == marker {
            let kept = text.count
            defer { text.removeSubrange(kept...) }
            return written(node, name: name, allowed: allowed)
        }
        // A heading right inside a heading (the parser's adoption agency can build one) goes in
        // a bare span: a browser closes a heading when the next one starts right in it (the
        // sanitize fuzz target's finding).
        let wrapped = Self.isHeading(node) && node.pointee.parent.map(Self.isHeading) == true
        if wrapped { append("<span>") }
        written(node, name: name, allowed: allowed)
        if wrapped { append("</span>") }
        if Self.blocks.contains(name) {
            endLine()
        } else if name == "td" || name == "th", let last = text.last, last != UInt8(ascii: " "), last != UInt8(ascii: "\n") {
            text.append(UInt8(ascii: " "))
        }
    }

    /// An element not kept, written as a bare `<span>` around what it holds, not as its content
    /// alone: an unknown element is an ordinary one to the parser, as a span is, so the browser
    /// builds the tree checked here. Unwrapped, `<h2><x><h2>` became `<h2><h2>`, which a browser
    /// reads as two headings side by side (the sanitize fuzz target's finding).
    mutating func neutral(_ node: UnsafeMutablePointer<GumboNode>) {
        append("<span>")
        children(of: node)
        append("</span>")
    }

    /// An allowed element, its attributes checked, and what it holds.
    mutating func written(_ node: UnsafeMutablePointer<GumboNode>, name: String, allowed: Set<String>) {
        let element = node.pointee.v.element
        // A link inside a link (the parse tree of mis-nested `<a>`, `<table>` and `<a>` can hold
        // one) is a bare span: a browser reading `<a>…<a>` closes the first, so the page would
        // not be the tree checked here (the sanitize fuzz target's finding).
        if name == "a" {
            if insideLink { return neutral(node) }
            insideLink = true
        }
        defer { if name == "a" { insideLink = false } }
        append("<" + name)
        let isOwn = marker != nil && Self.attribute("data-galley-own", of: element) == marker
        var isExternalLink = false
        for index in 0..<Int(element.attributes.length) {
            let attribute = element.attributes.data[index]!.assumingMemoryBound(to: GumboAttribute.self).pointee
            let key = String(cString: attribute.name)
            guard HTMLSanitizer.globalAttributes.contains(key) || allowed.contains(key) else { continue }
            var value = String(cString: attribute.value)
            switch key {
            case "id":
                if !isOwn { value = Self.authors(value) }
            case "href":
                guard let url = URLCheck.safe(value, schemes: URLCheck.linkSchemes) else { continue }
                value = url
                // A link to an author's id within the post follows it to its prefixed name.
                if url.hasPrefix("#"), !own.contains(String(url.dropFirst())), authors.contains(Self.authors(String(url.dropFirst()))) {
                    value = "#" + Self.authors(String(url.dropFirst()))
                }
                isExternalLink = URLCheck.scheme(of: url).map { $0 == "http" || $0 == "https" } ?? false
            case "src":
                guard let url = URLCheck.safe(value, schemes: URLCheck.imageSchemes) else { continue }
                value = url
            case "cite":
                guard let url = URLCheck.safe(value, schemes: URLCheck.linkSchemes) else { continue }
                value = url
            case "srcset":
                guard let set = URLCheck.safeSourceSet(value) else { continue }
                value = set
            case "disabled":
                continue
            default:
                break
            }
            append(" " + key + "=\"")
            escape(value)
            append("\"")
        }
        switch name {
        case "a" where isExternalLink: append(" rel=\"noopener\"")
        case "img": append(" loading=\"lazy\" decoding=\"async\"")
        // A reader cannot tick a box in a post: only GFM's task lists have them.
        case "input": append(" disabled=\"\"")
        default: break
        }
        append(">")
        if HTMLSanitizer.voidElements.contains(name) { return }
        let start = out.count
        children(of: node)
        // The parser drops a newline just after `<pre>`: when what was written starts with one
        // (a dropped comment before it counts for nothing), one more goes before it.
        if name == "pre", out.count > start, out[start] == UInt8(ascii: "\n") { out.insert(UInt8(ascii: "\n"), at: start) }
        append("</" + name + ">")
    }

    /// An `<iframe>` of an allowed video host, sandboxed; any other becomes a link to its page.
    mutating func frame(_ element: GumboElement) {
        guard let source = Self.attribute("src", of: element), var url = URLCheck.safe(source, schemes: ["http", "https"]) else { return }
        // Embed codes often leave the scheme out.
        if url.hasPrefix("//") { url = "https:" + url }
        guard URLCheck.scheme(of: url) != nil else { return }
        guard let host = URLCheck.host(of: url), let shown = HTMLSanitizer.frameHosts[host.lowercased()] else {
            // Inside a link, the address is text: links do not nest.
            if insideLink { return escape(url) }
            append("<a href=\"")
            escape(url)
            append("\" rel=\"noopener\">")
            escape(url)
            append("</a>")
            return
        }
        let rest = url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" && $0 != "?" && $0 != "#" }
        append("<iframe src=\"")
        escape("https://" + shown + rest)
        append("\"")
        for key in ["width", "height", "title"] {
            if let value = Self.attribute(key, of: element) {
                append(" " + key + "=\"")
                escape(value)
                append("\"")
            }
        }
        append(" sandbox=\"allow-scripts allow-same-origin allow-presentation allow-popups\" loading=\"lazy\" referrerpolicy=\"strict-origin-when-cross-origin\" allowfullscreen=\"\"></iframe>")
    }

    /// An author's id as written out: prefixed once (sanitizing again changes nothing).
    static func authors(_ id: String) -> String {
        id.hasPrefix(HTMLSanitizer.idPrefix) ? id : HTMLSanitizer.idPrefix + id
    }

    static func attribute(_ name: String, of element: GumboElement) -> String? {
        var attributes = element.attributes
        return gumbo_get_attribute(&attributes, name).map { String(cString: $0.pointee.value) }
    }

    mutating func append(_ text: String) {
        out.append(contentsOf: text.utf8)
    }

    mutating func escape(_ text: String) {
        var text = text
        text.withUTF8 { escape($0) }
    }

    /// `&`, `<`, `>` and `"`, in text and attributes alike, as cmark writes them (and browsers now
    /// write `<` and `>` in attributes).
    private mutating func escape(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "\""): append("&quot;")
            default: out.append(bytes[index])
            }
            index += 1
        }
    }
}

/// What a URL attribute may name, read the way a browser reads it.
enum URLCheck {
    static let linkSchemes: Set<String> = ["http", "https", "mailto"]
    static let imageSchemes: Set<String> = ["http", "https"]

    /// `value` as a browser would take it (no tab or newline anywhere, no space or control
    /// character around it) if its scheme is one of `schemes` or it has none; else nil.
    static func safe(_ value: String, schemes: Set<String>) -> String? {
        var scalars = value.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        let url = String(String.UnicodeScalarView(scalars))
        if let scheme = scheme(of: url) { return schemes.contains(scheme) ? url : nil }
        return url
    }

    /// The scheme, lowercased, if the URL has one: a letter, then letters, digits, `+ - .`, then
    /// the first `:`.
    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let head = url[..<colon]
        // Anything else before the colon makes the URL relative (`foo):` is a path).
        guard let first = head.unicodeScalars.first, first.isASCIILetter,
              head.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return head.lowercased()
    }

    static func host(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), url[url.index(after: colon)...].hasPrefix("//") else { return nil }
        let authority = url[url.index(colon, offsetBy: 3)...].prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        let host = authority.split(separator: "@").last.map { $0.split(separator: ":").first.map(String.init) ?? "" } ?? ""
        return host.isEmpty ? nil : host
    }

    /// A `srcset` whose every candidate is a safe image address with at most a width or density
    /// descriptor (`480w`, `2x`), or nil.
    static func safeSourceSet(_ value: String) -> String? {
        var candidates: [String] = []
        for candidate in value.split(separator: ",") {
            let parts = candidate.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
            guard let first = parts.first, let url = safe(String(first), schemes: imageSchemes), parts.count <= 2 else { return nil }
            if parts.count == 2 {
                let descriptor = parts[1]
                guard let unit = descriptor.last, unit == "w" || unit == "x", descriptor.count > 1,
                      descriptor.dropLast().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
                candidates.append(url + " " + descriptor)
            } else {
                candidates.append(url)
            }
        }
        return candidates.isEmpty ? nil : candidates.joined(separator: ", ")
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
