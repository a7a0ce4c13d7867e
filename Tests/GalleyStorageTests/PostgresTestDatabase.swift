import Foundation
import GalleyCore
@testable import GalleyStorage
import Logging
import SQLKit
import Testing

/// A database of its own for each test, on the server `scripts/postgres.sh` started, created
/// before the test and dropped after.
enum PostgresTestDatabase {
    static var serverURL: String? { ProcessInfo.processInfo.environment["GALLEY_TEST_DATABASE_URL"] }

    static var isConfigured: Bool {
        serverURL != nil || ProcessInfo.processInfo.environment["GALLEY_REQUIRE_POSTGRES"] == "1"
    }

    struct NoServer: Error, CustomStringConvertible {
        var description: String {
            "GALLEY_TEST_DATABASE_URL is not set: run the tests through `scripts/postgres.sh run swift test` (make test does)"
        }
    }

    /// Runs `body` with a migrated store on a new database, then drops the database.
    static func with(_ body: (SQLStore) async throws -> Void) async throws {
        let (store, drop) = try await make()
        do {
            try await store.closing(body)
        } catch {
            try await drop()
            throw error
        }
        try await drop()
    }

    /// A new, migrated database and the function that drops it; also its URL, for processes.
    static func make() async throws -> (store: SQLStore, drop: @Sendable () async throws -> Void) {
        let (url, drop) = try await makeDatabase()
        // The contract is not about the pool's deadline: the whole suite runs at once against one
        // server, and forty saves through four connections may wait longer than 5 s there.
        let store = try await SQLStore.openPostgres(url: url, poolSize: 4, connectionTimeout: .seconds(60), logger: Logger(label: "test"))
        try await store.migrate()
        return (store, drop)
    }

    /// An empty database and the function that drops it.
    static func makeDatabase() async throws -> (url: PostgresURL, drop: @Sendable () async throws -> Void) {
        guard let text = serverURL, let server = PostgresURL(text) else { throw NoServer() }
        let name = "galley_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(server) { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var url = server
        url.database = name
        return (url, {
            try await admin(server) { db in try await db.raw("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)").run() }
        })
    }

    private static func admin(_ server: PostgresURL, _ body: @Sendable @escaping (any SQLDatabase) async throws -> Void) async throws {
        let backend = PostgresBackend(url: server, poolSize: 1, connectionTimeout: .seconds(5), logger: Logger(label: "test"))
        do {
            try await backend.read(body)
        } catch {
            try await backend.close()
            throw error
        }
        try await backend.close()
    }
}
