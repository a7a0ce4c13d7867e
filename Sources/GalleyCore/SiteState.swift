import Foundation
import Synchronization

/// What decides whether a page rendered earlier is still what a reader should see: the site
/// revision, which every write bumps, and the moment the next scheduled post goes public, which
/// changes pages without any write.
public struct SiteState: Sendable, Equatable {
    public var revision: Int64
    /// The earliest `publishedAt` after the moment asked about, of a post that is published but
    /// scheduled; `nil` when none is waiting.
    public var nextPublication: Date?

    public init(revision: Int64, nextPublication: Date?) {
        self.revision = revision
        self.nextPublication = nextPublication
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
