import Foundation

/// What the front matter of a Jekyll, Hugo or Zola file says about its post, read the same way
/// whichever of YAML, TOML or JSON it is written in. Keys no engine gives a meaning Galley keeps
/// are kept in `unknown`, so that nothing the author wrote is lost.
public struct FrontMatter: Sendable, Equatable {
    public var format: FrontMatterFormat?
    public var title: String?
    public var date: Date?
    /// `lastmod` (Hugo), `updated` (Zola), `last_modified_at` (Jekyll).
    public var updated: Date?
    /// `expiryDate` (Hugo): not public after it.
    public var expires: Date?
    public var slug: String?
    public var draft = false
    /// `description`, `summary` or `excerpt`.
    public var summary: String?
    /// `tags`, then `categories` / `category`, then Zola's `[taxonomies]` lists.
    public var tags: [String] = []
    /// `categories` / `category` alone (Jekyll's `:categories` in addresses); also in `tags`.
    public var categories: [String] = []
    /// `author`, `authors` or `extra.author`: names, as bylines.
    public var authors: [String] = []
    /// Addresses the post also answered at: `aliases` (Hugo, Zola), `redirect_from` (Jekyll).
    public var aliases: [String] = []
    /// The post's own address: Hugo's `url`, Jekyll's `permalink`, Zola's `path`.
    public var address: String?
    /// A page the engine never renders: Hugo's `build: {render: never}` or `headless: true`,
    /// Zola's `render = false`.
    public var neverRendered = false
    /// A section page (`_index.md`) whose `cascade` tells every page below it not to render.
    public var cascadesNeverRendered = false
    /// Jekyll's per-post `excerpt_separator`.
    public var excerptSeparator: String?
    /// `image`, `cover`, `images`, `extra.image`: images named outside the text.
    public var images: [String] = []
    /// Every key as written, for site-specific taxonomies.
    public var entries: [FrontMatterEntry] = []
    /// Keys none of the above consumed, as a JSON object ("{}" when there are none).
    public var unknown: [FrontMatterEntry] = []

    public init() {}
}

/// A Markdown file split into its front matter and body.
public struct MarkdownDocument: Sendable, Equatable {
    public var frontMatter: FrontMatter
    public var body: String
    /// The file line the body starts on (1 when there is no front matter).
    public var bodyLine: Int
    public var warnings: [Warning]

    /// Something wrong in a file, at a 1-based line of that file.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Something worth telling that does not stop the file from importing.
    public struct Warning: Sendable, Equatable {
        public var line: Int
        public var kind: String
        public var message: String
    }

    /// Splits front matter (`---` YAML, `+++` TOML, or a leading JSON object) from the body and
    /// reads it. Dates without a zone are in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone = .gmt) throws(ParseError) -> MarkdownDocument {
        // Only the fences are found by lines; the front matter between them goes to its parser
        // as written, and the body is what follows the closing fence. A line ends at LF, CR LF
        // (one Character in Swift) or CR, what YAML and TOML call line ends; not at a vertical
        // tab, a form feed or U+2028, which a string may hold.
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        func line(from start: Substring.Index) -> (line: Substring, next: Substring.Index) {
            let end = text[start...].firstIndex { $0 == "\n" || $0 == "\r\n" || $0 == "\r" } ?? text.endIndex
            return (text[start..<end], end < text.endIndex ? text.index(after: end) : end)
        }
        let (first, afterFirst) = line(from: text.startIndex)
        let opening = first.trimmingTrailingSpaces()
        let format: FrontMatterFormat
        let fence: [Substring]
        switch opening {
        case "---": (format, fence) = (.yaml, ["---", "..."])
        case "+++": (format, fence) = (.toml, ["+++"])
        case "{": (format, fence) = (.json, ["}"])
        default:
            return MarkdownDocument(frontMatter: FrontMatter(), body: String(text), bodyLine: 1, warnings: [])
        }
        var lineCount = 0
        var position = afterFirst
        var innerEnd = afterFirst
        var closed: Substring.Index?
        while position < text.endIndex {
            let (current, next) = line(from: position)
            if fence.contains(current.trimmingTrailingSpaces()) {
                closed = next
                break
            }
            lineCount += 1
            innerEnd = current.endIndex
            position = next
        }
        guard let bodyStart = closed else {
            throw ParseError(line: 1, message: "front matter opened with '\(opening)' is never closed")
        }
        let inner = String(text[afterFirst..<innerEnd])
        let body = String(text[bodyStart...])
        let end = lineCount + 1
        var warnings: [Warning] = []
        let entries: [FrontMatterEntry] = switch format {
        case .yaml: try FrontMatterValue.yaml(inner, firstLine: 2, warnings: &warnings)
        case .toml: try FrontMatterValue.toml(inner, firstLine: 2)
        case .json: try FrontMatterValue.json("{" + inner + "}", firstLine: 1)
        }
        var front = try FrontMatter(entries: entries, timeZone: timeZone)
        front.format = format
        return MarkdownDocument(frontMatter: front, body: body, bodyLine: end + 2, warnings: warnings)
    }
}

extension FrontMatter {
    init(entries: [FrontMatterEntry], timeZone: TimeZone) throws(MarkdownDocument.ParseError) {
        self.init()
        self.entries = entries
        for entry in entries {
            let key = entry.key, value = entry.value
            let line = entry.line ?? 1
            func readText() throws(MarkdownDocument.ParseError) -> String {
                guard let text = value.text else { throw .init(line: line, message: "'\(key)' must be text") }
                return text
            }
            func readDate() throws(MarkdownDocument.ParseError) -> Date {
                let text = try readText()
                guard let date = FrontMatterDate.lenient(text, timeZone: timeZone) else {
                    throw .init(line: line, message: "'\(key)' is not a date: '\(text)' (use e.g. 2024-05-17 or 2024-05-17T09:30:00+02:00)")
                }
                return date
            }
            func readFlag() throws(MarkdownDocument.ParseError) -> Bool {
                if case let .bool(flag) = value { return flag }
                switch value.text?.lowercased() {
                case "true", "yes": return true
                case "false", "no": return false
                default: throw .init(line: line, message: "'\(key)' must be true or false")
                }
            }
            func readList() -> [String] {
                if let items = value.texts, case .list = value { return items }
                guard let text = value.text else { return [] }
                // `tags: a, b` or `tags: a b` (Jekyll splits on spaces when there is no comma).
                return text.split(whereSeparator: { $0 == "," || (!text.contains(",") && $0 == " ") })
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            switch key {
            case "title": title = try readText()
            case "slug": slug = try readText()
            case "date": date = try readDate()
            case "publishDate", "publishdate", "pubDate":
                if date == nil { date = try readDate() }
            case "lastmod", "updated", "last_modified_at", "modified", "lastMod": updated = try readDate()
            case "expiryDate", "expirydate", "expires": expires = try readDate()
            case "summary", "description", "excerpt":
                if summary == nil { summary = try readText() }
            case "draft": if try readFlag() { draft = true }
            case "published": if try !readFlag() { draft = true }
            case "headless": if try readFlag() { neverRendered = true }
            case "render": if try !readFlag() { neverRendered = true }
            case "build", "_build":
                neverRendered = neverRendered || Self.isNeverRendered(value)
            case "cascade":
                let targets: [FrontMatterValue] = if case let .list(items) = value { items } else { [value] }
                cascadesNeverRendered = targets.contains { Self.isNeverRendered($0["build"] ?? $0["_build"] ?? .table([])) }
                unknown.append(entry)
            case "tags": tags.insert(contentsOf: readList(), at: 0)
            case "categories", "category":
                let names = readList()
                categories.append(contentsOf: names)
                tags.append(contentsOf: names)
            case "taxonomies":
                if case let .table(taxonomies) = value {
                    for taxonomy in taxonomies { tags.append(contentsOf: taxonomy.value.texts ?? []) }
                }
            case "author", "authors":
                authors.append(contentsOf: Self.names(value))
            case "aliases", "redirect_from": aliases.append(contentsOf: readList())
            case "url", "permalink", "path": address = try readText()
            case "excerpt_separator": excerptSeparator = try readText()
            case "image", "cover", "images", "featured_image", "thumbnail":
                images.append(contentsOf: Self.imagePaths(value))
                unknown.append(entry)
            case "extra":
                if let author = value["author"] ?? value["authors"] { authors.append(contentsOf: Self.names(author)) }
                if let image = value["image"] ?? value["cover"] { images.append(contentsOf: Self.imagePaths(image)) }
                unknown.append(entry)
            default:
                unknown.append(entry)
            }
        }
        var seen = Set<String>()
        tags = tags.filter { seen.insert(Slug(deriving: $0).rawValue).inserted }
    }

    /// Hugo's `build: {render: never}` (or `render: false`, or `list: never` with `render: never`).
    private static func isNeverRendered(_ build: FrontMatterValue) -> Bool {
        guard let render = build["render"] else { return false }
        switch render {
        case let .bool(flag): return !flag
        case let .string(text): return text.lowercased() == "never" || text.lowercased() == "false"
        default: return false
        }
    }

    /// An author as a name, a list of names, or tables with a `name`.
    private static func names(_ value: FrontMatterValue) -> [String] {
        switch value {
        case let .list(items): return items.flatMap(names)
        case .table: return (value["name"]?.text).map { [$0] } ?? []
        default: return value.text.map { [$0.trimmingCharacters(in: .whitespaces)] }?.filter { !$0.isEmpty } ?? []
        }
    }

    /// An image as a path, a list of paths, or a table with `image`, `src` or `path`.
    private static func imagePaths(_ value: FrontMatterValue) -> [String] {
        switch value {
        case let .list(items): return items.flatMap(imagePaths)
        case .table: return (value["image"] ?? value["src"] ?? value["path"] ?? value["url"]).map(imagePaths) ?? []
        default: return value.text.map { [$0] } ?? []
        }
    }

    /// The unknown keys as one JSON object.
    public var unknownJSON: String { FrontMatterValue.table(unknown).json }
}

extension Substring {
    fileprivate func trimmingTrailingSpaces() -> Substring {
        var result = self
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
