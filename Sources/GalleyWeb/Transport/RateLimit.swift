import GalleyCore
import Hummingbird
import Synchronization

/// A token bucket per client address for the routes that cost real work at every request and
/// that anyone can call: search, the live preview, and feeds rendered on a cache miss. A client
/// over its allowance gets a 429 with `Retry-After`. Kept in memory, per replica, and bounded
/// however many addresses come.
final class RateLimit: Sendable {
    /// `perMinute` requests a minute on average, up to `burst` at once; 0 turns it off.
    struct Limits: Sendable, Equatable {
        var perMinute: Int
        var burst: Int
    }

    let limits: Limits
    let clock: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])
    static let maximumClients = 10_000

    /// Clients with a bucket now.
    var clients: Int { buckets.withLock { $0.count } }

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    init(limits: Limits, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limits = limits
        self.clock = clock
    }

    /// Takes one request from the client's allowance, or throws a 429 saying when to come back.
    func take(client: String?, what: String) throws(GalleyError) {
        guard limits.perMinute > 0 else { return }
        let now = clock()
        let perSecond = Double(limits.perMinute) / 60
        let wait: Int? = buckets.withLock { buckets in
            let key = client ?? "unknown"
            var bucket = buckets[key] ?? Bucket(tokens: Double(limits.burst), updated: now)
            bucket.tokens = min(Double(limits.burst), bucket.tokens + perSecond * Self.seconds(now - bucket.updated))
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > Self.maximumClients { prune(&buckets, at: now, perSecond: perSecond) }
            }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
        if let wait {
            var error = GalleyError(.tooManyRequests, "too many \(what) from your address; try again in \(wait) seconds")
            error.retryAfter = wait
            throw error
        }
    }

    /// Drops the buckets that have filled up again: they hold nothing a new bucket would not. If
    /// that is not enough (many clients at once), the half used longest ago go too, so that the
    /// next pruning is thousands of requests away.
    private func prune(_ buckets: inout [String: Bucket], at now: ContinuousClock.Instant, perSecond: Double) {
        buckets = buckets.filter { $0.value.tokens + perSecond * Self.seconds(now - $0.value.updated) < Double(limits.burst) }
        guard buckets.count > Self.maximumClients / 2 else { return }
        let recent = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(Self.maximumClients / 2)
        buckets = Dictionary(uniqueKeysWithValues: recent.map { ($0.key, $0.value) })
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Applies a ``RateLimit`` to the routes registered after it.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limit: RateLimit
    /// What the client sent too many of, for the message (`searches`).
    let what: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try limit.take(client: context.clientAddress, what: what)
        return try await next(request, context)
    }
}
