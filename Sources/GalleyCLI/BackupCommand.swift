import ArgumentParser
import Foundation
import GalleyStorage
import Logging

/// `galley backup FILE`: the whole blog in one checked SQLite file, while it is served.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the whole blog up into one SQLite file, while it is being served.",
        discussion: """
            Reads one consistent snapshot of the blog (SQLite or PostgreSQL: a PostgreSQL blog's \
            backup restores onto SQLite too), records each table's rows and SHA-256 inside the file, \
            checks it, and only then gives it its name. `--verify FILE` checks a backup without \
            restoring it; `galley restore FILE` restores one.
            """
    )

    @Argument(help: ArgumentHelp("The backup file to write (or to check, with --verify).", valueName: "file"))
    var file: String

    @Flag(help: "Check FILE (integrity, format, schema, every table's rows and SHA-256) instead of writing one.")
    var verify = false

    @Flag(help: "Replace FILE when it exists, instead of refusing.")
    var force = false

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let started = ContinuousClock.now
        if verify {
            Logs.bootstrap(level: .warning)
            let manifest = try await Backup.verify(at: file)
            print("\(file): a Galley backup of \(ISO8601DateFormatter().string(from: manifest.createdAt)) (schema \(manifest.schemaVersion), from \(manifest.source)):")
            manifest.tables.forEach { print(TableLine.text($0.name, rows: $0.rows, sha256: $0.sha256)) }
            print("Every table holds what was recorded.")
            return
        }
        let (store, _) = try await dataOptions.openStore()
        try await store.closing { store in
            let manifest = try await Backup.create(from: store, at: file, replace: force, now: Date(), logger: Logger(label: "galley"))
            print("Backed up \(store.location) to \(file):")
            manifest.tables.forEach { print(TableLine.text($0.name, rows: $0.rows, sha256: $0.sha256)) }
        }
        let bytes = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
        print("Done in \(started.duration(to: .now).secondsText) s, \(bytes / 1024) KiB, checked.")
    }
}

/// `galley restore FILE`: a backup back into a database of either kind.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by `galley backup` into this blog's database.",
        discussion: """
            The backup is checked first (as `galley backup --verify` does); nothing is written when it \
            fails. A database that already holds a blog is refused unless --replace. The restore is \
            one transaction, checked table by table; servers on the database drop their cached pages.
            """
    )

    @Argument(help: ArgumentHelp("The backup file.", valueName: "file"))
    var file: String

    @Flag(help: "Empty the database first when it already holds a blog, instead of refusing.")
    var replace = false

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let (store, _) = try await dataOptions.openStore()
        try await store.closing { store in
            let reports = try await Backup.restore(from: file, into: store, replace: replace, logger: Logger(label: "galley"))
            print("Restored \(file) into \(store.location):")
            for report in reports {
                print(TableLine.text(report.table, rows: report.rows, sha256: report.checksum) + "  same")
            }
        }
    }
}
