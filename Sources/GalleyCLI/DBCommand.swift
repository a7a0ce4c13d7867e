import ArgumentParser
import Foundation
import GalleyStorage
import Logging

/// `galley db copy`: moves a whole blog between databases.
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Move a blog between databases.",
        subcommands: [Copy.self]
    )

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole blog (posts, revisions, tags, media, users, sessions, settings) to another database.",
            discussion: """
                Both databases are migrated first. The copy runs in one transaction on the target and \
                is checked table by table (rows and SHA-256) before this command says it is done. \
                Stop the servers writing to the source first.
                """
        )

        @Option(help: ArgumentHelp("The blog to copy: sqlite:///path/galley.sqlite or postgres://…", valueName: "url"))
        var from: String

        @Option(help: ArgumentHelp("Where to copy it: postgres://… or sqlite:///path/galley.sqlite", valueName: "url"))
        var to: String

        @Flag(help: "Empty the target first when it already holds a blog, instead of refusing.")
        var replace = false

        func run() async throws {
            guard let source = DatabaseURL(from) else { throw ValidationError("--from must be sqlite:///path or postgres://user@host/db, got '\(from)'") }
            guard let target = DatabaseURL(to) else { throw ValidationError("--to must be sqlite:///path or postgres://user@host/db, got '\(to)'") }
            guard source != target else { throw ValidationError("--from and --to name the same database") }
            if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("there is no SQLite database at \(path)")
            }
            Logs.bootstrap(level: .warning)
            let logger = Logger(label: "galley")
            try await DataOptions.openStore(source.database, logger: logger).store.closing { from in
                try await DataOptions.openStore(target.database, logger: logger).store.closing { into in
                    let reports = try await DatabaseCopy(from: from, to: into).run(replace: replace)
                    print("Copied \(from.location) to \(into.location):")
                    for report in reports {
                        print(TableLine.text(report.table, rows: report.rows, sha256: report.checksum) + "  same")
                    }
                }
            }
        }
    }
}

extension DatabaseURL {
    var database: DataOptions.Database {
        switch self {
        case .sqlite(let path): .sqlite(path: path)
        case .postgres(let url): .postgres(url, poolSize: 4)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

/// A table's line in what `db copy`, `backup` and `restore` print: name, rows, checksum.
enum TableLine {
    static func text(_ table: String, rows: Int, sha256: String) -> String {
        "  \(table.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(rows).leftPadded(7)) rows  sha256 \(sha256.prefix(16))"
    }
}

extension Duration {
    /// `1.23`: seconds, for a command's closing line.
    var secondsText: String {
        String(format: "%.2f", Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}
