/// How much of the server one client can hold. The defaults are safe for a blog left alone on
/// the open internet for years: idle and trickling connections are closed, a full house makes
/// room for a newcomer, and nobody's requests pile up unanswered.
public struct ConnectionLimits: Sendable, Equatable {
    /// Open connections at most. At the limit a new connection closes the one that has been
    /// quiet longest (idle, or still sending its request head; never one being answered), as
    /// nginx does with its keep-alive connections; with none of those, the newcomer is refused.
    public var maxConnections: Int
    /// A connection with nothing to answer and nothing arriving is closed after this; so is one
    /// whose client stopped reading its answers or stopped sending a request's body.
    public var idleTimeout: Duration
    /// A request head must arrive whole within this from its first byte (or from the connection's
    /// start, for the first request), however slowly its bytes trickle in (slowloris).
    public var headTimeout: Duration
    /// The longest request head: request line and header fields together, in bytes.
    public var maxHeadBytes: Int
    /// The most header fields in one request.
    public var maxHeaderCount: Int
    /// Requests of one connection waiting for the application's answers; past this, reading
    /// from that connection waits for answers to go out.
    public var maxPipelined: Int
    /// Requests a minute per client address to search and to feeds rendered on a cache miss
    /// (bursts of up to half as many at once); 0 turns the limit off. The live preview, for
    /// signed-in authors only, allows five times as many.
    public var expensivePerMinute: Int

    public static let defaults = ConnectionLimits()

    var expensive: RateLimit.Limits { .init(perMinute: expensivePerMinute, burst: max(1, expensivePerMinute / 2)) }
    var preview: RateLimit.Limits { .init(perMinute: expensivePerMinute * 5, burst: max(1, expensivePerMinute * 5 / 2)) }

    public init(
        maxConnections: Int = 4096, idleTimeout: Duration = .seconds(60), headTimeout: Duration = .seconds(10),
        maxHeadBytes: Int = 32 << 10, maxHeaderCount: Int = 100, maxPipelined: Int = 16, expensivePerMinute: Int = 60
    ) {
        self.expensivePerMinute = expensivePerMinute
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxPipelined = maxPipelined
    }
}
