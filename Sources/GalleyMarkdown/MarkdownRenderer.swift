import CCmarkGFM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown → HTML, table of contents and plain text, in one pass through cmark-gfm.
///
/// CommonMark plus GitHub's extensions (tables, strikethrough, autolinks, task lists, footnotes).
/// Raw HTML in the source is kept and the whole rendering then goes through ``HTMLSanitizer``
/// (or, as the site chooses, shown as text or left out); links with dangerous schemes lose their
/// target either way. On top of cmark, every heading gets a unique `id` and a self-link, code
/// blocks go through a ``CodeBlockRenderer``, links to other sites get `rel="noopener"` and
/// images load lazily.
public struct MarkdownRenderer: Sendable {
    /// Changes whenever the HTML this pipeline writes for the same source changes, so that stored
    /// renderings can be brought up to date (1: cmark-gfm with heading ids; 2: highlighted code,
    /// noopener links and lazy images; 3: custom heading ids, `## Title {#id}`; 4: raw HTML
    /// kept and sanitized; 5: the words of raw HTML in the plain text, for search and reading
    /// times).
    public static let version = 5

    /// What becomes of HTML written in a post's Markdown.
    public enum RawHTML: String, Sendable, CaseIterable, Codable {
        /// Kept, then made safe by ``HTMLSanitizer`` (the default, as GitHub does).
        case sanitized
        /// Shown as the text it is.
        case escaped
        /// Left out (cmark's safe mode).
        case omitted
    }

    public var codeBlocks: any CodeBlockRenderer
    public var rawHTML: RawHTML

    public init(codeBlocks: any CodeBlockRenderer = HighlightingCodeBlockRenderer(), rawHTML: RawHTML = .sanitized) {
        self.codeBlocks = codeBlocks
        self.rawHTML = rawHTML
    }

    public func render(_ markdown: String) -> RenderedMarkdown {
        let document = CmarkDocument(markdown)
        defer { document.free() }
        if rawHTML == .escaped { document.showRawHTMLAsText() }
        var collected = Collected()
        collected.walk(document.root)
        // Only a post that holds raw HTML goes through the sanitizer: without any, cmark's output
        // is safe as it is, and gumbo's parse would cost about twice the rest of a rendering
        // (measured on a typical post: 1,200 µs against 370 µs).
        let sanitizing = rawHTML == .sanitized && collected.hasRawHTML
        // Marks the elements this renderer writes, for the sanitizer to tell them from the
        // author's: random for each rendering, so no source can carry it.
        let marker = sanitizing ? String(UInt64.random(in: .min ... .max), radix: 36) : nil

        var ids = HeadingIDs()
        // An id the author gave (`## Title {#id}`, as kramdown, Hugo and Pandoc read it) is
        // theirs: generated ones step around it.
        for heading in collected.headings { if let id = heading.customID { ids.reserve(id) } }
        var toc: [TableOfContentsEntry] = []
        for heading in collected.headings {
            let id = heading.customID ?? ids.id(for: heading.text)
            toc.append(TableOfContentsEntry(level: heading.level, id: id, title: heading.text))
            document.replaceHeading(heading.node, level: heading.level, id: id, title: heading.text, marker: marker)
        }
        // Code blocks are the renderer's own HTML: the sanitizer sees a placeholder for each.
        var trusted: [String] = [], trustedText: [String] = []
        for block in collected.codeBlocks {
            let html = codeBlocks.renderCodeBlock(code: block.code, info: block.info)
            if let marker {
                trusted.append(html)
                trustedText.append(block.code)
                document.replaceBlock(block.node, withHTML: "<galley-own data-galley-own=\"\(marker)\" data-n=\"\(trusted.count - 1)\"></galley-own>\n")
            } else {
                document.replaceBlock(block.node, withHTML: html)
            }
        }

        // With raw HTML, the text a reader sees is the sanitized HTML's: cmark's tree holds
        // the HTML's words only as markup.
        let html: String, plainText: String
        if sanitizing {
            (html, plainText) = HTMLSanitizer().sanitizeKeepingText(document.html(unsafe: true), ownMarker: marker, trusted: trusted, trustedText: trustedText)
        } else {
            (html, plainText) = (Self.finishTags(document.html(unsafe: false)), collected.plainText.trimmingTrailingWhitespace())
        }
        return RenderedMarkdown(
            html: html,
            tableOfContents: toc,
            plainText: plainText,
            firstParagraph: collected.firstParagraph ?? "",
            wordCount: Whitespace.wordCount(plainText)
        )
    }
}

extension MarkdownRenderer {
    /// Adds the attributes cmark has no option for, to a rendering without raw HTML (the
    /// sanitizer adds the same while it writes one with): code is escaped, so every
    /// `<a href="http` and `<img src="` left in cmark's output is a link or an image of the post.
    static func finishTags(_ html: String) -> String {
        // Over UTF-8 bytes: `String.replacing` compares Characters and took most of a render.
        let rewrites: [(find: [UInt8], insert: [UInt8], at: Int)] = [
            (Array("<a href=\"http".utf8), Array(" rel=\"noopener\"".utf8), 2),
            (Array("<img src=\"".utf8), Array(" loading=\"lazy\" decoding=\"async\"".utf8), 4),
        ]
        var output: [UInt8] = []
        output.reserveCapacity(html.utf8.count + 1024)
        var html = html
        html.withUTF8 { bytes in
            var index = 0
            outer: while index < bytes.count {
                if bytes[index] == UInt8(ascii: "<") {
                    for rewrite in rewrites where index + rewrite.find.count <= bytes.count
                        && rewrite.find.indices.allSatisfy({ bytes[index + $0] == rewrite.find[$0] }) {
                        output.append(contentsOf: rewrite.find[..<rewrite.at])
                        output.append(contentsOf: rewrite.insert)
                        output.append(contentsOf: rewrite.find[rewrite.at...])
                        index += rewrite.find.count
                        continue outer
                    }
                }
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// What the walk over the parsed tree gathers before the tree is changed.
private struct Collected {
    struct Heading { let node: OpaquePointer; let level: Int; let text: String; let customID: String? }
    struct CodeBlock { let node: OpaquePointer; let code: String; let info: String }

    var headings: [Heading] = []
    var codeBlocks: [CodeBlock] = []
    var plainText = ""
    var firstParagraph: String?
    /// Whether the source holds HTML of its own (blocks or inline tags).
    var hasRawHTML = false

    mutating func walk(_ root: OpaquePointer) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        var headingText: String?
        var paragraphText: String?
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let entering = event == CMARK_EVENT_ENTER
            switch type {
            case CMARK_NODE_HEADING:
                if entering {
                    headingText = ""
                } else {
                    var text = (headingText ?? "").collapsingWhitespace()
                    let customID = Self.takeCustomID(from: node, text: &text, plainText: &plainText)
                    headings.append(Heading(node: node, level: Int(cmark_node_get_heading_level(node)), text: text, customID: customID))
                    headingText = nil
                    endBlock()
                }
            case CMARK_NODE_PARAGRAPH:
                if entering {
                    if firstParagraph == nil { paragraphText = "" }
                } else {
                    if let text = paragraphText {
                        firstParagraph = text.collapsingWhitespace()
                        paragraphText = nil
                    }
                    endBlock()
                }
            case CMARK_NODE_CODE_BLOCK:
                let code = String(cString: cmark_node_get_literal(node))
                let info = String(cString: cmark_node_get_fence_info(node))
                codeBlocks.append(CodeBlock(node: node, code: code, info: info))
                plainText += code
                endBlock()
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                hasRawHTML = true
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                let literal = String(cString: cmark_node_get_literal(node))
                headingText? += literal
                paragraphText? += literal
                plainText += literal
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                headingText? += " "
                paragraphText? += " "
                plainText += "\n"
            default:
                if !entering, type.rawValue & UInt32(CMARK_NODE_TYPE_MASK) == UInt32(CMARK_NODE_TYPE_BLOCK) {
                    endBlock()
                }
            }
        }
    }

    /// `Title {#id}`: the id, taken out of the heading's last text and of the plain text.
    private static func takeCustomID(from heading: OpaquePointer, text: inout String, plainText: inout String) -> String? {
        guard text.hasSuffix("}"), let brace = text.lastIndex(of: "{"), text[text.index(after: brace)...].hasPrefix("#") else { return nil }
        let id = text[text.index(brace, offsetBy: 2)..<text.index(before: text.endIndex)]
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_:.".unicodeScalars.contains($0)) }),
              let last = cmark_node_last_child(heading), cmark_node_get_type(last) == CMARK_NODE_TEXT
        else { return nil }
        let literal = String(cString: cmark_node_get_literal(last))
        let marker = "{#\(id)}"
        guard literal.hasSuffix(marker) else { return nil }
        let kept = String(literal.dropLast(marker.count)).trimmingTrailingWhitespace()
        cmark_node_set_literal(last, kept)
        text = String(text[..<brace]).trimmingTrailingWhitespace()
        if plainText.hasSuffix(marker) { plainText = String(plainText.dropLast(marker.count)).trimmingTrailingWhitespace() }
        return String(id)
    }

    private mutating func endBlock() {
        if !plainText.isEmpty, !plainText.hasSuffix("\n") { plainText += "\n" }
    }
}

/// Owns a parsed cmark-gfm tree and the parser whose extensions render it.
///
/// Nodes taken out of the tree are freed with it, not when they are taken out: an inline node
/// may point into its block's text instead of holding a copy (a link's URL does), so freeing a
/// heading whose inlines moved to the custom node that replaces it left them pointing at freed
/// memory, which the HTML renderer then read (AddressSanitizer, in the markdown fuzz target's
/// first minute: `## h >](https://example.Se[X]n 2`).
private final class CmarkDocument {
    let parser: OpaquePointer
    let root: OpaquePointer
    /// Replaced nodes, freed after the tree.
    private var detached: [OpaquePointer] = []

    /// The extensions every document is parsed with.
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
    static let options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    init(_ markdown: String) {
        precondition(Self.registered)
        let parser: OpaquePointer = cmark_parser_new(Self.options)
        for name in Self.extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var source = markdown
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        self.parser = parser
        self.root = cmark_parser_finish(parser)
    }

    func free() {
        cmark_node_free(root)
        for node in detached { cmark_node_free(node) }
        detached = []
        cmark_parser_free(parser)
    }

    /// `unsafe`: raw HTML and every link target are written as they are, for the sanitizer to
    /// read (cmark's unsafe mode); else raw HTML is left out and dangerous targets dropped.
    func html(unsafe: Bool) -> String {
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let pointer = cmark_render_html(root, Self.options | (unsafe ? CMARK_OPT_UNSAFE : 0), extensions) else { return "" }
        defer { Glibc.free(pointer) }
        return String(cString: pointer)
    }

    /// Puts `<hN id="…">…<a class="anchor">#</a></hN>` where the heading was. cmark has no
    /// attributes on nodes, so a custom inline around the heading's own inlines carries both tags
    /// and the self-link, inside an empty custom block that keeps the line structure; both are
    /// emitted verbatim, in safe mode too.
    /// `marker`: the sanitizer's sign that the heading is the renderer's (its id kept as it is).
    func replaceHeading(_ heading: OpaquePointer, level: Int, id: String, title: String, marker: String?) {
        let id = HTML.escape(id)
        let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)
        cmark_node_set_on_enter(block, "")
        cmark_node_set_on_exit(block, "")
        let inline = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)
        cmark_node_set_on_enter(inline, "<h\(level) id=\"\(id)\"" + (marker.map { " data-galley-own=\"\($0)\"" } ?? "") + ">")
        let label = HTML.escape("Link to this section: \(title)")
        cmark_node_set_on_exit(inline, "<a class=\"anchor\" href=\"#\(id)\" aria-label=\"\(label)\">#</a></h\(level)>")
        while let child = cmark_node_first_child(heading) {
            cmark_node_append_child(inline, child)
        }
        cmark_node_append_child(block, inline)
        cmark_node_replace(heading, block)
        detached.append(heading)
    }

    /// Every HTML block and inline tag of the source becomes text that shows it.
    func showRawHTMLAsText() {
        var blocks: [OpaquePointer] = []
        var inlines: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(root) else { return }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK: blocks.append(node)
            case CMARK_NODE_HTML_INLINE: inlines.append(node)
            default: break
            }
        }
        cmark_iter_free(iterator)
        for node in inlines {
            let text = cmark_node_new(CMARK_NODE_TEXT)
            cmark_node_set_literal(text, cmark_node_get_literal(node))
            cmark_node_replace(node, text)
            detached.append(node)
        }
        for node in blocks {
            let html = String(cString: cmark_node_get_literal(node)).trimmingTrailingWhitespace()
            replaceBlock(node, withHTML: "<p>" + HTML.escape(html).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br />\n") + "</p>\n")
        }
    }

    func replaceBlock(_ node: OpaquePointer, withHTML html: String) {
        let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)
        cmark_node_set_on_enter(block, html)
        cmark_node_set_on_exit(block, "")
        cmark_node_replace(node, block)
        detached.append(node)
    }
}

extension String {
    fileprivate func collapsingWhitespace() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var pendingSpace = false
        for scalar in unicodeScalars {
            if Whitespace.contains(scalar) {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                UTF8.encode(scalar) { output.append($0) }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    fileprivate func trimmingTrailingWhitespace() -> String {
        var result = self
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}

/// Unicode's White_Space characters, by value: the standard library's property lookup took most of
/// a render when asked once per character.
enum Whitespace {
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Runs of non-white-space characters.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let space = contains(scalar)
            if !space, !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}
