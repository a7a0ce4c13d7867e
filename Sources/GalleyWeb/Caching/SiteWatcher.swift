import Foundation
import GalleyCore
import Logging
import ServiceLifecycle
import Synchronization

/// Which version of the public site a page was rendered from: the ``SiteState`` it was read in.
/// Two pages of the same generation can be served together; a write, or a scheduled post going
/// public, starts a new one.
typealias SiteGeneration = SiteState

/// Knows the current ``SiteGeneration`` without asking the database on every request.
///
/// - A write through this process's store is seen at once: the store's ``LocalChanges`` count moved.
/// - A scheduled post's moment is known in advance: past it, the generation is read again.
/// - Writes by other replicas on PostgreSQL are heard as they commit (LISTEN/NOTIFY, on a
///   connection of the watcher's own); while it cannot listen, and always on SQLite (`galley
///   import` beside `galley serve`), it polls every `pollInterval`.
final class SiteWatcher: Service, Sendable {
    private struct Known {
        var generation: SiteGeneration
        var localChanges: Int
        var readAt: Date
    }

    let store: any Store
    let clock: @Sendable () -> Date
    let pollInterval: Duration
    /// Called by the poll when the site revision moved since it was last called: settings saved
    /// by another replica are read again there.
    let onNewRevision: @Sendable () async -> Void
    let logger: Logger
    private let known = Mutex<Known?>(nil)

    init(
        store: any Store, clock: @escaping @Sendable () -> Date, pollInterval: Duration = .seconds(1),
        logger: Logger = Logger(label: "galley"), onNewRevision: @escaping @Sendable () async -> Void = {}
    ) {
        self.store = store
        self.clock = clock
        self.pollInterval = pollInterval
        self.onNewRevision = onNewRevision
        self.logger = logger
    }

    /// The current generation; `nil` when it cannot be known (the database is down), and then
    /// nothing should be served from or put into a cache.
    func current() async -> SiteGeneration? {
        if let known = currentIfKnown() { return known }
        return try? await refresh()
    }

    /// The current generation when it is known without reading the database; `nil` when it must
    /// be read again (a write here, or a scheduled post's moment has come).
    func currentIfKnown() -> SiteGeneration? {
        let now = clock()
        let localChanges = store.localChanges.value
        guard let known = known.withLock({ $0 }), known.localChanges == localChanges,
              known.generation.nextChange.map({ now < $0 }) ?? true
        else { return nil }
        return known.generation
    }

    /// Reads the site state from the database and remembers it, unless a newer reading was
    /// remembered meanwhile, so the generation never moves backwards.
    @discardableResult
    func refresh() async throws -> SiteGeneration {
        // Counted before reading: a write during the read makes the next `current()` read again.
        let localChanges = store.localChanges.value
        let now = clock()
        let reading = Known(generation: try await store.siteState(at: now), localChanges: localChanges, readAt: now)
        return known.withLock { known in
            if let current = known,
               current.generation.revision > reading.generation.revision
                || (current.generation.revision == reading.generation.revision && current.readAt > reading.readAt) {
                return current.generation
            }
            known = reading
            return reading.generation
        }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if let notifying = self.store as? any ChangeNotifying, notifying.notifiesChanges {
                        group.addTask { try await self.listen(notifying) }
                    }
                    // Polls each `pollInterval` while nothing listens: always on SQLite, and on
                    // PostgreSQL while the listening connection is down or not yet up.
                    group.addTask {
                        while true {
                            try await Task.sleep(for: self.pollInterval)
                            if !self.listening.load(ordering: .relaxed) { await self.check(polled: true) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// Whether another process's writes come as notifications now (else they are polled).
    let listening = Atomic<Bool>(false)
    /// Reads of the site state because of a poll, and because of a notification.
    let polls = Atomic<Int>(0)
    let notifications = Atomic<Int>(0)
    private let announced = Mutex<Int64?>(nil)

    /// Listens for every replica's commits on a connection of its own, and listens again, each
    /// `pollInterval`, when that connection ends.
    private func listen(_ notifying: any ChangeNotifying) async throws {
        // Said once when listening stops, not at every failed try after.
        var quiet = false
        while true {
            var failure: (any Error)?
            do {
                try await notifying.listenForChanges(
                    onListening: {
                        self.listening.store(true, ordering: .relaxed)
                        self.logger.info("listening for other replicas' writes")
                        // What was written while nobody listened.
                        await self.check(polled: false)
                    },
                    onChange: { await self.check(polled: false) }
                )
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = error
            }
            try Task.checkCancellation()
            if listening.exchange(false, ordering: .relaxed) { quiet = false }
            if !quiet {
                logger.warning("not listening for other replicas' writes: polling until it can", metadata: ["error": "\(failure.map { "\($0)" } ?? "the connection ended")"])
                quiet = true
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Reads the site state, and calls `onNewRevision` when the revision moved since the last check.
    private func check(polled: Bool) async {
        if polled { polls.add(1, ordering: .relaxed) } else { notifications.add(1, ordering: .relaxed) }
        let revision: Int64
        do {
            revision = try await refresh().revision
        } catch {
            // The database is unreachable: pages are answered uncached meanwhile (`current()`
            // is nil), and the next poll or notification tries again.
            logger.warning("cannot read the site revision", metadata: ["error": "\(error)"])
            return
        }
        let previous = announced.withLock { announced in
            defer { announced = max(announced ?? revision, revision) }
            return announced
        }
        if let previous, previous < revision { await onNewRevision() }
    }
}
