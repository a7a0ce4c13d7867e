import Foundation
import GalleyCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers cache hits on the connection's event loop, as soon as the request is parsed: no task,
/// no router, no middleware chain. Everything else goes on to the application as usual.
///
/// It sits in the channel pipeline after HTTP parsing. A request is answered here only when it is
/// a GET or HEAD, keeps the connection open, the site's generation is known without reading the
/// database, the cache holds its page in that generation, and no earlier request of the same
/// connection is still being answered by the application (so pipelined answers keep their
/// order). Its answer is the one ``ResponseCacheMiddleware`` would give, with the same
/// `X-Request-Id` rules and the same access log line.
final class CacheFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let cache: ResponseCache
    let watcher: SiteWatcher
    let logger: Logger
    let serverName: String
    let proxies: TrustedProxies
    let metrics: SiteMetrics

    /// Requests handed to the application whose answers have not ended yet.
    private var inApplication = 0
    /// The request being read was answered here; its body parts are dropped.
    private var answered = false

    init(cache: ResponseCache, watcher: SiteWatcher, logger: Logger, serverName: String, proxies: TrustedProxies, metrics: SiteMetrics) {
        self.metrics = metrics
        self.cache = cache
        self.watcher = watcher
        self.logger = logger
        self.serverName = serverName
        self.proxies = proxies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let start = ContinuousClock.now
            if inApplication == 0, let stored = hit(request) {
                answered = true
                answer(request, with: stored, since: start, context: context)
            } else {
                inApplication += 1
                context.fireChannelRead(data)
            }
        case .body, .end:
            if answered {
                if case .end = unwrapInboundIn(data) { answered = false }
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inApplication = max(0, inApplication - 1) }
        context.write(data, promise: promise)
    }

    private func hit(_ request: HTTPRequest) -> StoredResponse? {
        guard request.method == .get || request.method == .head,
              request.headerFields[.connection].map({ $0.lowercased() == "keep-alive" }) ?? true,
              let path = request.path,
              let generation = watcher.currentIfKnown()
        else { return nil }
        return cache.lookup(ResponseCacheMiddleware.key(target: path), in: generation, countingMisses: false)
    }

    private func answer(_ request: HTTPRequest, with stored: StoredResponse, since start: ContinuousClock.Instant, context: ChannelHandlerContext) {
        let id = request.headerFields[RequestIDMiddleware.header].flatMap(RequestIDMiddleware.accepted) ?? RequestIDMiddleware.generate()
        var (status, headers, body) = stored.answer(request.headerFields)
        headers[RequestIDMiddleware.header] = id
        headers[.date] = HTTPDate.now()
        headers[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        if request.method != .head, let body {
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        metrics.record(route: stored.route, method: request.method, status: status, duration: .now - start)
        if logger.logLevel <= .info {
            var logger = logger
            logger[metadataKey: "hb.request.id"] = .string(id)
            let client = proxies.client(
                peer: context.channel.remoteAddress?.ipAddress,
                forwardedFor: request.headerFields[values: RequestIDMiddleware.forwardedFor]
            )
            RequestIDMiddleware.logAccess(logger, method: request.method, path: request.path ?? "", status: status, client: client, since: start)
        }
    }
}

/// `Date` header values (RFC 9110 §5.6.7), formatted once a second.
enum HTTPDate {
    private static let seconds = PerSecondText { parts in
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT",
            days[Int(parts.tm_wday)], parts.tm_mday, months[Int(parts.tm_mon)], Int(parts.tm_year) + 1900,
            parts.tm_hour, parts.tm_min, parts.tm_sec
        )
    }

    static func now() -> String { seconds.now().text }
}
