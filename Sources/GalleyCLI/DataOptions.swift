import ArgumentParser
import Foundation
import GalleyStorage
import Logging

/// Where the blog's data lives; shared by every command that opens it.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of the SQLite database (env: GALLEY_DATA; default: ./galley-data).", valueName: "path"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp(
        "postgres://user:password@host:port/database[?sslmode=require] for PostgreSQL, or sqlite:///path/galley.sqlite (env: GALLEY_DATABASE_URL; default: SQLite in --data).",
        valueName: "url"
    ))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Most PostgreSQL connections this process opens (env: GALLEY_DATABASE_POOL_SIZE; default: 10).", valueName: "number"))
    var databasePoolSize: String?

    /// Which database, validated.
    enum Database: Equatable {
        case sqlite(path: String)
        case postgres(PostgresURL, poolSize: Int)
    }

    func database(_ settings: inout Settings) -> Database {
        let folder = settings.value(data, flag: "--data", env: "GALLEY_DATA", default: "./galley-data", expectation: "a folder path", Parse.nonEmpty)
        let url = settings.value(
            databaseURL, flag: "--database-url", env: "GALLEY_DATABASE_URL", default: nil as DatabaseURL?,
            expectation: "a postgres://user:password@host:port/database URL (sslmode disable, prefer, require or verify-full) or sqlite:///path"
        ) { text -> DatabaseURL?? in DatabaseURL(text).map { .some($0) } }
        let poolSize = settings.value(databasePoolSize, flag: "--database-pool-size", env: "GALLEY_DATABASE_POOL_SIZE", default: 10, expectation: "a whole number from 1 to 500") {
            Int($0).flatMap { (1...500).contains($0) ? $0 : nil }
        }
        switch url {
        case .postgres(let url): return .postgres(url, poolSize: poolSize)
        case .sqlite(let path): return .sqlite(path: path)
        case nil: return .sqlite(path: (folder as NSString).appendingPathComponent("galley.sqlite"))
        }
    }

    /// For commands that only need the data: validates the options, sends warnings and errors to
    /// standard error, and opens the database with every migration applied.
    func openStore() async throws -> (store: SQLStore, applied: [Int]) {
        var settings = Settings()
        let database = database(&settings)
        try settings.validate()
        Logs.bootstrap(level: .warning)
        return try await Self.openStore(database, logger: Logger(label: "galley"))
    }

    /// Opens the database, creating a SQLite one when missing, with every migration applied.
    static func openStore(_ database: Database, logger: Logger) async throws -> (store: SQLStore, applied: [Int]) {
        let store: SQLStore
        switch database {
        case .sqlite(let path): store = try await SQLStore.openSQLite(path: path, logger: logger)
        case .postgres(let url, let poolSize): store = try await SQLStore.openPostgres(url: url, poolSize: poolSize, logger: logger)
        }
        let applied: [Int]
        do {
            applied = try await store.migrate()
        } catch {
            try await store.close()
            throw error
        }
        return (store, applied)
    }
}

/// What `--database-url` names.
enum DatabaseURL: Equatable {
    case sqlite(String)
    case postgres(PostgresURL)

    init?(_ text: String) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else { return nil }
            self = .sqlite(path)
        } else if let url = PostgresURL(text) {
            self = .postgres(url)
        } else {
            return nil
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
