import ArgumentParser
import Foundation
import GalleyCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Markdown posts with front matter (Jekyll, Hugo).",
        discussion: """
            Reads each file named and every .md or .markdown file below each folder named. Importing \
            a file again updates its post instead of adding a copy. Files that cannot be read are \
            reported with their path and line and skipped; the exit status is 1 when any failed.
            """
    )

    @Argument(help: ArgumentHelp("Markdown files or folders of them.", valueName: "path"))
    var paths: [String]

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let (store, _) = try await dataOptions.openStore()
        let report = await MarkdownImporter(writer: PostWriter(store: store)).importPaths(paths)
        try await store.close()

        for path in report.created { print("created    \(path)") }
        for path in report.updated { print("updated    \(path)") }
        for path in report.skipped { print("skipped    \(path) (not a post)") }
        var standardError = FileHandle.standardError
        for failure in report.failures { print("failed     \(failure)", to: &standardError) }
        print(report.summary)
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) {
        write(Data(string.utf8))
    }
}
