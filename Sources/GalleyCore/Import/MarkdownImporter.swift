import Foundation

/// Imports Markdown files with front matter, as Jekyll and Hugo keep them, into the blog.
///
/// A post is identified by its slug, so importing the same file again updates that post (or
/// leaves it alone when nothing changed) instead of adding a copy. A file that cannot be read is
/// reported with its path and line and skipped; the others still import.
public struct MarkdownImporter: Sendable {
    public let writer: PostWriter

    public init(writer: PostWriter) {
        self.writer = writer
    }

    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int?
        public var message: String
        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    public struct Report: Sendable, Equatable {
        public var created: [String] = []
        public var updated: [String] = []
        public var unchanged: [String] = []
        /// Files that are not posts (Hugo's `_index.md` section pages).
        public var skipped: [String] = []
        public var failures: [Failure] = []

        public var summary: String {
            "\(created.count) created, \(updated.count) updated, \(unchanged.count) unchanged, "
                + "\(skipped.count) skipped, \(failures.count) failed"
        }
    }

    /// Imports every Markdown file named, and every one found below each folder named.
    public func importPaths(_ paths: [String]) async -> Report {
        var report = Report()
        var slugOwners: [Slug: String] = [:]
        for path in paths {
            let files: [URL]
            do {
                files = try Self.markdownFiles(at: URL(fileURLWithPath: path))
            } catch {
                report.failures.append(Failure(path: path, line: nil, message: error.message))
                continue
            }
            for file in files {
                let shownPath = file.relativePath
                if file.lastPathComponent == "_index.md" {
                    report.skipped.append(shownPath)
                    continue
                }
                do {
                    let draft = try Self.draft(fromFile: file)
                    if let owner = slugOwners[draft.slug] {
                        throw Failure(path: shownPath, line: nil, message: "slug '\(draft.slug)' is already used by \(owner)")
                    }
                    slugOwners[draft.slug] = shownPath
                    switch try await writer.save(draft).outcome {
                    case .created: report.created.append(shownPath)
                    case .updated: report.updated.append(shownPath)
                    case .unchanged: report.unchanged.append(shownPath)
                    }
                } catch let failure as Failure {
                    report.failures.append(failure)
                } catch let error as MarkdownDocument.ParseError {
                    report.failures.append(Failure(path: shownPath, line: error.line, message: error.message))
                } catch {
                    report.failures.append(Failure(path: shownPath, line: nil, message: error.message))
                }
            }
        }
        return report
    }

    /// The file itself, or every `.md`/`.markdown` file below a folder (hidden ones left out),
    /// in a stable order.
    static func markdownFiles(at url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GalleyError(.invalidInput, "no such file or folder")
        }
        guard isDirectory.boolValue else { return [url] }
        guard let enumerator = FileManager.default.enumerator(
            at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
        ) else { throw GalleyError(.invalidInput, "cannot list the folder") }
        // Keep paths as the user wrote the folder, so reports point where they expect.
        let base = url.standardizedFileURL.path
        var files: [URL] = []
        for case let file as URL in enumerator where ["md", "markdown"].contains(file.pathExtension.lowercased()) {
            guard try file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let full = file.standardizedFileURL.path
            let inner = full.hasPrefix(base) ? full.dropFirst(base.count).drop(while: { $0 == "/" }) : Substring(full)
            files.append(url.appendingPathComponent(String(inner)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Reads one file into a draft. Title: front matter, else a leading `# Heading` (taken out of
    /// the body). Slug: front matter, else Jekyll's `YYYY-MM-DD-slug.md`, else the folder of a
    /// Hugo page bundle's `index.md`, else the file name. Date: front matter, else Jekyll's file
    /// name, else the file's modification time. Files below a `_drafts` folder are drafts.
    static func draft(fromFile url: URL) throws -> PostDraft {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw Failure(path: url.relativePath, line: nil, message: "cannot read the file as UTF-8 text")
        }
        let modified = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
        return try draft(text: text, path: url.relativePath, modified: modified ?? Date())
    }

    static func draft(text: String, path: String, modified: Date) throws(MarkdownDocument.ParseError) -> PostDraft {
        let document = try MarkdownDocument.parse(text)
        let front = document.frontMatter
        var body = document.body
        let url = URL(fileURLWithPath: path)
        let name = FileName(url)

        var title = front.title?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if title.isEmpty, let heading = Self.leadingHeading(of: body) {
            title = heading.title
            body = heading.rest
        }
        guard !title.isEmpty else {
            throw .init(line: 1, message: "no title: add 'title:' to the front matter or start the text with '# Title'")
        }
        let slugText = front.slug ?? name.slug
        return PostDraft(
            slug: Slug(deriving: slugText, fallback: Slug(deriving: title).rawValue),
            title: title,
            summary: front.summary?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "",
            source: body.drop(while: \.isNewline).description,
            tags: .named(front.tags),
            status: front.draft || url.pathComponents.contains("_drafts") ? .draft : .published,
            publishedAt: front.date ?? name.date ?? modified
        )
    }

    private static func leadingHeading(of body: String) -> (title: String, rest: String)? {
        let trimmed = body.drop(while: \.isNewline)
        guard trimmed.hasPrefix("# ") else { return nil }
        let end = trimmed.firstIndex(of: "\n") ?? trimmed.endIndex
        let title = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<end]
            .trimmingCharacters(in: .whitespaces)
        return (title, String(trimmed[end...]))
    }
}

/// What a post's file name says, by Jekyll's and Hugo's conventions.
private struct FileName {
    var slug: String
    var date: Date?

    init(_ url: URL) {
        let stem = url.deletingPathExtension().lastPathComponent
        if stem == "index", url.pathComponents.count > 1 {
            slug = url.deletingLastPathComponent().lastPathComponent
        } else {
            slug = stem
        }
        // Jekyll: _posts/2024-05-17-my-post.md
        let parts = slug.split(separator: "-", maxSplits: 3)
        if parts.count == 4, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let date = FrontMatterDate.parse("\(parts[0])-\(parts[1])-\(parts[2])") {
            self.date = date
            slug = String(parts[3])
        }
    }
}

extension Error {
    /// The text to show a person: a GalleyError's message, or the error's own description.
    var message: String {
        (self as? GalleyError)?.message ?? (self as? MarkdownImporter.Failure)?.message ?? String(describing: self)
    }
}

extension MarkdownImporter.Failure: Error {}
