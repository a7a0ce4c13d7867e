import CGumbo
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTML from another platform (a Ghost or WordPress export) as Markdown wherever Markdown says
/// exactly the same: paragraphs, headings, lists, quotes, emphasis, links, images, code and code
/// blocks with their language. Anything else (tables, figures, embeds, a `<span>` with a class)
/// stays the HTML it was, inside the Markdown, where the renderer's sanitizer judges it, so
/// nothing of the post is lost and the editor shows Markdown for the rest.
///
/// Parsed by gumbo as a browser parses it, so the Markdown says what the reader used to see.
public enum HTMLToMarkdown {
    public static func convert(_ html: String) -> String {
        HTMLSanitizer.parsed(html, failing: html) { root in
            let blocks = Converter().blocks(in: root)
            return blocks.isEmpty ? "" : blocks.joined(separator: "\n\n") + "\n"
        }
    }
}

private struct Converter {
    static let blockElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "div", "table", "figure",
        "figcaption", "iframe", "video", "audio", "details", "section", "article", "header", "footer", "aside", "nav", "dl",
        "form", "address", "main", "center", "script", "style", "noscript", "object", "embed", "canvas", "svg", "math",
    ]
    static let voidElements: Set<String> = ["img", "br", "hr", "input", "source", "embed", "col", "area", "wbr", "track", "link", "meta", "param"]

    // MARK: Blocks

    /// The Markdown blocks of a container: its block elements, and runs of inline content
    /// between them as paragraphs.
    func blocks(in node: UnsafeMutablePointer<GumboNode>) -> [String] {
        var blocks: [String] = []
        var run = ""
        func closeRun() {
            let paragraph = Self.tidy(run)
            if !paragraph.isEmpty { blocks.append(paragraph) }
            run = ""
        }
        for child in children(of: node) {
            if let name = elementName(child), Self.blockElements.contains(name) {
                closeRun()
                if let block = block(child, name: name), !block.isEmpty { blocks.append(block) }
            } else {
                run += inline(child)
            }
        }
        closeRun()
        return blocks
    }

    func block(_ node: UnsafeMutablePointer<GumboNode>, name: String) -> String? {
        let element = node.pointee.v.element
        switch name {
        // (A `where` binds to the last pattern of a case alone: each case here has one.)
        case "p" where onlyPresentational(element):
            return Self.tidy(children(of: node).map(inline).joined())
        case let heading where heading.count == 2 && heading.hasPrefix("h") && heading.last!.isNumber && onlyPresentational(element, besides: ["id"]):
            let text = Self.tidy(children(of: node).map(inline).joined()).split(separator: "\n").joined(separator: " ")
            // An id the old page had stays the heading's, as Galley writes one: `## Title {#id}`.
            let id = attribute("id", of: element).map { " {#\($0)}" } ?? ""
            return text.isEmpty ? nil : String(repeating: "#", count: Int(String(name.last!))!) + " " + text + id
        case "ul" where onlyPresentational(element):
            return list(node, ordered: false)
        case "ol" where onlyPresentational(element, besides: ["start"]):
            return list(node, ordered: true)
        case "blockquote" where onlyPresentational(element):
            return blocks(in: node).joined(separator: "\n\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
        case "pre":
            return codeBlock(node)
        case "hr":
            return "---"
        case "div" where element.attributes.length == 0:
            return blocks(in: node).joined(separator: "\n\n")
        default:
            // Written as it was, on lines of its own with no blank one, so that Markdown reads
            // it as one block of HTML.
            return raw(node).split(separator: "\n", omittingEmptySubsequences: true).joined(separator: "\n")
        }
    }

    /// A list whose items are Markdown: each item's later blocks indented under its marker.
    func list(_ node: UnsafeMutablePointer<GumboNode>, ordered: Bool) -> String {
        let start = ordered ? attribute("start", of: node.pointee.v.element).flatMap(Int.init) ?? 1 : 1
        var items: [String] = []
        for child in children(of: node) where elementName(child) == "li" {
            let marker = ordered ? "\(start + items.count). " : "- "
            let indent = String(repeating: " ", count: marker.count)
            // A list inside an item follows its text on the next line, as in a tight list.
            var content = ""
            for block in blocks(in: child) {
                let isList = block.hasPrefix("- ") || block.first?.isNumber == true && block.contains(". ")
                content += content.isEmpty ? block : (isList ? "\n" : "\n\n") + block
            }
            let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
            items.append(marker + lines.enumerated().map { index, line in
                index == 0 || line.isEmpty ? String(line) : indent + line
            }.joined(separator: "\n"))
        }
        // Items with blocks of their own (a blank line inside) make a loose list, as in HTML.
        return items.joined(separator: items.contains { $0.contains("\n\n") } ? "\n\n" : "\n")
    }

    /// A fenced block with the language a `language-x` or `lang-x` class names.
    func codeBlock(_ node: UnsafeMutablePointer<GumboNode>) -> String {
        var code = text(of: node)
        if code.hasSuffix("\n") { code.removeLast() }
        var language = ""
        let codeElement = children(of: node).first { elementName($0) == "code" }
        for element in [codeElement, node].compactMap({ $0 }) {
            for name in (attribute("class", of: element.pointee.v.element) ?? "").split(separator: " ") {
                for prefix in ["language-", "lang-"] where name.hasPrefix(prefix) && language.isEmpty {
                    language = String(name.dropFirst(prefix.count))
                }
            }
        }
        var fence = "```"
        while code.contains(fence) { fence += "`" }
        return fence + language + "\n" + code + "\n" + fence
    }

    // MARK: Inline content

    func inline(_ node: UnsafeMutablePointer<GumboNode>) -> String {
        switch node.pointee.type {
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA:
            return Self.escaped(Self.collapsed(nodeText(node)))
        case GUMBO_NODE_ELEMENT:
            break
        default:
            return ""
        }
        let element = node.pointee.v.element
        guard let name = elementName(node) else { return raw(node) }
        let inner = { children(of: node).map(inline).joined() }
        let plain = element.attributes.length == 0
        switch name {
        case let emphasis where (emphasis == "em" || emphasis == "i") && plain: return wrapped(inner(), in: "*")
        case let strong where (strong == "strong" || strong == "b") && plain: return wrapped(inner(), in: "**")
        case let struck where (struck == "del" || struck == "s") && plain: return wrapped(inner(), in: "~~")
        case "code" where plain:
            let code = Self.collapsed(text(of: node))
            var ticks = "`"
            while code.contains(ticks) { ticks += "`" }
            let padded = code.hasPrefix("`") || code.hasSuffix("`") ? " \(code) " : code
            return code.isEmpty ? "" : ticks + padded + ticks
        case "br":
            return "\\\n"
        case "a":
            // `rel` and `target` say how the old site opened it; Galley sets its own.
            guard let href = attribute("href", of: element), !href.isEmpty,
                  Set((0..<Int(element.attributes.length)).map { attributeName(element, $0) }).isSubset(of: ["href", "title", "rel", "target"])
            else { return raw(node) }
            let label = Self.trimmed(inner())
            return "[\(label)](\(Self.destination(href))\(attribute("title", of: element).map { " \"\(Self.quoted($0))\"" } ?? ""))"
        case "img":
            guard let source = attribute("src", of: element), !source.isEmpty,
                  Set((0..<Int(element.attributes.length)).map { attributeName(element, $0) }).isSubset(of: ["src", "alt", "title", "loading", "decoding"])
            else { return raw(node) }
            let alt = Self.escaped(attribute("alt", of: element) ?? "")
            return "![\(alt)](\(Self.destination(source))\(attribute("title", of: element).map { " \"\(Self.quoted($0))\"" } ?? ""))"
        case "span" where plain:
            return inner()
        default:
            return raw(node)
        }
    }

    func wrapped(_ text: String, in marker: String) -> String {
        let trimmed = Self.trimmed(text)
        guard !trimmed.isEmpty else { return text }
        // Emphasis must hug its words; spaces go outside it.
        let leading = text.prefix { $0 == " " }, trailing = String(text.reversed().prefix { $0 == " " })
        return leading + marker + trimmed + marker + trailing
    }

    // MARK: HTML as it was

    /// The element written back as HTML (attributes escaped, text as it was).
    func raw(_ node: UnsafeMutablePointer<GumboNode>) -> String {
        switch node.pointee.type {
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE:
            let parent = node.pointee.parent.flatMap(elementName)
            let text = nodeText(node)
            return ["script", "style", "pre", "textarea"].contains(parent) ? text : Self.escapedHTML(Self.collapsed(text))
        case GUMBO_NODE_CDATA:
            return Self.escapedHTML(nodeText(node))
        case GUMBO_NODE_ELEMENT:
            break
        default:
            return ""
        }
        let element = node.pointee.v.element
        let name = elementName(node) ?? Self.originalTagName(element)
        var out = "<" + name
        for index in 0..<Int(element.attributes.length) {
            let attribute = element.attributes.data[index]!.assumingMemoryBound(to: GumboAttribute.self).pointee
            out += " " + String(cString: attribute.name) + "=\"" + Self.escapedHTML(String(cString: attribute.value), quotes: true) + "\""
        }
        out += ">"
        if Self.voidElements.contains(name) { return out }
        return out + children(of: node).map(raw).joined() + "</" + name + ">"
    }

    // MARK: The tree

    func children(of node: UnsafeMutablePointer<GumboNode>) -> [UnsafeMutablePointer<GumboNode>] {
        guard node.pointee.type == GUMBO_NODE_ELEMENT || node.pointee.type == GUMBO_NODE_DOCUMENT else { return [] }
        let list = node.pointee.type == GUMBO_NODE_DOCUMENT ? node.pointee.v.document.children : node.pointee.v.element.children
        return (0..<Int(list.length)).map { list.data[$0]!.assumingMemoryBound(to: GumboNode.self) }
    }

    func elementName(_ node: UnsafeMutablePointer<GumboNode>) -> String? {
        guard node.pointee.type == GUMBO_NODE_ELEMENT else { return nil }
        let element = node.pointee.v.element
        guard element.tag != GUMBO_TAG_UNKNOWN else { return nil }
        return String(cString: gumbo_normalized_tagname(element.tag))
    }

    static func originalTagName(_ element: GumboElement) -> String {
        var piece = element.original_tag
        gumbo_tag_from_original_text(&piece)
        guard let data = piece.data, piece.length > 0 else { return "span" }
        let name = String(decoding: UnsafeRawBufferPointer(start: data, count: piece.length), as: UTF8.self).lowercased()
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } && !name.isEmpty ? name : "span"
    }

    func attribute(_ name: String, of element: GumboElement) -> String? {
        var element = element
        return gumbo_get_attribute(&element.attributes, name).map { String(cString: $0.pointee.value) }
    }

    func attributeName(_ element: GumboElement, _ index: Int) -> String {
        String(cString: element.attributes.data[index]!.assumingMemoryBound(to: GumboAttribute.self).pointee.name)
    }

    /// No attributes but those Markdown says too (`besides`) and classes that only said how it
    /// looked on the old site (WordPress's `wp-block-…`).
    func onlyPresentational(_ element: GumboElement, besides kept: Set<String> = []) -> Bool {
        (0..<Int(element.attributes.length)).allSatisfy { index in
            let name = attributeName(element, index)
            return kept.contains(name) || name == "class"
                && (attribute("class", of: element) ?? "").split(separator: " ").allSatisfy { $0.hasPrefix("wp-block-") || $0 == "has-text-align-left" }
        }
    }

    func nodeText(_ node: UnsafeMutablePointer<GumboNode>) -> String {
        node.pointee.v.text.text.map { String(cString: $0) } ?? ""
    }

    /// All the text below a node, as it is (code keeps its white space).
    func text(of node: UnsafeMutablePointer<GumboNode>) -> String {
        switch node.pointee.type {
        case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA: return nodeText(node)
        case GUMBO_NODE_ELEMENT: return elementName(node) == "br" ? "\n" : children(of: node).map(text).joined()
        default: return ""
        }
    }

    // MARK: Text

    /// HTML's white space: any run is one space.
    static func collapsed(_ text: String) -> String {
        var out = ""
        var space = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" || scalar == "\u{0C}" {
                space = true
            } else {
                if space { out += " " }
                space = false
                out.unicodeScalars.append(scalar)
            }
        }
        return space ? out + " " : out
    }

    /// Text that Markdown shows as it is: its own syntax characters escaped.
    static func escaped(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let character = rest.first {
            rest = rest.dropFirst()
            // `&` only where it would start an entity (`&copy;` is the sign, `AT&T` is text).
            let entity = character == "&" && rest.prefix { $0.isLetter || $0.isNumber || $0 == "#" }.count > 0
                && rest.drop { $0.isLetter || $0.isNumber || $0 == "#" }.first == ";"
            if "\\`*_[]<>~".contains(character) || entity { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A paragraph's lines trimmed, none read as something else at its start (a heading, a
    /// list item, a quote, a rule).
    static func tidy(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { line -> String in
            var line = Self.trimmed(line)
            if let first = line.first, "#-+=|".contains(first) { line = "\\" + line }
            if let dot = line.firstIndex(where: { !$0.isNumber }), dot != line.startIndex, ".)".contains(line[dot]) {
                line.insert("\\", at: dot)
            }
            return line
        }.filter { !$0.isEmpty }
        // A `<br>` at the very end breaks nothing: its backslash would show.
        if var last = lines.popLast() {
            if last.reversed().prefix(while: { $0 == "\\" }).count % 2 == 1 { last.removeLast() }
            lines.append(Self.trimmed(last))
        }
        return lines.joined(separator: "\n")
    }

    /// A link's destination: in angle brackets when it holds a space or a parenthesis.
    static func destination(_ url: String) -> String {
        url.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
            ? "<" + url.map { $0 == "<" ? "%3C" : $0 == ">" ? "%3E" : String($0) }.joined() + ">" : url
    }

    static func quoted(_ text: String) -> String {
        text.map { $0 == "\\" || $0 == "\"" ? "\\" + String($0) : String($0) }.joined()
    }

    /// Without the spaces and tabs at either end.
    static func trimmed(_ text: some StringProtocol) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[start...end])
    }

    static func escapedHTML(_ text: String, quotes: Bool = false) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
