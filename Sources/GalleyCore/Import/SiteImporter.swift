import Crypto
import Foundation
import GalleyMarkdown

/// Moves a Jekyll, Hugo or Zola site (or a plain folder of Markdown files) into the blog: every
/// post with its dates, bylines and tags, every address the old site served it at (kept as
/// aliases that answer 301), the local images it shows (stored as media), and the template
/// syntax it used translated to Markdown. An imported post remembers its file: importing it
/// again updates that post, and a file whose slug is taken by another post gets the next free
/// slug instead of replacing it.
public struct SiteImporter: Sendable {
    public struct Options: Sendable {
        /// Plan and report, write nothing.
        public var dryRun = false
        /// Site taxonomies (beyond tags and categories) whose terms become tags, by name; and
        /// `NAME=tags` mappings from the command line.
        public var extraTaxonomies: [String] = []
        /// The largest image imported, as uploads.
        public var mediaLimit = 10 << 20
        /// Overrides the site's time zone for dates without one.
        public var timeZone: TimeZone?
        /// The folder of a Ghost export's `content/images` or a WordPress site's
        /// `wp-content/uploads`, whose images the posts show.
        public var mediaFolder: URL?
        /// Called with (files done, files in all) as the import goes.
        public var progress: (@Sendable (Int, Int) -> Void)?

        public init() {}
    }

    public let store: any Store
    public let renderer: MarkdownRenderer
    public let options: Options
    let clock: @Sendable () -> Date

    public init(store: any Store, renderer: MarkdownRenderer = MarkdownRenderer(), options: Options = Options(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.renderer = renderer
        self.options = options
        self.clock = clock
    }

    /// Imports each path: a site root, a folder of Markdown files, or one file.
    public func importPaths(_ paths: [String]) async -> ImportReport {
        var report = ImportReport()
        report.dryRun = options.dryRun
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                report.failures.append(.init(path: path, line: nil, message: "no such file or folder"))
                continue
            }
            do {
                if isDirectory.boolValue {
                    let layout = try SiteLayout.read(root: url)
                    report.engine = layout.engine
                    try await importSite(layout, into: &report)
                } else if let platform = Self.platform(of: url) {
                    report.engine = platform
                    try await importExport(url, of: platform, into: &report)
                } else {
                    var layout = try SiteLayout.read(root: url.deletingLastPathComponent())
                    layout.engine = .plain
                    layout.contentFolders = [SiteLayout.ContentFolder(path: "", collection: "", drafts: false)]
                    try await importFiles([url.lastPathComponent], layout: layout, into: &report)
                }
            } catch let error as SiteLayout.ConfigError {
                report.failures.append(.init(path: (path as NSString).appendingPathComponent(error.file), line: error.line, message: error.message))
            } catch let failure as ImportReport.Failure {
                report.failures.append(failure)
            } catch {
                report.failures.append(.init(path: path, line: nil, message: error.message))
            }
        }
        return report
    }

    private func importSite(_ layout: SiteLayout, into report: inout ImportReport) async throws {
        var files: [String] = []
        for folder in layout.contentFolders {
            files += try Self.markdownFiles(in: layout.root, folder: folder.path, skipping: Self.notContent)
        }
        guard !files.isEmpty else {
            let expected = switch layout.engine {
            case .jekyll: "Markdown posts in \(layout.contentFolders.map { $0.path + "/" }.joined(separator: ", "))"
            case .hugo, .zola: "Markdown files in \(layout.contentFolders[0].path)/"
            case .galley: "posts in posts/, scheduled/, drafts/ or trash/ of this Galley export"
            case .ghost, .wordpress: "a Ghost or WordPress export"
            case .plain: "a Jekyll (_config.yml), Hugo (hugo.toml) or Zola (config.toml) site, a Galley export, or .md and .markdown files"
            }
            throw ImportReport.Failure(path: layout.root.relativePath, line: nil, message: "no post files found here: expected \(expected)")
        }
        if layout.engine == .galley { try await importExportedMedia(layout, into: &report) }
        try await importFiles(files, layout: layout, into: &report)
        if layout.engine == .galley, let settings = layout.settings {
            // A blog whose admin chose its settings keeps them; a new one takes the export's.
            if try await SiteSettings.load(from: store) == nil {
                if !options.dryRun { try await settings.save(to: store) }
                report.settings = "taken from site.yaml"
            } else {
                report.settings = "this blog's kept (site.yaml not applied)"
            }
        }
    }

    /// Every file in an export's `media/`, referenced by a post or not: the export holds the
    /// blog's whole media library.
    private func importExportedMedia(_ layout: SiteLayout, into report: inout ImportReport) async throws {
        let folder = layout.root.appendingPathComponent("media")
        for name in layout.mediaFiles.sorted() {
            switch Self.media(at: folder.appendingPathComponent(name), limit: options.mediaLimit, now: clock()) {
            case let .success(media):
                guard media.info.fileName == name else {
                    report.warnings.append(.init(kind: .refusedFile, path: "media/\(name)", line: nil, message: "its content is not what its name says (\(media.info.fileName))"))
                    continue
                }
                if options.dryRun {
                    report.media += try await store.media(sha256: media.sha256) == nil ? 1 : 0
                } else if try await store.saveMedia(media) {
                    report.media += 1
                }
            case let .failure(reason):
                report.warnings.append(.init(kind: .refusedFile, path: "media/\(name)", line: nil, message: reason.message))
            }
        }
    }

    /// A Ghost (`.json`) or WordPress (`.xml`) export, by its name.
    static func platform(of file: URL) -> SiteLayout.Engine? {
        switch file.pathExtension.lowercased() {
        case "json": .ghost
        case "xml", "wxr": .wordpress
        default: nil
        }
    }

    /// A Ghost or WordPress export: read whole (a file that does not parse imports nothing),
    /// then written a post at a time.
    private func importExport(_ file: URL, of platform: SiteLayout.Engine, into report: inout ImportReport) async throws {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ImportReport.Failure(path: file.relativePath, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        let (posts, skipped, siteHost) = platform == .ghost
            ? try GhostExport.posts(in: data, file: file.relativePath)
            : try WordPressExport.posts(in: data, file: file.relativePath)
        guard !posts.isEmpty || !skipped.isEmpty else {
            throw ImportReport.Failure(path: file.relativePath, line: nil, message: "the export holds no posts")
        }
        let importer = PlatformImporter(
            store: store, renderer: renderer, options: options, clock: clock,
            mediaMarker: platform == .ghost ? "content/images/" : "wp-content/uploads/"
        )
        try await importer.save(posts, skipped: skipped, siteHost: siteHost, into: &report)
    }

    /// Folders of a site root that hold no posts (built output, dependencies, themes).
    static let notContent: Set<String> = ["_site", "public", "node_modules", "vendor", "themes", "resources"]

    // MARK: One import run

    /// A file read and planned, before it is written.
    struct Plan: Sendable {
        var source: String
        var shown: String
        var pathInFolder: String
        var folder: SiteLayout.ContentFolder
        var document: MarkdownDocument
        var draft: PostDraft
        var addresses: [String]
        /// An earlier import made this file's post: it keeps that post's slug.
        var reimported = false
        /// A Galley export's post: when it went to the trash.
        var trashedAt: Date?
    }

    /// What reading one file gave.
    enum Reading: Sendable {
        case plan(Plan, [ImportReport.Warning])
        case section(path: String, shown: String, hidesPages: Bool, [ImportReport.Warning])
        case skipped(shown: String, reason: String, [ImportReport.Warning])
        case failed(ImportReport.Failure, [ImportReport.Warning])
    }

    /// A post ready to be written: its draft rendered, its media read, what to tell.
    struct Prepared: Sendable {
        var plan: Plan
        var rendered: RenderedMarkdown
        var media: [Media]
        var warnings: [ImportReport.Warning]
    }

    /// Reading and preparing posts is work for every core; writing them is one at a time, in
    /// the order of their files.
    private func importFiles(_ files: [String], layout: SiteLayout, into report: inout ImportReport) async throws {
        var layout = layout
        if let zone = options.timeZone { layout.timeZone = zone }
        let total = files.count
        var done = 0
        let progress = options.progress
        // Called only from the sequential parts below, in file order.
        func tick() {
            done += 1
            progress?(done, total)
        }

        let sources = files.sorted()
        let readings = await Self.parallelMap(sources) { [self, layout] source in self.read(source, layout: layout) }
        report.filesRead += files.count
        // Sections whose `cascade` says their pages never render hide every page below them,
        // whatever else their files say.
        var hiddenSections: [String] = []
        for case let .section(path, _, true, _) in readings { hiddenSections.append(path) }
        var plans: [Plan] = []
        for (source, reading) in zip(sources, readings) {
            if case .section = reading {} else if hiddenSections.contains(where: { source.hasPrefix($0) }) {
                report.skipped.append((layout.root.appendingPathComponent(source).relativePath, "never rendered by the site"))
                tick()
                continue
            }
            switch reading {
            case let .plan(plan, warnings):
                report.warnings += warnings
                plans.append(plan)
            case let .section(_, shown, _, warnings):
                report.warnings += warnings
                report.skipped.append((shown, "section page (_index)"))
                tick()
            case let .skipped(shown, reason, warnings):
                report.warnings += warnings
                report.skipped.append((shown, reason))
                tick()
            case let .failed(failure, warnings):
                report.warnings += warnings
                report.failures.append(failure)
                tick()
            }
        }

        // Slugs: the post this file made before keeps its own; a new file takes a free one.
        let imported = try await store.importedSlugs()
        var claims = SlugClaims(taken: try await store.takenSlugs())
        for index in plans.indices {
            // A file is known by its path, or by the file an export says its post came from.
            if let slug = imported[plans[index].draft.origin?.source ?? plans[index].source] {
                plans[index].reimported = true
                plans[index].draft.slug = slug
                claims.keep(slug)
            }
        }
        for index in plans.indices where !plans[index].reimported {
            let (slug, renamed) = claims.claim(plans[index].draft.slug, for: plans[index].shown)
            plans[index].draft.slug = slug
            if let renamed { report.warnings.append(renamed) }
        }

        // Every way a post can be named from another: its old addresses and its file.
        var byAddress: [String: Slug] = [:]
        var byFile: [String: Slug] = [:]
        for plan in plans {
            for address in plan.addresses { if let path = AliasPath.normalize(address), byAddress[path] == nil { byAddress[path] = plan.draft.slug } }
            for key in Self.fileKeys(source: plan.source, pathInFolder: plan.pathInFolder) where byFile[key] == nil {
                byFile[key] = plan.draft.slug
            }
        }
        let names = Names(byAddress: byAddress, byFile: byFile)
        // A window of posts is prepared on every core while the one before it is written, in one
        // transaction: the cores stay busy, and only two windows of rendered posts are in memory.
        let windows = stride(from: 0, to: plans.count, by: Self.window).map { Array(plans[$0..<min($0 + Self.window, plans.count)]) }
        let settled = layout
        @Sendable func prepared(_ window: [Plan]) async -> [Prepared] {
            await Self.parallelMap(window) { [self] plan in self.prepare(plan, layout: settled, names: names) }
        }
        var committedMedia = Set<String>()
        var current = windows.isEmpty ? [] : await prepared(windows[0])
        for index in windows.indices {
            async let following = index + 1 < windows.count ? prepared(windows[index + 1]) : []
            await write(current, committedMedia: &committedMedia, into: &report, tick: tick)
            current = await following
        }
        // An export's trashed posts go back to the trash, at the moment they went there.
        if !options.dryRun {
            for plan in plans {
                guard let trashedAt = plan.trashedAt, let post = try await store.post(slug: plan.draft.slug) else { continue }
                try await store.setTrashed(postID: post.id, true, at: trashedAt)
            }
        }
    }

    /// How many posts are prepared and written together.
    static let window = 200

    /// Writes one window of prepared posts in one transaction; if that fails, one post at a time,
    /// so that only the post at fault fails. A dry run reads what each post would change.
    private func write(_ window: [Prepared], committedMedia: inout Set<String>, into report: inout ImportReport, tick: () -> Void) async {
        func record(_ outcome: SaveOutcome, _ post: Prepared) {
            switch outcome {
            case .created: report.created.append(post.plan.shown)
            case .updated: report.updated.append(post.plan.shown)
            case .unchanged: report.unchanged.append(post.plan.shown)
            }
            tick()
        }
        func fail(_ post: Prepared, _ error: any Error) {
            report.failures.append(.init(path: post.plan.shown, line: nil, message: error.message))
            tick()
        }
        var items: [(post: Prepared, item: ImportedPost)] = []
        for post in window {
            report.warnings += post.warnings
            report.aliases += post.plan.draft.origin?.aliases.count ?? 0
            do {
                let draft = try PostWriter.checked(post.plan.draft)
                items.append((post, ImportedPost(draft: draft, rendered: post.rendered, media: post.media.filter { !committedMedia.contains($0.sha256) })))
            } catch {
                fail(post, error)
            }
        }
        if options.dryRun {
            for (post, item) in items {
                for media in item.media where committedMedia.insert(media.sha256).inserted { report.media += 1 }
                do {
                    let existing = post.plan.reimported ? try await store.post(slug: item.draft.slug) : nil
                    record(SaveOutcome.predicted(saving: item.draft, rendered: item.rendered, over: existing), post)
                } catch {
                    fail(post, error)
                }
            }
            return
        }
        let now = clock().truncatedToMilliseconds
        func save(_ items: ArraySlice<(post: Prepared, item: ImportedPost)>) async throws {
            let batch = try await store.saveImported(items.map(\.item), at: now)
            report.media += batch.newMedia
            for (entry, outcome) in zip(items, batch.outcomes) {
                committedMedia.formUnion(entry.item.media.map(\.sha256))
                record(outcome, entry.post)
            }
        }
        do {
            try await save(items[...])
        } catch {
            for index in items.indices {
                do { try await save(items[index...index]) } catch { fail(items[index].post, error) }
            }
        }
    }

    /// Reads and plans one file (any thread).
    private func read(_ source: String, layout: SiteLayout) -> Reading {
        let folder = layout.contentFolders.filter { $0.path.isEmpty || source.hasPrefix($0.path + "/") }.max { $0.path.count < $1.path.count }
            ?? layout.contentFolders[0]
        let pathInFolder = folder.path.isEmpty ? source : String(source.dropFirst(folder.path.count + 1))
        let file = layout.root.appendingPathComponent(source)
        let shown = file.relativePath
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(validating: data, as: UTF8.self) else {
            return .failed(.init(path: shown, line: nil, message: "cannot read the file as UTF-8 text"), [])
        }
        var warnings: [ImportReport.Warning] = []
        var document: MarkdownDocument
        do {
            document = try MarkdownDocument.parse(text, timeZone: layout.timeZone)
            let defaults = layout.defaultValues(for: source, collection: folder.collection, drafts: folder.drafts)
            if !defaults.isEmpty {
                // The file's own keys win; only its own unknown keys are kept with the post.
                let own = document.frontMatter
                let keys = Set(own.entries.map(\.key))
                var merged = try FrontMatter(entries: defaults.filter { !keys.contains($0.key) } + own.entries, timeZone: layout.timeZone)
                merged.format = own.format
                merged.unknown = own.unknown
                document.frontMatter = merged
            }
        } catch {
            return .failed(.init(path: shown, line: error.line, message: error.message), [])
        }
        for warning in document.warnings {
            warnings.append(.init(kind: .duplicateKey, path: shown, line: warning.line, message: warning.message))
        }
        let front = document.frontMatter
        let name = file.lastPathComponent
        if name.hasPrefix("_index.") {
            return .section(path: String(source.dropLast(name.count)), shown: shown, hidesPages: front.cascadesNeverRendered, warnings)
        }
        if front.neverRendered { return .skipped(shown: shown, reason: "never rendered by the site", warnings) }
        if front.entries.contains(where: { $0.key == "published" && $0.value == .bool(false) }) {
            return .skipped(shown: shown, reason: "published: false", warnings)
        }
        do {
            let plan = try self.plan(source: source, shown: shown, pathInFolder: pathInFolder, folder: folder, document: document, layout: layout, warnings: &warnings)
            return .plan(plan, warnings)
        } catch let skip as Skip {
            return .skipped(shown: shown, reason: skip.reason, warnings)
        } catch let failure as ImportReport.Failure {
            return .failed(failure, warnings)
        } catch {
            return .failed(.init(path: shown, line: nil, message: error.message), warnings)
        }
    }

    /// How other posts can be named: by an old address, or by their file.
    struct Names: Sendable {
        var byAddress: [String: Slug]
        var byFile: [String: Slug]
    }

    /// Translates, rewrites and renders one planned post and reads its media (any thread).
    private func prepare(_ plan: Plan, layout: SiteLayout, names: Names) -> Prepared {
        var plan = plan
        if layout.engine == .galley {
            // Galley's own Markdown: only its media references go back to where they were.
            plan.draft.source = BlogExporter.absoluteMedia(plan.draft.source, files: layout.mediaFiles, prefix: "../media/")
            plan.draft.origin = PostOrigin(
                source: plan.draft.origin?.source ?? plan.source, aliases: AliasPath.aliases(plan.addresses, besides: plan.draft.slug).sorted(),
                frontMatter: plan.document.frontMatter.unknownJSON
            )
            return Prepared(plan: plan, rendered: renderer.render(plan.draft.source), media: [], warnings: [])
        }
        var warnings: [ImportReport.Warning] = []
        var media: [Media] = []
        let shown = plan.shown
        let directory = (plan.source as NSString).deletingLastPathComponent
        func resolve(_ target: String) -> String? {
            Self.resolve(target, from: directory, pathInFolder: plan.pathInFolder, byAddress: names.byAddress, byFile: names.byFile, basePath: layout.basePath)
                .map { Post.path($0) }
        }
        var params: [String: String] = ["title": plan.draft.title]
        for entry in plan.document.frontMatter.unknown { if let text = entry.value.text { params[entry.key] = text } }
        if case let .table(inner)? = plan.document.frontMatter.entries.first(where: { $0.key == "params" })?.value {
            for entry in inner { if let text = entry.value.text { params[entry.key] = text } }
        }
        let source = layout.engine == .jekyll && plan.draft.source.utf8.contains(UInt8(ascii: "{")) ? KramdownAttributes.apply(plan.draft.source) : plan.draft.source
        let translated = TemplateTags(engine: layout.engine, resolve: resolve, siteParams: layout.params, pageParams: params).translate(source)
        let bodyLine = plan.document.bodyLine
        for tag in translated.untranslated {
            warnings.append(.init(kind: .untranslatedTag, path: shown, line: tag.line + bodyLine - 1, message: "'\(tag.name)' is kept as written"))
        }
        for link in translated.unresolved {
            warnings.append(.init(kind: .unresolvedLink, path: shown, line: link.line + bodyLine - 1, message: "'\(link.target)' names no imported post"))
        }
        // Each local file is read and hashed once per post, whether the text or the front matter names it.
        var mediaCache: [String: Result<String, GalleyError>] = [:]
        func stored(_ file: URL) -> Result<String, GalleyError> {
            if let known = mediaCache[file.path] { return known }
            let result = Self.media(at: file, limit: options.mediaLimit, now: clock()).map { item in
                media.append(item)
                return item.path
            }
            mediaCache[file.path] = result
            return result
        }
        let rewritten = ContentLinks.rewrite(translated.text) { target in
            let line = target.line + bodyLine - 1
            let value = target.value
            if value.hasPrefix("#") || value.hasPrefix("mailto:") || value.hasPrefix("/media/") || value.hasPrefix("data:") { return nil }
            if let address = resolve(value) {
                return address + (value.firstIndex(of: "#").map { String(value[$0...]) } ?? "")
            }
            if value.contains("://") || value.hasPrefix("//") { return nil }
            guard let file = Self.localFile(value, from: directory, pathInFolder: plan.pathInFolder, folder: plan.folder, layout: layout) else {
                if value.hasPrefix("@/") || value.hasSuffix(".md") || (target.kind == .link && value.hasPrefix("/") && !ContentLinks.isImagePath(value) && Self.looksLikePost(value)) {
                    warnings.append(.init(kind: .unresolvedLink, path: shown, line: line, message: "'\(value)' leads to nothing imported"))
                } else if target.kind == .image {
                    warnings.append(.init(kind: .missingImage, path: shown, line: line, message: "'\(value)' is not in the site's folders"))
                }
                return nil
            }
            // A link to one of the old site's pages is not a file to carry over.
            if target.kind == .link, ["html", "htm", "xml", "md", "markdown"].contains(file.pathExtension.lowercased()) { return nil }
            let known = mediaCache[file.path] != nil
            switch stored(file) {
            case let .success(path):
                return path
            case let .failure(reason):
                if !known { warnings.append(.init(kind: .refusedFile, path: shown, line: line, message: "'\(value)': \(reason.message)")) }
                return nil
            }
        }
        let separator = plan.document.frontMatter.excerptSeparator ?? layout.excerptSeparator
        plan.draft.source = Self.removingMoreMarker(rewritten, separator: separator)
        if plan.draft.summary.isEmpty, let excerpt = Self.excerpt(of: rewritten, separator: separator) {
            plan.draft.summary = renderer.render(excerpt).plainText.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // The front matter's images, as the page showed them: the first is the social card's.
        var frontImages: [String] = []
        for image in plan.document.frontMatter.images {
            if let file = Self.localFile(image, from: directory, pathInFolder: plan.pathInFolder, folder: plan.folder, layout: layout),
               case let .success(path) = stored(file) {
                frontImages.append(path)
            }
        }
        if let cover = frontImages.first, !plan.draft.source.contains(cover) {
            plan.draft.source = "![](\(cover))\n\n" + plan.draft.source
        }
        var aliases = AliasPath.aliases(plan.addresses, besides: plan.draft.slug)
        // Two files that claimed one address: the first keeps it.
        for alias in aliases.sorted() where names.byAddress[alias] != plan.draft.slug {
            aliases.remove(alias)
            warnings.append(.init(kind: .aliasTaken, path: shown, line: nil, message: "'\(alias)' was also an address of \(Post.path(names.byAddress[alias]!)), which keeps it"))
        }
        plan.draft.origin = PostOrigin(source: plan.source, aliases: aliases.sorted(), frontMatter: plan.document.frontMatter.unknownJSON)
        return Prepared(plan: plan, rendered: renderer.render(plan.draft.source), media: media, warnings: warnings)
    }

    /// `transform` over `items` on every core, the results in the items' order.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) async -> [R] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count))
        return await withTaskGroup(of: [(Int, R)].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var results: [(Int, R)] = []
                    for index in stride(from: worker, to: items.count, by: workers) {
                        results.append((index, transform(items[index])))
                        // Between items, whatever waits for a thread (the writes of an import)
                        // gets one: a worker runs for as long as its whole share otherwise.
                        await Task.yield()
                    }
                    return results
                }
            }
            var ordered = [R?](repeating: nil, count: items.count)
            for await part in group { for (index, result) in part { ordered[index] = result } }
            return ordered.map { $0! }
        }
    }

    /// Reads one file's front matter into a draft and its old addresses.
    private func plan(
        source: String, shown: String, pathInFolder: String, folder: SiteLayout.ContentFolder, document: MarkdownDocument,
        layout: SiteLayout, warnings: inout [ImportReport.Warning]
    ) throws -> Plan {
        var document = document
        var trashedAt: Date?
        var exportedSource: String?
        if layout.engine == .galley {
            // Galley's own keys, which are not kept as unknown ones.
            for entry in document.frontMatter.unknown where ["trashed", "source"].contains(entry.key) {
                guard let text = entry.value.text else { continue }
                if entry.key == "source" { exportedSource = text } else { trashedAt = FrontMatterDate.parse(text) }
            }
            document.frontMatter.unknown.removeAll { ["trashed", "source"].contains($0.key) }
        }
        let front = document.frontMatter
        var body = document.body
        let name = FileName(pathInFolder)
        var title = front.title?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if title.isEmpty, let heading = Self.leadingHeading(of: body) {
            title = heading.title
            body = heading.rest
        }
        if title.isEmpty, layout.engine == .jekyll {
            // Jekyll titles a document without one after its file name, as its pages showed.
            title = name.slug.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        }
        guard !title.isEmpty else {
            if body.allSatisfy(\.isWhitespace) { throw Skip(reason: "no title and no text (a template's page)") }
            throw ImportReport.Failure(
                path: shown, line: 1,
                message: front.format == nil
                    ? "no title: the file has no front matter; add a 'title:' or start the text with '# Title'"
                    : "no title: the \(front.format!.rawValue.uppercased()) front matter has no 'title' key"
            )
        }
        var page = OldAddresses.Page(
            pathInFolder: pathInFolder, folder: folder, front: front, title: title, date: Date(timeIntervalSince1970: 0), fileSlug: name.slug
        )
        var date = front.date ?? name.date.flatMap { FrontMatterDate.parse($0, timeZone: layout.timeZone) }
        if date == nil {
            // Zola and Hugo sites often say the date only in the address (`path = "2024/05/17/x"`).
            page.front.address.flatMap(Self.dateInPath).map { date = FrontMatterDate.parse($0, timeZone: layout.timeZone) }
        }
        var updated = front.updated
        if date == nil {
            let unsaid = "no date in the front matter, the file name or the address"
            if let history = layout.history.dates(of: source) {
                date = history.created
                updated = updated ?? history.modified
                warnings.append(.init(kind: .noDate, path: shown, line: nil, message: "\(unsaid): its first commit's date is used (git)"))
            } else {
                let modified = try? layout.root.appendingPathComponent(source).resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
                date = modified ?? clock()
                warnings.append(.init(kind: .noDate, path: shown, line: nil, message: "\(unsaid): the file's modification time is used"))
            }
        }
        // Kept to the millisecond, as every store keeps times.
        page.date = date!.truncatedToMilliseconds
        var tags = front.tags
        for taxonomy in layout.taxonomies + options.extraTaxonomies where !["tags", "categories", "category", "tag"].contains(taxonomy) {
            if let terms = front.entries.last(where: { $0.key == taxonomy })?.value.texts { tags += terms }
            if let terms = front.entries.last(where: { $0.key == "taxonomies" })?.value[taxonomy]?.texts { tags += terms }
        }
        // The post keeps its expiry and is public until then, as on the old site: one that has
        // passed comes in but stays hidden, as the old site no longer showed it.
        if let expires = front.expires {
            warnings.append(.init(
                kind: .expiry, path: shown, line: nil,
                message: expires <= clock()
                    ? "expired on \(Self.day(expires, in: layout.timeZone)): imported, not public"
                    : "expires on \(Self.day(expires, in: layout.timeZone)): public until then"
            ))
        }
        let summary = front.summary?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let slugText = front.slug ?? name.slug
        let draft = PostDraft(
            slug: Slug(deriving: slugText, fallback: Slug(deriving: title).rawValue),
            title: title,
            summary: summary,
            // An export's text is the post's exactly; other engines' files often start with blank lines.
            source: layout.engine == .galley ? body : body.drop(while: \.isNewline).description,
            tags: .named(tags),
            status: front.draft || folder.drafts || pathInFolder.split(separator: "/").contains("_drafts") ? .draft : .published,
            publishedAt: page.date,
            expiresAt: front.expires?.truncatedToMilliseconds,
            updatedAt: updated.map { layout.engine == .galley ? $0.truncatedToMilliseconds : max($0.truncatedToMilliseconds, page.date) } ?? page.date,
            bylines: front.authors
        )
        var plan = Plan(
            source: source, shown: shown, pathInFolder: pathInFolder, folder: folder, document: document, draft: draft,
            addresses: OldAddresses(layout: layout).addresses(of: page)
        )
        plan.trashedAt = trashedAt
        // The file an export's post was first imported from (or the export's own) names it.
        if let exportedSource { plan.draft.origin = PostOrigin(source: exportedSource) }
        return plan
    }

    private struct Skip: Error { var reason: String }

    // MARK: Files

    /// Every `.md`/`.markdown` file below `folder` of `root` (hidden ones and `skipping` left
    /// out), relative to `root`, in a stable order.
    static func markdownFiles(in root: URL, folder: String, skipping: Set<String>) throws -> [String] {
        let base = folder.isEmpty ? root : root.appendingPathComponent(folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey], options: [.skipsHiddenFiles])
        else { throw GalleyError(.invalidInput, "cannot list \(base.path)") }
        let basePath = base.path
        var files: [String] = []
        for case let file as URL in enumerator {
            // Only names that matter are looked at further: a site has thousands of images.
            let isPost = ["md", "markdown"].contains(file.pathExtension.lowercased())
            guard isPost || skipping.contains(file.lastPathComponent) else { continue }
            // The enumerator names each file below the folder it was given.
            let full = file.path
            let inner = full.hasPrefix(basePath + "/") ? String(full.dropFirst(basePath.count + 1)) : file.lastPathComponent
            // lstat(2): a link to a folder is not a folder here, as for the enumerator.
            var status = stat()
            if lstat(full, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                if skipping.contains(inner) { enumerator.skipDescendants() }
                continue
            }
            if isPost { files.append(folder.isEmpty ? inner : folder + "/" + inner) }
        }
        return files.sorted()
    }

    /// The names another post can use for this file: `{% link %}`/`{% post_url %}`, Hugo's
    /// `ref`, Zola's `@/`, relative `.md` links.
    static func fileKeys(source: String, pathInFolder: String) -> [String] {
        let withoutExtension = (pathInFolder as NSString).deletingPathExtension
        var keys = [source, pathInFolder, withoutExtension, "/" + pathInFolder, "/" + withoutExtension, (pathInFolder as NSString).lastPathComponent]
        keys.append((withoutExtension as NSString).lastPathComponent)  // post_url 2020-01-01-x, ref "x"
        if withoutExtension.hasSuffix("/index") || withoutExtension.hasSuffix("/_index") {
            let bundle = (withoutExtension as NSString).deletingLastPathComponent
            keys += [bundle, (bundle as NSString).lastPathComponent]
        }
        return keys
    }

    /// The imported post `target` names: an old address, or a file by any of its keys.
    static func resolve(_ target: String, from directory: String, pathInFolder: String, byAddress: [String: Slug], byFile: [String: Slug], basePath: String) -> Slug? {
        var value = target
        if let cut = value.firstIndex(where: { $0 == "#" || $0 == "?" }) { value = String(value[..<cut]) }
        guard !value.isEmpty else { return nil }
        if value.hasPrefix("@/") { return byFile[String(value.dropFirst(2))] }
        if value.hasSuffix(".md") || value.hasSuffix(".markdown") {
            let ownDirectory = (pathInFolder as NSString).deletingLastPathComponent
            let relative = ((ownDirectory as NSString).appendingPathComponent(value) as NSString).standardizingPath
            return byFile[value] ?? byFile[relative] ?? byFile[(directory as NSString).appendingPathComponent(value)]
                ?? byFile[String(value.drop(while: { $0 == "/" }))]
        }
        if let path = AliasPath.normalize(value), value.hasPrefix("/") || value.contains("://") {
            if let slug = byAddress[path] { return slug }
            if !basePath.isEmpty, let slug = byAddress[AliasPath.normalize(basePath + path) ?? ""] { return slug }
            return nil
        }
        return byFile[value] ?? byFile[(value as NSString).deletingPathExtension]
    }

    /// Whether an internal address looks like one of the old site's posts (so a link to it that
    /// resolves to nothing is worth reporting): a year (19xx or 20xx) is one of its segments.
    static func looksLikePost(_ path: String) -> Bool {
        path.split(separator: "/").contains { $0.count == 4 && $0.allSatisfy(\.isNumber) && ($0.hasPrefix("19") || $0.hasPrefix("20")) }
    }

    /// The local file an image or link names, looked for beside the post (a page bundle), in the
    /// content folder, then in the site's static folders.
    static func localFile(_ target: String, from directory: String, pathInFolder: String, folder: SiteLayout.ContentFolder, layout: SiteLayout) -> URL? {
        var value = target
        if let cut = value.firstIndex(where: { $0 == "#" || $0 == "?" }) { value = String(value[..<cut]) }
        value = value.removingPercentEncoding ?? value
        guard !value.isEmpty, !value.contains("://"), !value.hasPrefix("//") else { return nil }
        var candidates: [String] = []
        if value.hasPrefix("/") {
            var path = value
            if !layout.basePath.isEmpty, path.hasPrefix(layout.basePath + "/") { path = String(path.dropFirst(layout.basePath.count)) }
            let inner = String(path.dropFirst())
            for staticFolder in layout.staticFolders { candidates.append(staticFolder.isEmpty ? inner : staticFolder + "/" + inner) }
            candidates.append(folder.path.isEmpty ? inner : folder.path + "/" + inner)
        } else {
            candidates.append((directory as NSString).appendingPathComponent(value))
            // Hugo and Zola show a page's files at its address: a file beside `x.md` is in `x/`.
            let stem = ((directory as NSString).appendingPathComponent((pathInFolder as NSString).lastPathComponent) as NSString).deletingPathExtension
            candidates.append((stem as NSString).appendingPathComponent(value))
            for staticFolder in layout.staticFolders { candidates.append(staticFolder.isEmpty ? value : staticFolder + "/" + value) }
        }
        let root = layout.root.standardizedFileURL.path
        for candidate in candidates {
            let url = layout.root.appendingPathComponent((candidate as NSString).standardizingPath).standardizedFileURL
            // Never outside the site.
            guard url.path.hasPrefix(root + "/") else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue { return url }
        }
        return nil
    }

    static func media(at file: URL, limit: Int, now: Date) -> Result<Media, GalleyError> {
        // stat(2), not URL's resource values: an import asks this of every image it carries.
        var status = stat()
        let size = stat(file.path, &status) == 0 ? Int(status.st_size) : 0
        guard size <= limit else {
            return .failure(GalleyError(.invalidInput, "\(size >> 10) KiB is over the upload limit of \(limit >> 20) MiB"))
        }
        guard let data = try? Data(contentsOf: file) else { return .failure(GalleyError(.invalidInput, "cannot be read")) }
        let bytes = [UInt8](data)
        guard let kind = ImageKind(sniffing: bytes) else {
            return .failure(ContentLinks.isImagePath(file.path) ? ImageKind.refusal(for: bytes) : GalleyError(.invalidInput, "only PNG, JPEG, GIF, WebP and SVG images are stored; the link is kept as it was"))
        }
        return .success(Media(sha256: Media.sha256(of: bytes), kind: kind, bytes: bytes, originalName: file.lastPathComponent, uploadedBy: nil, createdAt: now))
    }

    // MARK: Text

    /// The text before `<!--more-->` (or the site's own separator), when the post has one.
    static func excerpt(of body: String, separator: String?) -> String? {
        guard separator != nil || body.utf8.contains(UInt8(ascii: "<")) else { return nil }
        for marker in [separator, "<!--more-->", "<!-- more -->"].compactMap({ $0 }) where !marker.isEmpty && marker != "\n\n" {
            if let range = body.range(of: marker) { return String(body[..<range.lowerBound]) }
        }
        return nil
    }

    static func removingMoreMarker(_ body: String, separator: String?) -> String {
        guard separator != nil || body.utf8.contains(UInt8(ascii: "<")) else { return body }
        var text = body
        for marker in [separator, "<!--more-->", "<!-- more -->"].compactMap({ $0 }) where !marker.isEmpty && marker != "\n\n" {
            text = text.replacingOccurrences(of: marker, with: "")
        }
        return text
    }

    /// The day of `date` in the site's time zone, as front matter writes it.
    static func day(_ date: Date, in zone: TimeZone) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day())
    }

    /// The first `YYYY/MM/DD` in an address (`inside-rust/2022/06/28/x`).
    static func dateInPath(_ path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3 else { return nil }
        for start in 0...(parts.count - 3) {
            let (year, month, day) = (parts[start], parts[start + 1], parts[start + 2])
            if year.count == 4, month.count == 2, day.count == 2, [year, month, day].allSatisfy({ $0.allSatisfy(\.isNumber) }) {
                return "\(year)-\(month)-\(day)"
            }
        }
        return nil
    }

    private static func leadingHeading(of body: String) -> (title: String, rest: String)? {
        let trimmed = body.drop(while: \.isNewline)
        guard trimmed.hasPrefix("# ") else { return nil }
        let end = trimmed.firstIndex(of: "\n") ?? trimmed.endIndex
        let title = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<end].trimmingCharacters(in: .whitespaces)
        return (title, String(trimmed[end...]))
    }
}

/// The public address of a post, as GalleyWeb's `SitePath.post` writes it.
/// What a post's file name says, by Jekyll's, Hugo's and Zola's conventions.
struct FileName {
    /// After a date prefix; a bundle's (`x/index.md`) folder name.
    var slug: String
    /// `YYYY-MM-DD` from a Jekyll or Zola file name.
    var date: String?

    init(_ pathInFolder: String) {
        let parts = pathInFolder.split(separator: "/")
        let stem = ((parts.last.map(String.init) ?? "") as NSString).deletingPathExtension
        var slug = stem
        if stem == "index", parts.count >= 2 {
            slug = String(parts[parts.count - 2])
        }
        // Jekyll: 2024-05-17-my-post.md; Zola: 2024-05-17-my-post.md or 2024-05-17_my-post.md.
        let bytes = Array(slug.utf8)
        if bytes.count > 11, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
           bytes[10] == UInt8(ascii: "-") || bytes[10] == UInt8(ascii: "_"),
           FrontMatterDate.parse(String(slug.prefix(10))) != nil {
            date = String(slug.prefix(10))
            slug = String(slug.dropFirst(11))
        }
        self.slug = slug
    }
}

extension Error {
    /// The text to show a person: a GalleyError's message, or the error's own description.
    var message: String {
        (self as? GalleyError)?.message ?? (self as? ImportReport.Failure)?.message ?? String(describing: self)
    }
}
