import Foundation
import Logging
import SQLKit

/// The SQL a statement is written in, where the two databases differ.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// Where a ``SQLStore``'s statements run: connections, transactions and their locking. The store
/// holds the SQL; a backend only says how to reach the database.
protocol SQLBackend: Sendable {
    var dialect: SQLDialect { get }
    /// Where the data lives, for logs (a path, or a URL without its password).
    var location: String { get }
    /// Open connections by role, for `/metrics`.
    var connectionCounts: [String: Int] { get }

    /// Runs `body` on a connection for reading.
    func read<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one read-only transaction: every statement in it sees the database as it
    /// was when the first one ran, whatever other connections and processes write meanwhile.
    func snapshot<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    /// Writes are serialized, across processes too, so that a read-then-write in `body` sees no
    /// other writer between its statements.
    func write<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` on one connection that no other process migrates through at the same time;
    /// `body` makes its own transactions.
    func exclusively<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T

    func close() async throws
}

extension SQLBackend {
    /// `body` between `begin` and `COMMIT` on `db` (with `beforeCommit` run last in it), rolled
    /// back when it throws. The body's error is the one thrown: a failed rollback (SQLite rolls
    /// back by itself on some errors, a broken connection cannot) is only logged.
    func transaction<T: Sendable>(
        on db: any SQLDatabase, begin: SQLQueryString, beforeCommit: SQLQueryString? = nil, logger: Logger,
        _ body: @Sendable @escaping (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.raw(begin).run()
        do {
            let result = try await body(db)
            if let beforeCommit { try await db.raw(beforeCommit).run() }
            try await db.raw("COMMIT").run()
            return result
        } catch {
            do {
                try await db.raw("ROLLBACK").run()
            } catch let rollback {
                logger.warning("rollback failed", metadata: ["error": "\(rollback)", "cause": "\(error)"])
            }
            throw error
        }
    }
}
