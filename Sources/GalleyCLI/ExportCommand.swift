import ArgumentParser
import Foundation
import GalleyCore

/// `galley export DIR`: the whole blog as Markdown files, media and settings.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole blog to a folder: a Markdown file per post, its media and the site's settings.",
        discussion: """
            posts/, scheduled/, drafts/ and trash/ hold one file per post (YAML front matter and the \
            Markdown as stored, media references relative to the file); media/ every image; site.yaml \
            the settings; with --revisions, revisions/<slug>/<n>.md every revision. A folder that is \
            not empty is refused unless --force, which replaces only what an export writes there.
            """
    )

    @Argument(help: ArgumentHelp("The folder to write.", valueName: "dir"))
    var folder: String

    @Flag(help: "Also write every revision of every post.")
    var revisions = false

    @Flag(help: "Write into a folder that is not empty (an earlier export's folders there are replaced).")
    var force = false

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let started = ContinuousClock.now
        let (store, _) = try await dataOptions.openStore()
        var options = BlogExporter.Options()
        options.revisions = revisions
        options.force = force
        let progress = ProgressBar()
        options.progress = { done, total in progress.show(done, of: total) }
        let target = URL(fileURLWithPath: folder)
        let summary = try await store.closing { store in
            try await BlogExporter(store: store, options: options).export(to: target)
        }
        progress.finish()
        var parts = ["\(summary.posts) posts (\(summary.published) published, \(summary.scheduled) scheduled, \(summary.drafts) drafts, \(summary.trashed) in the trash)", "\(summary.media) media files"]
        if revisions { parts.append("\(summary.revisions) revisions") }
        print("Exported \(parts.joined(separator: ", ")) to \(target.path) in \(started.duration(to: .now).secondsText) s.")
    }
}
