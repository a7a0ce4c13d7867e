import ArgumentParser
import Foundation
import GalleyCore
import GalleyMarkdown

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Move a Jekyll, Hugo or Zola site, a Ghost or WordPress export, or Markdown files into the blog.",
        discussion: """
            A site root is recognized by its config (_config.yml, hugo.toml or config.toml, config.toml \
            with base_url): its posts come with their dates, bylines, tags and taxonomies; every address \
            the old site served them at answers 301 to the new one; local images are stored as media; \
            shortcodes and Liquid tags are translated, and those that cannot be are listed. A Ghost JSON \
            export (.json) or a WordPress export (.xml, Tools → Export) brings its posts, tags, authors \
            and old addresses; --media names the folder of its images (Ghost's content/images, \
            WordPress's wp-content/uploads). A folder written by `galley export` is read back as it was. \
            Importing a file again updates its post; a file whose slug another post has gets the next \
            free one. The exit status is 1 when any file failed.
            """
    )

    @Argument(help: ArgumentHelp("A site root, a folder of Markdown files, or files.", valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Report what the import would do, and write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("A site taxonomy whose terms become tags, as NAME=tags (repeatable).", valueName: "NAME=tags"))
    var taxonomy: [String] = []

    @Option(name: .long, help: ArgumentHelp("The time zone of dates that name none (default: the site's config).", valueName: "zone"))
    var timeZone: String?

    @Option(name: .long, help: ArgumentHelp("The largest image imported, in MiB (default: 10, as uploads).", valueName: "MiB"))
    var uploadLimit: Int = 10

    @Option(name: .long, help: ArgumentHelp("The images of a Ghost export (content/images) or a WordPress site (wp-content/uploads).", valueName: "dir"))
    var media: String?

    @Flag(name: .long, help: "List every warning, not only their counts.")
    var verbose = false

    @OptionGroup var dataOptions: DataOptions

    func validate() throws {
        for mapping in taxonomy {
            let parts = mapping.split(separator: "=")
            guard parts.count == 2, parts[1] == "tags", !parts[0].isEmpty else {
                throw ValidationError("--taxonomy takes NAME=tags (terms of the taxonomy NAME become tags), not '\(mapping)'")
            }
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            throw ValidationError("--time-zone: '\(timeZone)' is not an IANA time zone such as Europe/Oslo")
        }
        guard (1...1024).contains(uploadLimit) else { throw ValidationError("--upload-limit takes a whole number of MiB from 1 to 1024") }
        if let media {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: media, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--media: '\(media)' is not a folder")
            }
        }
    }

    func run() async throws {
        let (store, _) = try await dataOptions.openStore()
        var options = SiteImporter.Options()
        options.dryRun = dryRun
        options.extraTaxonomies = taxonomy.map { String($0.split(separator: "=")[0]) }
        options.timeZone = timeZone.flatMap(TimeZone.init(identifier:))
        options.mediaLimit = uploadLimit << 20
        options.mediaFolder = media.map { URL(fileURLWithPath: $0) }
        let progress = ProgressBar()
        options.progress = { done, total in progress.show(done, of: total) }
        // Raw HTML is rendered as the site renders it (its settings, or what `serve` last used).
        let renderer = MarkdownRenderer(rawHTML: try await SiteSettings.rawHTML(of: store))
        let report = await SiteImporter(store: store, renderer: renderer, options: options).importPaths(paths)
        progress.finish()
        try await store.close()

        if let engine = report.engine, engine != .plain { print("site: \(engine.rawValue)") }
        let verb = dryRun ? "would " : ""
        for path in report.created { print("\(verb)create  \(path)") }
        for path in report.updated { print("\(verb)update  \(path)") }
        for (path, reason) in report.skipped { print("skipped    \(path) (\(reason))") }
        var standardError = FileHandle.standardError
        for failure in report.failures { print("failed     \(failure)", to: &standardError) }
        let grouped = Dictionary(grouping: report.warnings, by: \.kind)
        for kind in ImportReport.Warning.Kind.allCases {
            guard let warnings = grouped[kind] else { continue }
            print("\n\(kind.rawValue) (\(warnings.count)):")
            for warning in verbose ? warnings[...] : warnings.prefix(20) { print("  \(warning)") }
            if !verbose, warnings.count > 20 { print("  … and \(warnings.count - 20) more (--verbose lists them all)") }
        }
        print("\n" + report.table)
        print(report.summary)
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}

/// `[#####     ] 1234/2346` on standard error while a long import runs on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var shown = false

    func show(_ done: Int, of total: Int) {
        guard enabled, total >= 200, done % 25 == 0 || done == total else { return }
        lock.withLock {
            let width = 30
            let filled = width * done / max(total, 1)
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write("\r[\(bar)] \(done)/\(total)")
            shown = true
        }
    }

    func finish() {
        lock.withLock { if shown { FileHandle.standardError.write("\n") } }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) {
        write(Data(string.utf8))
    }
}
