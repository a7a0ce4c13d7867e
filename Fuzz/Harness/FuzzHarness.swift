import Foundation
@testable import GalleyCore
import GalleyMarkdown
@testable import GalleyWeb
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// What each fuzz target checks on one input: the same functions run under libFuzzer
/// (`scripts/fuzz.sh`) and over the committed corpus in `make test` (`FuzzCorpusTests`). A
/// finding is a trap (`precondition`), which libFuzzer reports with the input that caused it.
public enum FuzzHarness {
    public static let targets: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "raw-head": rawHead, "markdown": markdown, "front-matter": frontMatter, "search": search, "sanitize": sanitize,
        "form": form,
    ]

    /// What the admin reads from anyone before they sign in, and an upload's bytes: a form body
    /// of any bytes decodes to fields that, encoded again, decode to the same fields, and whose
    /// text holds no NUL; the type an upload is sniffed as matches its first bytes.
    public static func form(_ bytes: UnsafeRawBufferPointer) {
        let form = Form(encoded: String(decoding: bytes, as: UTF8.self))
        let allowed = CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "+&=%"))
        let encoded = form.fields.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }
        let again = Form(encoded: encoded.joined(separator: "&"))
        precondition(again.fields == form.fields, "fields change when encoded again: \(form.fields) became \(again.fields)")
        for name in form.fields.keys { precondition(!form.text(name).utf8.contains(0), "a NUL in the text of \(name)") }

        let upload = Array(bytes)
        switch ImageKind(sniffing: upload) {
        case .png?: precondition(upload.starts(with: [0x89, 0x50, 0x4E, 0x47]), "PNG without its signature")
        case .jpeg?: precondition(upload.starts(with: [0xFF, 0xD8, 0xFF]), "JPEG without its signature")
        case .gif?: precondition(upload.starts(with: Array("GIF8".utf8)), "GIF without its signature")
        case .webp?: precondition(upload.starts(with: Array("RIFF".utf8)) && upload.count >= 12, "WebP without its signature")
        case .svg?:
            let text = String(decoding: upload, as: UTF8.self)
            precondition(!upload.contains(0) && String(validating: upload, as: UTF8.self) != nil, "SVG that is not text")
            precondition(text.contains("<svg") && text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.first == "<", "SVG that does not start with markup")
        case nil: _ = ImageKind.refusal(for: upload)
        }
    }

    /// Any HTML, sanitized, holds nothing outside the allowlist, and sanitizing it again changes
    /// nothing (what a browser parses is what the sanitizer wrote).
    public static func sanitize(_ bytes: UnsafeRawBufferPointer) {
        let sanitizer = HTMLSanitizer()
        let once = sanitizer.sanitize(String(decoding: bytes, as: UTF8.self))
        let outside = HTMLSanitizer.outsideAllowlist(once)
        precondition(outside.isEmpty, "outside the allowlist: \(outside) in \(once.debugDescription)")
        let twice = sanitizer.sanitize(once)
        precondition(twice == once, "not a fixed point: \(once.debugDescription) became \(twice.debugDescription)")
    }

    /// The raw fast path's head parser against SwiftNIO's (llhttp): every head the raw path would
    /// answer, SwiftNIO must read as one request with the same method, target and headers, ending
    /// at the same byte; whatever follows is the next request for both.
    public static func rawHead(_ bytes: UnsafeRawBufferPointer) {
        guard case .head(let head) = RawRequestHead.parse(bytes), head.answerable else { return }
        let sentinel = "GET /__next HTTP/1.1\r\n\r\n"
        var input = ByteBufferAllocator().buffer(capacity: head.length + sentinel.utf8.count)
        input.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<head.length]))
        input.writeString(sentinel)
        let parts = nioParts(input)
        func text(_ range: Range<Int>?) -> String? {
            range.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
        guard parts.count == 4, case .head(let nio) = parts[0], case .end = parts[1], case .head(let next) = parts[2], case .end = parts[3] else {
            preconditionFailure("the raw path answers a head SwiftNIO reads otherwise: \(parts.map(describe)) for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        precondition(nio.method == (head.method == .get ? .GET : .HEAD), "method: \(nio.method)")
        precondition(nio.uri == text(head.target), "target: \(nio.uri) against \(text(head.target) ?? "")")
        precondition(next.uri == "/__next", "the next request starts elsewhere for SwiftNIO: \(next.uri)")
        precondition(nio.isKeepAlive, "SwiftNIO closes after it")
        for (name, range) in [("accept-encoding", head.acceptEncoding), ("if-none-match", head.ifNoneMatch), ("x-request-id", head.requestID), ("x-forwarded-for", head.forwardedFor)] {
            let values = nio.headers[name]
            precondition(values == (text(range).map { [$0] } ?? []), "\(name): \(values) against \(text(range) ?? "none")")
        }
    }

    /// The request parts SwiftNIO's parser reads from `input`, up to its first error.
    static func nioParts(_ input: ByteBuffer) -> [HTTPServerRequestPart] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        defer { _ = try? channel.finish() }
        var parts: [HTTPServerRequestPart] = []
        do {
            try channel.writeInbound(input)
            while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        } catch {
            // A parse error ends what SwiftNIO reads; the parts before it stand.
        }
        return parts
    }

    private static func describe(_ part: HTTPServerRequestPart) -> String {
        switch part {
        case .head(let head): "head \(head.method) \(head.uri)"
        case .body(let body): "body \(body.readableBytes)"
        case .end: "end"
        }
    }

    /// Markdown of any bytes renders, with ids that are unique and a table of contents that
    /// matches the headings of the HTML.
    public static func markdown(_ bytes: UnsafeRawBufferPointer) {
        let rendered = MarkdownRenderer().render(String(decoding: bytes, as: UTF8.self))
        let ids = rendered.tableOfContents.map(\.id)
        precondition(Set(ids).count == ids.count, "heading ids repeat: \(ids)")
        for id in ids { precondition(rendered.html.contains("id=\"\(id)\""), "no heading carries id \(id)") }
        precondition(!rendered.html.contains("<script"), "a script tag came through")
    }

    /// Front matter of any text (YAML, TOML, JSON) parses or is refused with a line inside the
    /// file; the import's translation of template tags and its link rewriting take any body,
    /// report lines inside it, and keep every line a link rewrite did not touch.
    public static func frontMatter(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let document = try MarkdownDocument.parse(text)
            // By line feeds, as the translation counts them ("\r\n" is one Character, not "\n").
            let bodyLines = document.body.utf8.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            for engine in [SiteLayout.Engine.jekyll, .hugo, .zola] {
                let result = TemplateTags(engine: engine, resolve: { _ in "/posts/x" }, siteParams: [:], pageParams: [:]).translate(document.body)
                for line in result.untranslated.map(\.line) + result.unresolved.map(\.line) {
                    precondition((1...max(1, bodyLines)).contains(line), "\(engine) reported line \(line) of \(bodyLines)")
                }
            }
            let same = ContentLinks.rewrite(document.body) { _ in nil }
            precondition(same == document.body, "a rewrite that replaces nothing changed the text")
            _ = KramdownAttributes.apply(document.body)
        } catch {
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
            precondition((1...max(1, lines)).contains(error.line), "error on line \(error.line) of \(lines)")
        }
    }

    /// By UTF-8 bytes: a tag's `>` can share a Character with a combining character after it.
    static func occurrences(_ needle: String, in text: String) -> Int {
        let bytes = Array(text.utf8), pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return 0 }
        return (0...(bytes.count - pattern.count)).filter { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }.count
    }

    /// A search box's text gives terms or a message, and the snippet of any text for them is
    /// made of that text's own words, with balanced marks.
    public static func search(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        let (queryText, document) = text.firstIndex(of: "\n").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, text)
        guard let query = try? SearchQuery(queryText) else { return }
        let snippet = SearchSnippet.make(document, for: query.terms)
        // By scalar: a mark can share a Character with a combining character after it.
        let scalars = snippet.unicodeScalars
        precondition(scalars.filter { Character($0) == SearchHit.markStart }.count == scalars.filter { Character($0) == SearchHit.markEnd }.count, "unbalanced marks")
        let html = SearchPage.highlight(snippet)
        precondition(occurrences("<mark>", in: html) == occurrences("</mark>", in: html), "unbalanced <mark> tags in \(html)")
    }
}
