import ArgumentParser
import Foundation
import GalleyStorage
import Logging

/// Where the blog's data lives; shared by every command that opens it.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of the SQLite database (env: GALLEY_DATA; default: ./galley-data).", valueName: "path"))
    var data: String?

    func folder(_ settings: inout Settings) -> String {
        settings.value(data, flag: "--data", env: "GALLEY_DATA", default: "./galley-data", expectation: "a folder path", Parse.nonEmpty)
    }

    /// For commands that only need the data: validates `--data`, sends warnings and errors to
    /// standard error, and opens the database with every migration applied.
    func openStore() async throws -> (store: SQLiteStore, applied: [Int]) {
        var settings = Settings()
        let folder = folder(&settings)
        try settings.validate()
        Logs.bootstrap(level: .warning)
        return try await Self.openStore(folder: folder, logger: Logger(label: "galley"))
    }

    /// Opens the database in `folder`, creating it when missing, with every migration applied.
    static func openStore(folder: String, logger: Logger) async throws -> (store: SQLiteStore, applied: [Int]) {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("galley.sqlite").path
        let store = try await SQLiteStore.open(path: path, logger: logger)
        do {
            return (store, try await store.migrate())
        } catch {
            try await store.close()
            throw error
        }
    }
}

enum Logs {
    /// Logs go to standard error, each line with its level and metadata (the request id among it).
    static func bootstrap(level: Logger.Level, format: LogFormat = .text) {
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, format: format, level: level)
        }
        // Lines still gathered when the process exits, however it exits, are written first.
        atexit { LogOutput.standardError.flush() }
    }
}
