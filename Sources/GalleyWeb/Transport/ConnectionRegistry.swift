import NIOCore
import Synchronization

/// Every open connection, for ``ConnectionLimits/maxConnections``: at the limit, a new
/// connection closes the one quiet longest, so that a normal reader still gets in while idle or
/// trickling connections fill the house (8,000 idle connections once left no room for anyone).
final class ConnectionRegistry: Sendable {
    let limit: Int
    let metrics: SiteMetrics
    private let open = Mutex<[ObjectIdentifier: (channel: any Channel, activity: ConnectionActivity)]>([:])

    init(limit: Int, metrics: SiteMetrics) {
        self.limit = limit
        self.metrics = metrics
    }

    /// Adds a new connection, closing the quietest one to make room at the limit. False when
    /// every open connection is being answered: the new one is then to be refused.
    func admit(_ channel: any Channel, activity: ConnectionActivity) -> Bool {
        let id = ObjectIdentifier(channel)
        let outcome: (admitted: Bool, evicted: (any Channel)?) = open.withLock { open in
            var evicted: (any Channel)?
            if open.count >= limit {
                guard let quietest = open.min(by: { $0.value.activity.lastActive < $1.value.activity.lastActive }),
                      quietest.value.activity.lastActive != ConnectionActivity.busy
                else { return (false, nil) }
                open[quietest.key] = nil
                evicted = quietest.value.channel
            }
            open[id] = (channel, activity)
            return (true, evicted)
        }
        if let evicted = outcome.evicted {
            metrics.connectionClosed(.evicted)
            evicted.close(promise: nil)
        }
        guard outcome.admitted else { return false }
        channel.closeFuture.whenComplete { [self] _ in
            open.withLock { open in
                if open[id]?.channel === channel { open[id] = nil }
            }
        }
        return true
    }
}

/// When a connection was last active, readable from other event loops: written on its own
/// loop at each read and answer, read by ``ConnectionRegistry`` only at the limit.
final class ConnectionActivity: Sendable {
    /// A connection the application is answering is never the quietest.
    static let busy = UInt64.max
    private let value = Atomic<UInt64>(0)

    var lastActive: UInt64 { value.load(ordering: .relaxed) }

    func active(at now: NIODeadline) {
        value.store(now.uptimeNanoseconds, ordering: .relaxed)
    }

    func busy() {
        value.store(Self.busy, ordering: .relaxed)
    }
}
