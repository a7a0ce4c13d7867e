import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `galley export`: the whole blog as a folder of files that any static-site engine, or a later
/// Galley, can read.
///
/// ```
/// posts/2024-05-17-slug.md      public posts (and published ones past their expiry)
/// scheduled/…, drafts/…, trash/…
/// media/<sha256>.<ext>          every media file, as uploaded or imported
/// revisions/<slug>/<n>.md       every revision, with --revisions
/// site.yaml                     the site settings
/// ```
///
/// Each post is YAML front matter and the Markdown source exactly as stored, but for references
/// to its media, written relative to the file (`../media/<sha256>.png`). Front matter values are
/// written as JSON (a subset of YAML), so every string stays a string whatever it looks like; the
/// keys are the ones Jekyll and Hugo read (`title`, `date`, `draft`, `tags`, `aliases`, …), then
/// Galley's own (`trashed`, and `source`: the file the post was imported from, else its file in
/// the export, by which a later import knows it), then the keys an import kept, in order of name.
/// `galley import` reads such a folder back as it was written: the round trip loses nothing.
public struct BlogExporter: Sendable {
    public struct Options: Sendable {
        public var revisions = false
        /// Write into a folder that holds other files; the exporter's own folders are emptied first.
        public var force = false
        public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
        public init() {}
    }

    public struct Summary: Sendable, Equatable {
        public var published = 0, scheduled = 0, drafts = 0, trashed = 0, media = 0, revisions = 0

        public var posts: Int { published + scheduled + drafts + trashed }
    }

    /// The first line of `site.yaml`, by which `galley import` knows an export.
    public static let siteFileHeader = "# Galley export"

    /// What the exporter writes at the top of the folder, and may empty with `force`.
    public static let entries = ["posts", "scheduled", "drafts", "trash", "media", "revisions", "site.yaml"]

    let store: any Store
    let options: Options
    let clock: @Sendable () -> Date

    public init(store: any Store, options: Options = Options(), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.options = options
        self.clock = clock
    }

    public func export(to folder: URL) async throws -> Summary {
        let files = FileManager.default
        try prepare(folder)
        let now = clock()
        var summary = Summary()

        // Media first: the posts' references are rewritten to the files written here.
        let media = try await store.mediaList()
        try files.createDirectory(at: folder.appendingPathComponent("media"), withIntermediateDirectories: true)
        for info in media {
            guard let item = try await store.media(sha256: info.sha256) else { continue }
            try item.bytes.withUnsafeBytes { try write($0, to: folder.appendingPathComponent("media").appendingPathComponent(info.fileName)) }
            summary.media += 1
        }
        let mediaPaths = Set(media.map(\.path))

        let listed = try await store.postListings(.all, matching: "", authorID: nil, limit: Int.max, at: now)
            + store.postListings(.trash, matching: "", authorID: nil, limit: Int.max, at: now)
        let ids = listed.map(\.id).sorted()
        let redirects = try await store.slugRedirects()
        for (done, id) in ids.enumerated() {
            guard let post = try await store.post(id: id) else { continue }
            let state = post.listing.state(at: now)
            let place: String
            switch state {
            case "trash": (place, summary.trashed) = ("trash", summary.trashed + 1)
            case "draft": (place, summary.drafts) = ("drafts", summary.drafts + 1)
            case "scheduled": (place, summary.scheduled) = ("scheduled", summary.scheduled + 1)
            default: (place, summary.published) = ("posts", summary.published + 1)
            }
            let path = place + "/" + Self.fileName(of: post)
            let text = try Self.file(for: post, at: path, oldSlugs: redirects[id] ?? [], mediaPaths: mediaPaths)
            try write(text, to: folder.appendingPathComponent(path))
            if options.revisions {
                for revision in try await store.revisions(ofPost: id) {
                    let front = [
                        ("title", FrontMatterValue.string(revision.title)), ("date", .string(Self.timestamp(revision.createdAt))),
                        ("kind", .string(revision.kind.rawValue)),
                    ]
                    let body = Self.relativeMedia(revision.source, paths: mediaPaths, prefix: "../../media/")
                    try write(Self.document(front, body: body), to: folder.appendingPathComponent("revisions/\(post.slug.rawValue)/\(revision.number).md"))
                    summary.revisions += 1
                }
            }
            options.progress?(done + 1, ids.count)
        }

        var site: [(String, FrontMatterValue)] = []
        if let settings = try await SiteSettings.load(from: store) {
            site = [("title", .string(settings.title)), ("description", .string(settings.description))]
            if let author = settings.author { site.append(("author", .string(author))) }
            site += [("base_url", .string(settings.baseURL)), ("posts_per_page", .integer(settings.postsPerPage))]
            if let rawHTML = settings.rawHTML { site.append(("raw_html", .string(rawHTML.rawValue))) }
        }
        let siteText = site.isEmpty
            ? "# No settings were saved on this blog's settings page: `galley serve`'s options decide them.\n"
            : site.map { "\($0.0): \($0.1.json)\n" }.joined()
        try write(Self.siteFileHeader + "\n" + siteText, to: folder.appendingPathComponent("site.yaml"))
        return summary
    }

    /// Refuses a folder with files in it, unless `force`; then empties what an export writes.
    private func prepare(_ folder: URL) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw GalleyError(.invalidInput, "\(folder.path) is a file, not a folder") }
            let present = try files.contentsOfDirectory(atPath: folder.path).sorted()
            if !present.isEmpty {
                guard options.force else {
                    throw GalleyError(.invalidInput, "\(folder.path) is not empty (\(present.prefix(3).joined(separator: ", "))\(present.count > 3 ? ", …" : "")); pass --force to export into it")
                }
                for entry in Self.entries where present.contains(entry) {
                    try files.removeItem(at: folder.appendingPathComponent(entry))
                }
            }
        }
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    private func write(_ text: String, to file: URL) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0), to: file) }
    }

    /// Writes a file as `write(2)` does, its folder made when missing: no temporary file and no
    /// `fsync` per file (Foundation's way took half an export's time in the kernel); an export
    /// is a folder to copy elsewhere, and one cut short is made again.
    private func write(_ bytes: UnsafeRawBufferPointer, to file: URL) throws {
        func failure(_ what: String) -> GalleyError {
            GalleyError(.unavailable, "cannot \(what) \(file.path): \(String(cString: strerror(errno)))")
        }
        var descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw failure("create") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw failure("write") }
            offset += written
        }
    }

    // MARK: One post as a file

    /// `2024-05-17-slug.md`, by the publication day in UTC.
    static func fileName(of post: Post) -> String {
        String(timestamp(post.publishedAt).prefix(10)) + "-" + post.slug.rawValue + ".md"
    }

    /// The file of `post`, written at `path` in the export.
    static func file(for post: Post, at path: String, oldSlugs: [Slug], mediaPaths: Set<String>) throws -> String {
        var front: [(String, FrontMatterValue)] = [
            ("title", .string(post.title)), ("slug", .string(post.slug.rawValue)),
            ("date", .string(timestamp(post.publishedAt))), ("updated", .string(timestamp(post.updatedAt))),
        ]
        if post.status == .draft { front.append(("draft", .bool(true))) }
        if let expiry = post.expiresAt { front.append(("expires", .string(timestamp(expiry)))) }
        if !post.tags.isEmpty { front.append(("tags", .list(post.tags.map { .string($0.name) }))) }
        if !post.summary.isEmpty { front.append(("summary", .string(post.summary))) }
        if !post.bylines.isEmpty { front.append(("authors", .list(post.bylines.map { .string($0) }))) }
        let aliases = Set((post.origin?.aliases ?? []) + oldSlugs.map { Post.path($0) }).sorted()
        if !aliases.isEmpty { front.append(("aliases", .list(aliases.map { .string($0) }))) }
        if let trashed = post.trashedAt { front.append(("trashed", .string(timestamp(trashed)))) }
        // The post's identity for the next import: the file it was imported from, else this one.
        front.append(("source", .string(post.origin?.source ?? path)))
        if let origin = post.origin {
            // The keys an import kept, as they were read (nested tables and lists included).
            front += try FrontMatterValue.json(origin.frontMatter, firstLine: 1).map { ($0.key, $0.value) }
        }
        return document(front, body: relativeMedia(post.source, paths: mediaPaths, prefix: "../media/"))
    }

    static func document(_ front: [(String, FrontMatterValue)], body: String) -> String {
        "---\n" + front.map { "\(yamlKey($0.0)): \($0.1.json)\n" }.joined() + "---\n" + body
    }

    /// A key as YAML reads it back: plain when it is a simple word, else quoted.
    private static func yamlKey(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "_-".unicodeScalars.contains($0) }
            && !key.hasPrefix("-") && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(key.lowercased())
        return plain ? key : FrontMatterValue.string(key).json
    }

    /// Milliseconds in UTC, as Galley keeps times: `2024-05-17T09:30:00.000Z`. Computed, not
    /// formatted: ICU's formatter was a sixth of an export's time.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        let (days, inDay) = Int(milliseconds).quotientAndRemainder(dividingBy: 86_400_000)
        let (day, time) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        // Howard Hinnant's days-to-civil: the proleptic Gregorian calendar.
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(dayOfMonth, 2))T\(padded(time / 3_600_000, 2)):"
            + "\(padded(time / 60_000 % 60, 2)):\(padded(time / 1_000 % 60, 2)).\(padded(time % 1_000, 3))Z"
    }

    /// The source with each of the blog's media paths (`/media/<sha256>.<ext>`, as a whole
    /// reference: not part of another site's address) written as `prefix<file>`.
    static func relativeMedia(_ source: String, paths: Set<String>, prefix: String) -> String {
        replacingReferences(in: source, marker: "/media/") { file in paths.contains("/media/" + file) ? prefix + file : nil }
    }

    /// The inverse, for an export's `files`: each whole `prefix<file>` becomes `/media/<file>`.
    static func absoluteMedia(_ source: String, files: Set<String>, prefix: String) -> String {
        replacingReferences(in: source, marker: prefix) { file in files.contains(String(file)) ? "/media/" + file : nil }
    }

    /// Each `marker<file>` in `source` that is a whole reference (after nothing, white space or
    /// markup, so not part of another address), replaced by what `replacement` gives for the file.
    private static func replacingReferences(in source: String, marker: String, _ replacement: (Substring) -> String?) -> String {
        guard source.contains(marker) else { return source }
        let boundaries: Set<Character> = [" ", "\t", "\n", "(", "\"", "'", "<", "=", "["]
        var result = ""
        var rest = Substring(source)
        while let range = rest.range(of: marker) {
            let before = rest[..<range.lowerBound]
            let preceding = before.last ?? result.last
            let end = rest[range.upperBound...].firstIndex { !($0.isLetter || $0.isNumber || $0 == ".") } ?? rest.endIndex
            result += before
            if preceding.map(boundaries.contains) ?? true, let replaced = replacement(rest[range.upperBound..<end]) {
                result += replaced
            } else {
                result += rest[range.lowerBound..<end]
            }
            rest = rest[end...]
        }
        return result + rest
    }
}
