import Foundation
import Synchronization

/// What decides whether a page rendered earlier is still what a reader should see: the site
/// revision, which every write bumps, and the next moment a post goes public at its scheduled
/// time or stops being public at its expiry, which changes pages without any write.
public struct SiteState: Sendable, Equatable {
    public var revision: Int64
    /// The earliest moment after the one asked about when a published post's `publishedAt` or
    /// `expiresAt` comes; `nil` when none is waiting.
    public var nextChange: Date?

    public init(revision: Int64, nextChange: Date?) {
        self.revision = revision
        self.nextChange = nextChange
    }
}

/// Counts the writes this process made through one store, in memory. A reader in the same process
/// compares it with the count it last saw to learn of a write at once, without asking the
/// database; writes by other processes are learnt by polling ``PostStore/siteState(at:)``.
public final class LocalChanges: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public func record() {
        count.add(1, ordering: .releasing)
    }

    public var value: Int {
        count.load(ordering: .acquiring)
    }
}

/// A store that hears of every write, by any process, as it commits (PostgreSQL's LISTEN and
/// NOTIFY), so that replicas need not poll.
public protocol ChangeNotifying: Sendable {
    /// Whether this store can listen; SQLite cannot (another process's writes are polled).
    var notifiesChanges: Bool { get }

    /// Listens until the connection ends or the task is cancelled: `onListening` once listening,
    /// then `onChange` after every committed write.
    func listenForChanges(onListening: @Sendable () async -> Void, onChange: @Sendable () async -> Void) async throws
}
