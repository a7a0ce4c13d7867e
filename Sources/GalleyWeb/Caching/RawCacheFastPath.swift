import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Answers cache hits from the bytes the socket delivered, before SwiftNIO's HTTP/1 parser: the
/// request head is read in place, the answer's status line and headers were formatted when the
/// page was cached, and the body is the cached buffer itself. Measured, this is what brings a
/// cached page close to nginx sending a file (the HTTP/1 codec and the conversion to and from
/// `HTTPTypes` cost more than everything Galley itself does on a hit).
///
/// It is the first handler of every connection. Each request it does not answer, and its body,
/// goes on to SwiftNIO's parser whole, so that parser always starts at a request boundary; a
/// request behind one still being answered by the application goes on too, so answers keep their
/// order. If a head is anything this parser does not vouch for (see ``RawRequestHead``), or a
/// graceful shutdown begins, every byte from then on goes to SwiftNIO's parser.
final class RawCacheFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let answers: FastAnswers
    let ledger: ConnectionLedger

    /// Bytes of a request head still arriving.
    private var partial: ByteBuffer?
    /// Bytes of the body of a request handed on that are still to be handed on.
    private var bodyToHandOn = 0
    /// Everything goes to SwiftNIO's parser from now on.
    private var handingOnEverything = false
    private var answeredSinceFlush = false
    /// Bytes went on to SwiftNIO's parser since the last `channelReadComplete`.
    private var handedOnSinceReadComplete = false
    private var memo = ConnectionMemo()

    init(answers: FastAnswers, ledger: ConnectionLedger) {
        self.answers = answers
        self.ledger = ledger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !handingOnEverything else {
            handOn(data, context: context)
            return
        }
        var input = unwrapInboundIn(data)
        if var partial {
            partial.writeBuffer(&input)
            input = partial
            self.partial = nil
        }
        while input.readableBytes > 0 {
            if handingOnEverything {
                handOn(wrapInboundOut(input), context: context)
                return
            }
            if bodyToHandOn > 0 {
                let length = min(bodyToHandOn, input.readableBytes)
                handOn(wrapInboundOut(input.readSlice(length: length)!), context: context)
                bodyToHandOn -= length
                continue
            }
            let parsed = input.withUnsafeReadableBytes { RawRequestHead.parse($0) }
            switch parsed {
            case .incomplete:
                partial = input
                return
            case .unsupported:
                handingOnEverything = true
            case .head(let head):
                if head.answerable, !ledger.unanswered, answer(head, in: input, context: context) {
                    input.moveReaderIndex(forwardBy: head.length)
                } else {
                    ledger.handedOn += 1
                    handOn(wrapInboundOut(input.readSlice(length: head.length)!), context: context)
                    bodyToHandOn = head.contentLength
                }
            }
        }
    }

    private func handOn(_ data: NIOAny, context: ChannelHandlerContext) {
        handedOnSinceReadComplete = true
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if answeredSinceFlush {
            answeredSinceFlush = false
            context.flush()
        }
        if handedOnSinceReadComplete {
            handedOnSinceReadComplete = false
            context.fireChannelReadComplete()
        } else {
            // Everything read was answered here: the handlers behind have nothing to finish, and
            // the next read is asked for here instead of by Hummingbird's channel (reads are not
            // automatic there), which saves a trip through the whole pipeline and back.
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Hummingbird closes the connection between requests; it must see them all.
            handingOnEverything = true
            if let partial {
                self.partial = nil
                context.fireChannelRead(wrapInboundOut(partial))
                context.fireChannelReadComplete()
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Writes the cached answer, if the page is cached.
    private func answer(_ head: RawRequestHead, in input: ByteBuffer, context: ChannelHandlerContext) -> Bool {
        let start = ContinuousClock.now
        func text(_ range: Range<Int>?) -> String? {
            range.flatMap { input.getString(at: input.readerIndex + $0.lowerBound, length: $0.count) }
        }
        guard let target = text(head.target), let stored = answers.lookup(target: target) else { return false }
        let variant = stored.variant(acceptEncoding: text(head.acceptEncoding).map { [$0] } ?? [], ifNoneMatch: text(head.ifNoneMatch).map { [$0] } ?? [])
        let id = text(head.requestID).flatMap(RequestIDMiddleware.accepted) ?? RequestIDMiddleware.generate()
        let prefix = stored.heads[variant.index]
        var out = context.channel.allocator.buffer(capacity: prefix.readableBytes + 96 + answers.serverName.utf8.count)
        out.writeImmutableBuffer(prefix)
        out.writeStaticString("X-Request-Id: ")
        out.writeString(id)
        out.writeStaticString("\r\nDate: ")
        out.writeString(HTTPDate.now())
        out.writeStaticString("\r\nServer: ")
        out.writeString(answers.serverName)
        out.writeStaticString("\r\n\r\n")
        context.write(wrapInboundOut(out), promise: nil)
        if head.method == .get, let body = stored.body(for: variant) {
            context.write(wrapInboundOut(body), promise: nil)
        }
        answeredSinceFlush = true
        answers.record(
            stored, method: head.method == .head ? .head : .get, path: target, status: variant.notModified ? .notModified : .ok, requestID: id,
            connection: &memo, channel: context.channel, forwardedFor: text(head.forwardedFor).map { [$0] } ?? [], since: start
        )
        return true
    }
}

/// For one connection: how many requests the raw fast path handed on to SwiftNIO's parser, and
/// how many answers the application (or ``CacheFastPath``) has finished. While any is
/// unanswered, the raw fast path answers nothing, so answers keep the order of the requests.
/// Only ever touched on the connection's event loop.
final class ConnectionLedger {
    var handedOn = 0
    var finished = 0
    var unanswered: Bool { finished < handedOn }
}

/// What a fast path remembers about its connection between answers.
struct ConnectionMemo {
    /// The peer's address, looked up at the first answer.
    var peer: String??
    var series: SiteMetrics.RequestSeries?
}

/// What both fast paths share: a page's cached answer found without the database, and the
/// metrics and access-log line every answer gets. A class: as a struct held by each handler, it
/// was copied (seven references retained and released) at every answer.
final class FastAnswers: Sendable {
    let cache: ResponseCache
    let watcher: SiteWatcher
    let serverName: String
    let proxies: TrustedProxies
    let metrics: SiteMetrics
    /// Logs an answer's access line, if the logger logs them: straight from its parts when the
    /// logger's handler can (``AccessLogHandler``). Chosen once: the logger's level and handler
    /// never change, and reading them copied the handler at every answer.
    let logAccess: (@Sendable (AccessEntry) -> Void)?

    init(cache: ResponseCache, watcher: SiteWatcher, logger: Logger, serverName: String, proxies: TrustedProxies, metrics: SiteMetrics) {
        self.cache = cache
        self.watcher = watcher
        self.serverName = serverName
        self.proxies = proxies
        self.metrics = metrics
        logAccess = if logger.logLevel > .info {
            nil
        } else if let handler = logger.handler as? any AccessLogHandler {
            { handler.logAccess($0, source: RequestIDMiddleware.logSource) }
        } else {
            { RequestIDMiddleware.logAccess(logger, $0) }
        }
    }

    /// The cached answer for a request target, if the site's generation is known without
    /// reading the database and the page is cached in it.
    func lookup(target: String) -> StoredResponse? {
        guard let generation = watcher.currentIfKnown() else { return nil }
        return cache.lookup(ResponseCacheMiddleware.key(target: target), in: generation)
    }

    /// Counts the answer and logs its line; `connection` is what the connection's fast path
    /// keeps from one answer to the next.
    func record(
        _ stored: StoredResponse, method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, requestID: String,
        connection: inout ConnectionMemo, channel: any Channel, forwardedFor: [String], since start: ContinuousClock.Instant
    ) {
        // One reading of the clock for the latency and the log line.
        let duration = ContinuousClock.now - start
        metrics.record(route: stored.route, method: method, status: status, duration: duration, last: &connection.series)
        guard let logAccess else { return }
        if connection.peer == nil { connection.peer = .some(channel.remoteAddress?.ipAddress) }
        let client = proxies.client(peer: connection.peer ?? nil, forwardedFor: forwardedFor)
        logAccess(AccessEntry(method: method, path: path, status: status, client: client, requestID: requestID, duration: duration))
    }
}

/// Hummingbird's HTTP/1 channel with the raw fast path in front of its parser; one per
/// connection, so the two fast paths of a connection share its ``ConnectionLedger``.
struct FastHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let answers: FastAnswers

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Called on the channel's event loop, before it reads anything; all of it happens now, in
        // one go, so no byte can reach a pipeline that has the raw fast path but no HTTP/1 codec.
        let ledger = NIOLoopBound(ConnectionLedger(), eventLoop: channel.eventLoop)
        do {
            try channel.pipeline.syncOperations.addHandler(RawCacheFastPath(answers: answers, ledger: ledger.value))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [
            FinishWritesBeforeClosing(), CacheFastPath(answers: answers, ledger: ledger.value),
        ])).setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
