import Foundation
import GalleyMarkdown
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A WordPress export (WXR, the XML of Tools → Export): its posts with their status, dates, slug,
/// categories and tags, author and excerpt, and their old addresses. Pages, attachments, menu
/// items and revisions are left out and counted.
///
/// Classic-editor content has paragraphs as blank lines (WordPress adds the `<p>` when it serves
/// the page); they are made into paragraphs here as WordPress's `wpautop` does. Block-editor
/// content (`<!-- wp:… -->`) has its own.
enum WordPressExport {
    /// The posts, what was left out and why, and the site's host (links to it are the posts').
    static func posts(in data: Data, file: String) throws -> (posts: [PlatformPost], skipped: [(path: String, reason: String)], siteHost: String?) {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        guard parser.parse(), parser.parserError == nil else {
            let code = parser.parserError.map { ($0 as NSError).code } ?? 0
            // libxml2's codes, for the ones a damaged export gives; the rest by number.
            let message = switch code {
            case 5: "the file ends before the document does; is it whole?"
            case 9, 68: "a character or an entity that is not allowed here"
            case 73, 76, 77: "an element is closed by another's end tag, or never"
            default: "XML parser error \(code)"
            }
            throw ImportReport.Failure(path: file, line: parser.lineNumber, message: "not valid XML (column \(parser.columnNumber)): \(message)")
        }
        // libxml2 reads a file cut short as far as it goes: an element still open says so.
        guard reader.openElements == 0 else {
            throw ImportReport.Failure(path: file, line: parser.lineNumber, message: "not valid XML (column \(parser.columnNumber)): the file ends inside an element; is it whole?")
        }
        guard reader.sawChannel, reader.sawWXR else {
            throw ImportReport.Failure(path: file, line: nil, message: "not a WordPress export: no <channel> with wp: elements (Tools → Export in WordPress writes one)")
        }
        var posts: [PlatformPost] = []
        var skipped: [(path: String, reason: String)] = []
        for item in reader.items {
            let shown = "\(file):\(item.line) '\(item.text["title"] ?? "")'"
            let type = item.text["wp:post_type"] ?? "post"
            guard type == "post" else {
                skipped.append((shown, type == "attachment" ? "an attachment" : "a \(type.replacingOccurrences(of: "_", with: " ")), not a post"))
                continue
            }
            let status = item.text["wp:status"] ?? "publish"
            guard status != "auto-draft", status != "inherit" else {
                skipped.append((shown, "an automatic draft"))
                continue
            }
            let id = item.text["wp:post_id"] ?? String(item.line)
            // WordPress renames a post it trashes `slug__trashed`.
            let slug = (item.text["wp:post_name"] ?? "").replacingOccurrences(of: "__trashed", with: "")
            let published = date(item.text["wp:post_date_gmt"]) ?? date(item.text["wp:post_date"])
                ?? item.text["pubDate"].flatMap(rfc822) ?? Date(timeIntervalSince1970: 0)
            let login = item.text["dc:creator"] ?? ""
            var addresses: [String] = []
            if let link = item.text["link"], let path = URLComponents(string: link)?.path, path.count > 1 { addresses.append(path) }
            // Every WordPress post also answers at `/?p=<number>` (its guid, often its only link).
            if let number = AliasPath.postNumber(id) { addresses.append(number) }
            let content = item.text["content:encoded"] ?? ""
            posts.append(PlatformPost(
                identity: "wordpress:\(id)", shown: shown, title: item.text["title"] ?? "", slug: slug,
                body: .html(content.contains("<!-- wp:") ? content : autop(content)),
                summary: excerpt(item.text["excerpt:encoded"] ?? ""),
                tags: item.categories.filter { !($0.domain == "category" && $0.nicename == "uncategorized") }.map(\.name),
                bylines: login.isEmpty ? [] : [reader.authors[login] ?? login],
                status: status == "publish" || status == "future" ? .published : .draft, trashed: status == "trash",
                publishedAt: published, updatedAt: date(item.text["wp:post_modified_gmt"]) ?? published,
                addresses: addresses, cover: nil
            ))
        }
        return (posts, skipped, reader.siteLink.flatMap { URLComponents(string: $0)?.host })
    }

    /// An excerpt's HTML as the text a reader saw: the sanitizer's own reading of it (every
    /// entity, only what is shown), on one line.
    static func excerpt(_ html: String) -> String {
        HTMLSanitizer().sanitizeKeepingText(html, ownMarker: nil, trusted: [], trustedText: []).text
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `2024-05-17 09:30:00` in UTC; WordPress writes `0000-00-00 00:00:00` for none.
    static func date(_ text: String?) -> Date? {
        guard let text, !text.hasPrefix("0000") else { return nil }
        return FrontMatterDate.parse(text)
    }

    static func rfc822(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.date(from: text)
    }

    /// WordPress's `wpautop`, as far as a post needs it: text between blank lines is a
    /// paragraph unless it is a block of HTML already, and a single line break inside one is a
    /// `<br>`; `<pre>` keeps its lines.
    static func autop(_ html: String) -> String {
        let blocks = "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script|video|audio)"
        var out: [String] = []
        var insidePre = false
        for chunk in html.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n") {
            let trimmed = chunk.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                if insidePre { out.append(chunk) }
                continue
            }
            let opensPre = trimmed.range(of: "<pre", options: .caseInsensitive) != nil
            let closesPre = trimmed.range(of: "</pre>", options: .caseInsensitive) != nil
            if insidePre || opensPre || trimmed.range(of: "^</?\(blocks)[\\s>/]", options: [.regularExpression, .caseInsensitive]) != nil {
                out.append(insidePre ? chunk : trimmed)
            } else {
                out.append("<p>" + trimmed.replacingOccurrences(of: "\n", with: "<br>\n") + "</p>")
            }
            if opensPre && !closesPre { insidePre = true } else if closesPre { insidePre = false }
        }
        return out.joined(separator: "\n\n")
    }

    struct Item {
        var line: Int
        var text: [String: String] = [:]
        var categories: [(domain: String, nicename: String, name: String)] = []
    }

    /// Collects each `<item>`'s child elements' text (CDATA included), and the authors.
    final class Reader: NSObject, XMLParserDelegate {
        var items: [Item] = []
        var authors: [String: String] = [:]
        /// The channel's `<link>`: the site's address.
        var siteLink: String?
        var sawChannel = false
        var sawWXR = false
        private var item: Item?
        private var author: [String: String]?
        private var element: String?
        private var attributes: [String: String] = [:]
        private var buffer = ""
        private var depth = 0
        /// Elements opened and not yet closed when the parser stopped.
        var openElements: Int { depth }
        private var itemDepth = 0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            if name == "channel" { sawChannel = true }
            if name.hasPrefix("wp:") { sawWXR = true }
            switch name {
            case "item":
                item = Item(line: parser.lineNumber)
                itemDepth = depth
            case "wp:author":
                author = [:]
            default:
                // Only an item's (or an author's) own children are read, and the channel's link.
                if (item != nil && depth == itemDepth + 1) || author != nil || (item == nil && name == "link" && siteLink == nil) {
                    element = name
                    self.attributes = attributes
                    buffer = ""
                }
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if element != nil { buffer += string }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            if element != nil { buffer += String(decoding: block, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            if name == "item", let done = item {
                items.append(done)
                item = nil
            } else if name == "wp:author", let done = author {
                if let login = done["wp:author_login"] { authors[login] = done["wp:author_display_name"].flatMap { $0.isEmpty ? nil : $0 } ?? login }
                author = nil
            } else if name == element {
                if item == nil, author == nil, name == "link" {
                    siteLink = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
                } else if author != nil {
                    author?[name] = buffer
                } else if name == "category" {
                    item?.categories.append((attributes["domain"] ?? "category", attributes["nicename"] ?? "", buffer))
                } else if item?.text[name] == nil {
                    item?.text[name] = buffer
                }
                element = nil
            }
        }
    }
}
