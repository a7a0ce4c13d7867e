import Foundation
import GalleyCore
import HTTPTypes
import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus' text format: requests by route, method and status,
/// their latency, the response cache, the database connections and the build.
///
/// Every answer is counted: those of the application (by ``RequestIDMiddleware``) and those of
/// the cache's fast path, under the route pattern (`/posts/{slug}`) so the number of series stays
/// small however many pages there are.
public final class SiteMetrics: Sendable {
    public static let version = "0.1.0"

    let registry = PrometheusCollectorRegistry()
    private let cache: ResponseCache?
    private let requests = Mutex<[RequestKey: RequestSeries]>([:])
    private let cacheCounters: (hits: Counter, misses: Counter, waits: Counter, evictions: Counter)
    private let cacheGauges: (entries: Gauge, bytes: Gauge, budget: Gauge)
    private let lastCacheStatistics = Mutex(ResponseCache.Statistics())
    /// Answers waiting to be counted and their latencies to go into their histograms, gathered
    /// per thread slot. A histogram takes a lock for every value, and both event loops record
    /// into the same one at every answer: they waited on it ~180 times a second (strace, cached
    /// pages); a counter is one atomic add, but on a cache line both cores take turns at. Each
    /// slot hands its answers over in batches, and a scrape takes every batch first.
    private let pending = ThreadSlots<[(RequestSeries, Duration)]> { [] }
    static let batch = 32

    struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    /// Connections the server closed on its own, by ``ConnectionCloseReason``.
    private let closedConnections: [ConnectionCloseReason: Counter]

    /// The store's connections by role, read at every scrape (a pool's use changes).
    private let databaseConnections: @Sendable () -> [String: Int]
    private let connectionGauges = Mutex<[String: Gauge]>([:])

    /// How the site watcher learns of other processes' writes.
    private let watcher: SiteWatcher?
    private let watch: (listening: Gauge, polls: Counter, notifications: Counter)
    private let lastWatch = Mutex((polls: 0, notifications: 0))

    init(cache: ResponseCache?, databaseConnections: @escaping @Sendable () -> [String: Int], watcher: SiteWatcher? = nil) {
        self.cache = cache
        self.databaseConnections = databaseConnections
        self.watcher = watcher
        let reads = MetricNameDescriptor.galley("site_state_reads", unit: "total", help: "Reads of the site revision for other processes' writes, by why.")
        watch = (
            registry.makeGauge(descriptor: .galley("site_listening", unit: "", help: "1 while other replicas' writes are heard as they commit (PostgreSQL LISTEN); 0 while they are polled.")),
            registry.makeCounter(descriptor: reads, labels: [("reason", "poll")]),
            registry.makeCounter(descriptor: reads, labels: [("reason", "notification")])
        )
        cacheCounters = (
            registry.makeCounter(descriptor: .galley("cache_hits", unit: "total", help: "Pages answered from the response cache.")),
            registry.makeCounter(descriptor: .galley("cache_misses", unit: "total", help: "Cacheable pages that had to be rendered.")),
            registry.makeCounter(descriptor: .galley("cache_waits", unit: "total", help: "Requests that waited for another request's render of the same page.")),
            registry.makeCounter(descriptor: .galley("cache_evictions", unit: "total", help: "Pages dropped to stay within the budget."))
        )
        let closed = MetricNameDescriptor.galley("connections_closed", unit: "total", help: "Connections the server closed or refused because of a limit.")
        let registry = registry
        closedConnections = Dictionary(uniqueKeysWithValues: ConnectionCloseReason.allCases.map { reason in
            (reason, registry.makeCounter(descriptor: closed, labels: [("reason", reason.rawValue)]))
        })
        cacheGauges = (
            registry.makeGauge(descriptor: .galley("cache_entries", unit: "", help: "Pages in the response cache.")),
            registry.makeGauge(descriptor: .galley("cache", unit: "bytes", help: "Memory held by the response cache.")),
            registry.makeGauge(descriptor: .galley("cache_budget", unit: "bytes", help: "The response cache's budget (--cache-size)."))
        )
        registry.makeGauge(
            descriptor: .galley("build_info", unit: "", help: "Always 1; the labels say what is running."),
            labels: [("version", Self.version), ("swift", Self.swiftVersion)]
        ).set(to: 1)
        cacheGauges.budget.set(to: Double(cache?.budget ?? 0))
    }

    /// One route, method and status: its request counter and latency histogram. A class, so a
    /// waiting answer holds one reference to it, not three.
    final class RequestSeries: Sendable {
        let key: RequestKey
        let counter: Counter
        let latency: DurationHistogram

        init(key: RequestKey, counter: Counter, latency: DurationHistogram) {
            (self.key, self.counter, self.latency) = (key, counter, latency)
        }
    }

    func connectionClosed(_ reason: ConnectionCloseReason) {
        closedConnections[reason]?.increment()
    }

    /// Counts one answer.
    func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        record(series(RequestKey(route: route, method: method.rawValue, status: status.code)), duration)
    }

    private func record(_ series: RequestSeries, _ duration: Duration) {
        let batch = pending.withCurrent { answers in
            answers.append((series, duration))
            return answers.count >= Self.batch ? Self.take(&answers) : []
        }
        Self.record(batch)
    }

    /// The waiting answers, leaving none.
    private static func take(_ answers: inout [(RequestSeries, Duration)]) -> [(RequestSeries, Duration)] {
        defer { answers.removeAll(keepingCapacity: true) }
        return answers
    }

    /// Into their counters and histograms, outside the slots' locks.
    private static func record(_ answers: [(RequestSeries, Duration)]) {
        for (series, duration) in answers {
            series.counter.increment()
            series.latency.record(duration)
        }
    }

    /// Counts one answer, reusing `last` when it is the same series: a fast path's connection
    /// keeps it, and skips the lock that every event loop would otherwise take per request.
    func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration, last: inout RequestSeries?) {
        let key = RequestKey(route: route, method: method.rawValue, status: status.code)
        if let last, last.key == key {
            record(last, duration)
        } else {
            let series = series(key)
            record(series, duration)
            last = series
        }
    }

    private func series(_ key: RequestKey) -> RequestSeries {
        requests.withLock { requests in
            if let series = requests[key] { return series }
            let labels = [("route", key.route), ("method", key.method), ("status", String(key.status))]
            let series = RequestSeries(
                key: key,
                counter: registry.makeCounter(descriptor: .galley("http_requests", unit: "total", help: "Answered requests."), labels: labels),
                latency: registry.makeDurationHistogram(
                    descriptor: .galley("http_request_duration", unit: "seconds", help: "Time to answer, from the request to the response head."),
                    labels: labels, buckets: Self.latencyBuckets
                )
            )
            requests[key] = series
            return series
        }
    }

    /// The text Prometheus scrapes, with the cache's numbers brought up to date first.
    func render() -> [UInt8] {
        var waiting: [(RequestSeries, Duration)] = []
        pending.forEach { waiting += Self.take(&$0) }
        Self.record(waiting)
        if let cache {
            let now = cache.statistics
            let before = lastCacheStatistics.withLock { last in
                defer { last = now }
                return last
            }
            cacheCounters.hits.increment(by: Int64(now.hits - before.hits))
            cacheCounters.misses.increment(by: Int64(now.misses - before.misses))
            cacheCounters.waits.increment(by: Int64(now.waits - before.waits))
            cacheCounters.evictions.increment(by: Int64(now.evictions - before.evictions))
            cacheGauges.entries.set(to: Double(now.entries))
            cacheGauges.bytes.set(to: Double(now.bytes))
        }
        if let watcher {
            let now = (polls: watcher.polls.load(ordering: .relaxed), notifications: watcher.notifications.load(ordering: .relaxed))
            let before = lastWatch.withLock { last in
                defer { last = now }
                return last
            }
            watch.polls.increment(by: Int64(now.polls - before.polls))
            watch.notifications.increment(by: Int64(now.notifications - before.notifications))
            watch.listening.set(to: watcher.listening.load(ordering: .relaxed) ? 1 : 0)
        }
        for (role, count) in databaseConnections() {
            let gauge = connectionGauges.withLock { gauges in
                if let gauge = gauges[role] { return gauge }
                let gauge = registry.makeGauge(
                    descriptor: .galley("database_connections", unit: "", help: "Database connections by role (SQLite: writer, reader; PostgreSQL: in_use, maximum)."),
                    labels: [("role", role)]
                )
                gauges[role] = gauge
                return gauge
            }
            gauge.set(to: Double(count))
        }
        return registry.emitToBuffer()
    }

    static var swiftVersion: String {
        #if compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6"
        #endif
    }
}

extension MetricNameDescriptor {
    static func galley(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "galley", metricName: name, unitName: unit, helpText: help)
    }
}

/// Who may read `/metrics`: a bearer token when one is set, otherwise the listed addresses
/// (loopback by default). The connection's own address is judged, never `X-Forwarded-For`.
public struct MetricsAccess: Sendable, Equatable {
    public var allowed: AddressRanges
    public var token: String?

    public static let loopback = MetricsAccess(allowed: AddressRanges(parsing: "127.0.0.0/8, ::1")!, token: nil)

    public init(allowed: AddressRanges, token: String?) {
        self.allowed = allowed
        self.token = token
    }

    func permits(peer: String?, authorization: String?) -> Bool {
        if let token {
            guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
            return constantTimeEqual(Array(authorization.utf8.dropFirst(7)), Array(token.utf8))
        }
        return peer.map(allowed.contains) ?? false
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Why the server closed a connection on its own (``ConnectionLimits``).
enum ConnectionCloseReason: String, CaseIterable, Sendable {
    /// A request head took longer than `headTimeout`.
    case headTimeout = "head_timeout"
    /// Nothing happened for `idleTimeout`.
    case idleTimeout = "idle_timeout"
    /// Closed at `maxConnections` to make room for a new one.
    case evicted
    /// A new connection at `maxConnections`, with every other one being answered.
    case refused
}
