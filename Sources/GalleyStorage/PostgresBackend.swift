import Foundation
import GalleyCore
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// PostgreSQL through a pool of connections (postgres-nio's `PostgresClient`), for several
/// replicas of Galley sharing one database.
///
/// Writes serialize on a transaction-scoped advisory lock, across every replica, as SQLite's
/// single writer does in one process. A database that cannot be reached within
/// ``operationTimeout`` makes a request fail with 503 instead of hanging.
final class PostgresBackend: SQLBackend {
    let dialect = SQLDialect.postgres
    let location: String
    let poolSize: Int
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let inUse = Atomic<Int>(0)
    private let logger: Logger

    /// How long a request waits for a connection before it gives up with 503. Once it has one,
    /// its statements are bounded by the server's `statement_timeout` instead, so that a write
    /// is never reported failed after it committed.
    let connectionTimeout: Duration
    static let statementTimeout = "15s"
    /// Keys of the advisory locks: one for writes, one for migrations ("GALW", "GALM").
    static let writeLock: Int64 = 0x4741_4C57
    static let migrationLock: Int64 = 0x4741_4C4D
    /// The channel every write transaction notifies when it commits.
    static let changesChannel = "galley_changes"

    var connectionCounts: [String: Int] { ["in_use": inUse.load(ordering: .relaxed), "maximum": poolSize] }

    init(url: PostgresURL, poolSize: Int, connectionTimeout: Duration, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: url.tls
        )
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.additionalStartupParameters = [("application_name", "galley"), ("statement_timeout", Self.statementTimeout)]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.poolSize = poolSize
        self.connectionTimeout = connectionTimeout
        self.location = url.redacted
        self.logger = logger
        running = Task { await client.run() }
        self.url = url
    }

    private let url: PostgresURL

    /// Listens on a connection of its own (not the pool's): calls `onListening` once LISTEN is in
    /// place, then `onChange` after every write that commits, on any replica. Returns or throws
    /// when the connection ends; the caller polls until it listens again.
    func listenForChanges(onListening: @Sendable () async -> Void, onChange: @Sendable () async -> Void) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try url.connectionTLS
        )
        configuration.options.connectTimeout = .seconds(3)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.listen(on: Self.changesChannel) { notifications in
                await onListening()
                for try await _ in notifications { await onChange() }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in try await body(connection.sql()) }
    }

    func snapshot<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await self.transaction(on: connection.sql(), begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger, body)
        }
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in
            // Delivered at the commit, to every replica listening (never if it rolls back).
            try await self.transaction(
                on: connection.sql(), begin: "BEGIN", beforeCommit: "NOTIFY \(unsafeRaw: Self.changesChannel)", logger: self.logger
            ) { db in
                try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Self.writeLock))").run()
                return try await body(db)
            }
        }
    }

    func exclusively<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let db = connection.sql()
            // Another replica's migration may take a while: wait for it however long it takes.
            try await db.raw("SET statement_timeout = 0").run()
            try await db.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLock))").run()
            do {
                let result = try await body(db)
                try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                try await db.raw("RESET statement_timeout").run()
                return result
            } catch {
                do {
                    try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                } catch let unlock {
                    // Closing the session releases the lock too.
                    self.logger.warning("could not release the migration lock", metadata: ["error": "\(unlock)"])
                }
                throw error
            }
        }
    }

    /// A pooled connection for `body`, or a 503 when none comes within ``connectionTimeout``.
    ///
    /// Once the database has been found unreachable, one request at a time tries it (the
    /// watcher's poll is usually that one) and the others answer 503 at once instead of each
    /// waiting out the timeout; the first success ends the outage.
    private func withConnection<T: Sendable>(_ body: @Sendable @escaping (PostgresConnection) async throws -> T) async throws -> T {
        let probing = try outage.withLock { outage -> Bool in
            guard outage.down else { return false }
            guard !outage.probing else { throw Self.unavailable }
            outage.probing = true
            return true
        }
        defer { if probing { outage.withLock { $0.probing = false } } }
        do {
            let result = try await leaseAndRun(body)
            if probing { outage.withLock { $0.down = false } }
            return result
        } catch let error as GalleyError where error == Self.unavailable {
            outage.withLock { $0.down = true }
            throw error
        }
    }

    private struct Outage {
        var down = false
        var probing = false
    }

    private let outage = Mutex(Outage())

    private func leaseAndRun<T: Sendable>(_ body: @Sendable @escaping (PostgresConnection) async throws -> T) async throws -> T {
        inUse.add(1, ordering: .relaxed)
        defer { inUse.subtract(1, ordering: .relaxed) }
        let leased = Flag()
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: self.connectionTimeout)
                    // Running already: let it finish, under the server's statement timeout.
                    guard leased.isSet else { throw Self.unavailable }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw Self.unavailable
            }
        } catch let error as PSQLError where Self.isOutage(error) {
            throw Self.unavailable
        }
    }

    static let unavailable = GalleyError(.unavailable, "the database is not reachable; try again in a moment")

    /// Whether the error is the database being unreachable rather than a statement failing.
    static func isOutage(_ error: PSQLError) -> Bool {
        guard error.code == .server else { return true }
        // Class 08: connection exception; class 57: operator intervention (shutdown, restart).
        let state = error.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57")
    }

    func close() async throws {
        running.cancel()
        await running.value
    }
}

/// A one-way switch shared between tasks.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// `postgres://user:password@host:port/database?sslmode=…`, as libpq reads it.
public struct PostgresURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` (the default), `require` (encrypted, any certificate) or
    /// `verify-full` (encrypted, certificate checked against the system's roots and the host).
    public var sslMode: String

    public init?(_ text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? ""),
              let host = components.host, !host.isEmpty, let user = components.percentEncodedUser, !user.isEmpty
        else { return nil }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { return nil }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else { return nil }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = mode
    }

    /// The URL without its password, for logs.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(sslMode)"
    }

    /// What `sslmode` asks for, as libpq reads it: no TLS, or TLS preferred or required with
    /// these settings (`require` and `prefer` check no certificate, `verify-*` the system's roots).
    private var tlsChoice: (required: Bool, configuration: TLSConfiguration)? {
        switch sslMode {
        case "disable": return nil
        case "verify-ca", "verify-full": return (true, .makeClientConfiguration())
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return (sslMode == "require", configuration)
        }
    }

    var tls: PostgresClient.Configuration.TLS {
        guard let choice = tlsChoice else { return .disable }
        return choice.required ? .require(choice.configuration) : .prefer(choice.configuration)
    }

    /// The same for a single connection, which takes a TLS context.
    var connectionTLS: PostgresConnection.Configuration.TLS {
        get throws {
            guard let choice = tlsChoice else { return .disable }
            let context = try NIOSSLContext(configuration: choice.configuration)
            return choice.required ? .require(context) : .prefer(context)
        }
    }
}
