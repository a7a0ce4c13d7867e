import Foundation

/// What a migration needs to know about a static site, read from its config file: which engine
/// built it, where its posts and static files are, the addresses it gave them, its time zone and
/// its taxonomies. A folder without a config is a plain folder of Markdown files.
public struct SiteLayout: Sendable {
    public enum Engine: String, Sendable {
        case jekyll, hugo, zola
        /// A folder `galley export` wrote: read back as it was written, nothing translated.
        case galley
        /// A Ghost JSON export, or a WordPress WXR export: one file.
        case ghost, wordpress
        /// A folder of Markdown files, no config: addresses are not known.
        case plain
    }

    /// A folder whose Markdown files are posts, with the address rule its engine gives them.
    public struct ContentFolder: Sendable, Equatable {
        /// Relative to the site root, no trailing slash ("" for the root itself).
        public var path: String
        /// Jekyll's collection name (`posts`, `docs`), Hugo's and Zola's "" (sections come from
        /// the folders below).
        public var collection: String
        /// Files here are drafts (Jekyll's `_drafts`).
        public var drafts: Bool
    }

    public var engine: Engine
    public var root: URL
    /// The config file read, relative to the root; nil for a plain folder.
    public var configFile: String?
    public var timeZone: TimeZone
    /// The path the old site lived under (`/blog` for `https://example.com/blog/`), "" at the root.
    public var basePath: String
    public var contentFolders: [ContentFolder]
    /// Folders whose files the site served at its root (`static/`, Jekyll's root itself).
    public var staticFolders: [String]
    /// Taxonomy names whose terms become tags (beyond `tags` and `categories`).
    public var taxonomies: [String]
    /// Jekyll's `permalink` and each collection's; Hugo's `permalinks` per section.
    public var permalinks: [String: String]
    /// Jekyll's site-wide `excerpt_separator`.
    public var excerptSeparator: String?
    /// Hugo's `uglyURLs`: `/posts/x.html` instead of `/posts/x/`.
    public var uglyURLs: Bool
    /// Hugo lowercases addresses unless `disablePathToLower`.
    public var lowercasePaths: Bool
    /// Jekyll's front matter `defaults`: values for the files of a path (and type), in the
    /// order given.
    public var defaults: [(path: String, type: String?, values: [FrontMatterEntry])] = []
    /// Site-wide values templates can name (`{{ site.title }}`, `{{< param x >}}`).
    public var params: [String: String]
    /// The site's git history, for pages that say no date.
    public var history: GitHistory
    /// The settings a Galley export carries in its `site.yaml`.
    public var settings: SiteSettings?
    /// The files in a Galley export's `media/`.
    public var mediaFiles: Set<String> = []

    public struct ConfigError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Reads the layout of the site at `root` (a folder), or of a plain folder.
    public static func read(root: URL) throws -> SiteLayout {
        let files = FileManager.default
        func exists(_ name: String) -> Bool { files.fileExists(atPath: root.appendingPathComponent(name).path) }
        var layout = SiteLayout(
            engine: .plain, root: root, configFile: nil, timeZone: .gmt, basePath: "",
            contentFolders: [ContentFolder(path: "", collection: "", drafts: false)], staticFolders: [],
            taxonomies: [], permalinks: [:], excerptSeparator: nil, uglyURLs: false, lowercasePaths: false, params: [:],
            history: GitHistory(root: root)
        )
        if exists("site.yaml"), let site = try? String(contentsOf: root.appendingPathComponent("site.yaml"), encoding: .utf8),
           site.hasPrefix(BlogExporter.siteFileHeader) {
            try layout.readGalley(site)
        } else if let name = ["_config.yml", "_config.yaml", "_config.toml"].first(where: exists) {
            try layout.readJekyll(try config(name, in: root), file: name)
        } else if let name = ["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config/_default/hugo.toml", "config/_default/config.toml", "config/_default/hugo.yaml", "config/_default/config.yaml"].first(where: exists) {
            try layout.readHugo(try config(name, in: root), file: name)
        } else if let name = ["config.toml", "config.yaml", "config.yml", "config.json"].first(where: exists) {
            let table = try config(name, in: root)
            if table["base_url"] != nil, name == "config.toml" {
                try layout.readZola(table, file: name)
            } else {
                try layout.readHugo(table, file: name)
            }
        }
        return layout
    }

    private static func config(_ name: String, in root: URL) throws -> FrontMatterValue {
        let text: String
        do {
            text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        } catch {
            throw ConfigError(file: name, line: 1, message: "cannot read the site's config as UTF-8 text")
        }
        var warnings: [MarkdownDocument.Warning] = []
        do {
            let entries: [FrontMatterEntry] = switch URL(fileURLWithPath: name).pathExtension {
            case "toml": try FrontMatterValue.toml(text, firstLine: 1)
            case "json": try FrontMatterValue.json(text, firstLine: 1)
            default: try FrontMatterValue.yaml(text, firstLine: 1, warnings: &warnings)
            }
            return .table(entries)
        } catch {
            throw ConfigError(file: name, line: error.line, message: error.message.replacingOccurrences(of: "front matter", with: "config"))
        }
    }

    private static func timeZone(_ value: FrontMatterValue?, file: String) throws -> TimeZone? {
        guard let name = value?.text, !name.isEmpty else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            throw ConfigError(file: file, line: 1, message: "unknown time zone '\(name)' (use an IANA name such as Europe/Oslo)")
        }
        return zone
    }

    private static func path(ofURL text: String?) -> String {
        guard let text, let url = URL(string: text) else { return "" }
        let path = url.path.hasPrefix("/") ? url.path : "/" + url.path
        return path == "/" ? "" : String(path.reversed().drop(while: { $0 == "/" }).reversed())
    }

    private static func strings(_ value: FrontMatterValue?) -> [String: String] {
        guard case let .table(entries)? = value else { return [:] }
        var result: [String: String] = [:]
        for entry in entries { if let text = entry.value.text { result[entry.key] = text } }
        return result
    }

    // MARK: Galley

    /// A folder `galley export` wrote: a folder per state, times in UTC, media in `media/`, and
    /// the settings in `site.yaml`.
    private mutating func readGalley(_ site: String) throws {
        engine = .galley
        configFile = "site.yaml"
        timeZone = .gmt
        contentFolders = ["posts", "scheduled", "drafts", "trash"].map { ContentFolder(path: $0, collection: $0, drafts: false) }
        staticFolders = ["media"]
        let media = root.appendingPathComponent("media").path
        if FileManager.default.fileExists(atPath: media) {
            mediaFiles = Set(try FileManager.default.contentsOfDirectory(atPath: media).filter { !$0.hasPrefix(".") })
        }
        var warnings: [MarkdownDocument.Warning] = []
        let table: FrontMatterValue
        do {
            table = .table(try FrontMatterValue.yaml(site, firstLine: 1, warnings: &warnings))
        } catch {
            throw ConfigError(file: "site.yaml", line: error.line, message: error.message.replacingOccurrences(of: "front matter", with: "site settings"))
        }
        guard let title = table["title"]?.text else { return }
        do {
            settings = try SiteSettings.validated(
                title: title, description: table["description"]?.text ?? "", author: table["author"]?.text ?? "",
                baseURL: table["base_url"]?.text ?? "", postsPerPage: table["posts_per_page"]?.text ?? "", rawHTML: table["raw_html"]?.text ?? "sanitized"
            )
        } catch {
            throw ConfigError(file: "site.yaml", line: 1, message: error.message)
        }
    }

    // MARK: Jekyll

    private mutating func readJekyll(_ config: FrontMatterValue, file: String) throws {
        engine = .jekyll
        configFile = file
        timeZone = try Self.timeZone(config["timezone"], file: file) ?? .current
        basePath = Self.path(ofURL: config["baseurl"]?.text.map { "http://x" + ($0.hasPrefix("/") ? $0 : "/" + $0) })
        excerptSeparator = config["excerpt_separator"]?.text
        params = Self.strings(config)
        let collectionsRoot = config["collections_dir"]?.text.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) } ?? ""
        func inCollections(_ name: String) -> String { collectionsRoot.isEmpty ? name : collectionsRoot + "/" + name }
        let globalPermalink = Self.jekyllPermalinkStyle(config["permalink"]?.text ?? "date")
        permalinks["posts"] = globalPermalink
        contentFolders = [
            ContentFolder(path: inCollections("_posts"), collection: "posts", drafts: false),
            ContentFolder(path: inCollections("_drafts"), collection: "posts", drafts: true),
        ]
        if case let .table(collections)? = config["collections"] {
            for collection in collections {
                if let permalink = collection.value["permalink"]?.text {
                    permalinks[collection.key] = Self.jekyllPermalinkStyle(permalink)
                }
                guard collection.key != "posts" else { continue }
                // A collection that is not output has no pages: nothing a reader saw.
                if case .bool(true)? = collection.value["output"] {
                    contentFolders.append(ContentFolder(path: inCollections("_" + collection.key), collection: collection.key, drafts: false))
                    if permalinks[collection.key] == nil { permalinks[collection.key] = "/:collection/:path:output_ext" }
                }
            }
        }
        staticFolders = [""]
        taxonomies = []
        if case let .list(scopes)? = config["defaults"] {
            for scope in scopes {
                guard case let .table(values)? = scope["values"] else { continue }
                let path = (scope["scope"]?["path"]?.text ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                defaults.append((path, scope["scope"]?["type"]?.text, values))
            }
        }
    }

    /// The defaults for the file at `source` (relative to the root) in `collection`, the most
    /// specific path last so that its values win.
    func defaultValues(for source: String, collection: String, drafts: Bool) -> [FrontMatterEntry] {
        let type = collection == "posts" ? (drafts ? "drafts" : "posts") : collection
        return defaults
            .filter { $0.path.isEmpty || source == $0.path || source.hasPrefix($0.path + "/") }
            .filter { $0.type == nil || $0.type == type || ($0.type == "posts" && type == "drafts") }
            .sorted { $0.path.count < $1.path.count }
            .flatMap(\.values)
    }

    /// Jekyll's named permalink styles, as patterns.
    static func jekyllPermalinkStyle(_ style: String) -> String {
        switch style {
        case "date": "/:categories/:year/:month/:day/:title:output_ext"
        case "pretty": "/:categories/:year/:month/:day/:title/"
        case "ordinal": "/:categories/:year/:y_day/:title:output_ext"
        case "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext"
        case "none": "/:categories/:title:output_ext"
        default: style
        }
    }

    // MARK: Hugo

    private mutating func readHugo(_ config: FrontMatterValue, file: String) throws {
        engine = .hugo
        configFile = file
        timeZone = try Self.timeZone(config["timeZone"] ?? config["timezone"], file: file) ?? .gmt
        basePath = Self.path(ofURL: (config["baseURL"] ?? config["baseurl"])?.text)
        uglyURLs = config["uglyURLs"].map { $0 == .bool(true) } ?? false
        lowercasePaths = !(config["disablePathToLower"].map { $0 == .bool(true) } ?? false)
        params = Self.strings(config["params"])
        var content = (config["contentDir"] ?? config["contentdir"])?.text ?? "content"
        // Hugo Modules can mount another folder as the content (its docs: content/en).
        if case let .list(mounts)? = config["module"]?["mounts"] {
            for mount in mounts where mount["target"]?.text == "content" {
                if let source = mount["source"]?.text { content = source }
                break
            }
        }
        contentFolders = [ContentFolder(path: content.trimmingCharacters(in: CharacterSet(charactersIn: "/")), collection: "", drafts: false)]
        staticFolders = [(config["staticDir"] ?? config["staticdir"])?.text ?? "static", "assets"]
        if case let .table(rules)? = config["permalinks"] {
            for rule in rules {
                if case let .table(kinds) = rule.value {
                    // permalinks.page.posts = "…" (Hugo 0.117+): the page kind is what posts use.
                    if rule.key == "page" { for kind in kinds { if let text = kind.value.text { permalinks[kind.key] = text } } }
                } else if let text = rule.value.text {
                    permalinks[rule.key] = text
                }
            }
        }
        // taxonomies: {tag: "tags", category: "categories", series: "series"}
        if case let .table(entries)? = config["taxonomies"] {
            taxonomies = entries.compactMap(\.value.text)
        } else {
            taxonomies = ["tags", "categories"]
        }
    }

    // MARK: Zola

    private mutating func readZola(_ config: FrontMatterValue, file: String) throws {
        engine = .zola
        configFile = file
        timeZone = .gmt
        basePath = Self.path(ofURL: config["base_url"]?.text)
        params = Self.strings(config["extra"])
        contentFolders = [ContentFolder(path: "content", collection: "", drafts: false)]
        staticFolders = ["static"]
        if case let .list(entries)? = config["taxonomies"] {
            taxonomies = entries.compactMap { $0["name"]?.text }
        }
    }
}
