import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Answers cache hits from the bytes the socket delivered, before SwiftNIO's HTTP/1 parser: the
/// request head is read in place, the answer's status line and headers were formatted when the
/// page was cached, and the body is the cached buffer itself. Measured, this is what brings a
/// cached page close to nginx sending a file (the HTTP/1 codec and the conversion to and from
/// `HTTPTypes` cost more than everything Galley itself does on a hit).
///
/// It is the first handler of every connection. Each request it does not answer, and its body,
/// goes on to SwiftNIO's parser whole, so that parser always starts at a request boundary; a
/// request behind one still being answered by the application goes on too, so answers keep their
/// order. If a head is anything this parser does not vouch for (see ``RawRequestHead``), a
/// request asks for the connection to be closed after its answer, or a graceful shutdown begins,
/// every byte from then on goes to SwiftNIO's parser.
///
/// It is also where the connection's limits are kept (``ConnectionLimits``), because it sees
/// every byte first. It answers and hands on only while the connection is writable and fewer
/// than `maxPipelined` requests wait for the application: a client that sends requests and
/// never reads their answers fills the socket's send buffer, and then this handler keeps the
/// rest of what it read and stops reading until the answers drain (one connection pipelining a
/// million `GET /` once grew the process from 44 to 704 MB). Reads asked for by the handlers
/// behind it wait too, so neither path reads more than the client takes. One timer a connection
/// closes it when a request head takes longer than `headTimeout` to arrive, or when nothing has
/// happened for `idleTimeout` while nothing is being answered.
final class RawCacheFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let answers: FastAnswers
    let ledger: ConnectionLedger
    let limits: ConnectionLimits
    let activity: ConnectionActivity

    /// Bytes read and not yet dealt with: a request head still arriving, or everything after the
    /// last request dealt with while holding.
    private var pending: ByteBuffer?
    /// Bytes of the body of a request handed on that are still to be handed on.
    private var bodyToHandOn = 0
    /// Everything goes to SwiftNIO's parser from now on.
    private var handingOnEverything = false
    /// Answers are waiting to go out (the client is not reading, or the application has
    /// `maxPipelined` requests to answer): nothing is answered, handed on or read meanwhile.
    private var holding = false
    /// A read the handlers behind asked for while holding.
    private var readHeld = false
    private var answeredSinceFlush = false
    /// Bytes went on to SwiftNIO's parser since the last `channelReadComplete`.
    private var handedOnSinceReadComplete = false
    private var memo = ConnectionMemo()
    private let headLimit: Int
    /// The last byte read, answer finished or write drained.
    private var lastActive = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(answers: FastAnswers, ledger: ConnectionLedger, limits: ConnectionLimits, activity: ConnectionActivity) {
        self.answers = answers
        self.ledger = ledger
        self.limits = limits
        self.activity = activity
        headLimit = min(RawRequestHead.maximumLength, limits.maxHeadBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The first request's head is due from the connection's start.
        ledger.headStarted = lastActive
        ledger.onFinished = { [weak self] in self?.answerFinished(context: context) }
        scheduleTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        ledger.onFinished = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = .now()
        if ledger.unanswered { activity.busy() } else { activity.active(at: lastActive) }
        guard !handingOnEverything else {
            // SwiftNIO's parser reads the heads now (see ``CacheFastPath``); bytes arriving between
            // requests are the start of the next one.
            if !ledger.unanswered, ledger.headStarted == nil { ledger.headStarted = lastActive }
            handOn(data, context: context)
            return
        }
        var input = unwrapInboundIn(data)
        if var pending {
            pending.writeBuffer(&input)
            input = pending
            self.pending = nil
        }
        if holding {
            pending = input
        } else {
            process(input, context: context)
        }
    }

    /// Answers, hands on or keeps each request in `input`, in order.
    private func process(_ input: ByteBuffer, context: ChannelHandlerContext) {
        var input = input
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
            let parsed = input.withUnsafeReadableBytes {
                RawRequestHead.parse($0, maximumLength: headLimit, maximumFields: limits.maxHeaderCount)
            }
            switch parsed {
            case .incomplete:
                if ledger.headStarted == nil { ledger.headStarted = lastActive }
                pending = input
                return
            case .unsupported:
                handOnEverything()
            case .head(let head):
                // It has arrived whole: waiting to answer it is no slow head.
                ledger.headStarted = nil
                if mustHold(context) {
                    holding = true
                    pending = input
                    return
                }
                if head.answerable, !ledger.unanswered, answer(head, in: input, context: context) {
                    input.moveReaderIndex(forwardBy: head.length)
                } else if !head.keepAlive {
                    // After an answer that closes the connection nothing more is answered here:
                    // whatever follows is SwiftNIO's to read or drop.
                    handOnEverything()
                } else {
                    ledger.handedOn += 1
                    activity.busy()
                    handOn(wrapInboundOut(input.readSlice(length: head.length)!), context: context)
                    bodyToHandOn = head.contentLength
                }
            }
        }
    }

    /// From now on SwiftNIO's parser reads every byte, and ``CacheFastPath`` counts the heads.
    private func handOnEverything() {
        handingOnEverything = true
        ledger.headsCountedAfterParsing = true
    }

    private func mustHold(_ context: ChannelHandlerContext) -> Bool {
        !context.channel.isWritable || ledger.handedOn - ledger.finished >= limits.maxPipelined
    }

    private func handOn(_ data: NIOAny, context: ChannelHandlerContext) {
        handedOnSinceReadComplete = true
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        finishBatch(context: context)
    }

    /// Flushes what was answered, and asks for the next read: through the handlers behind if
    /// they were handed anything, here otherwise.
    private func finishBatch(context: ChannelHandlerContext) {
        if answeredSinceFlush {
            answeredSinceFlush = false
            context.flush()
        }
        if handedOnSinceReadComplete {
            handedOnSinceReadComplete = false
            context.fireChannelReadComplete()
        } else if !holding {
            // Everything read was answered here: the handlers behind have nothing to finish, and
            // the next read is asked for here instead of by Hummingbird's channel (reads are not
            // automatic there), which saves a trip through the whole pipeline and back.
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if holding {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            lastActive = .now()
            resume(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// The application finished an answer (called by ``CacheFastPath``, inside a write).
    private func answerFinished(context: ChannelHandlerContext) {
        lastActive = .now()
        if !ledger.unanswered { activity.active(at: lastActive) }
        guard holding else { return }
        // Not inside the write that finished the answer: the bytes held may be answered now.
        context.eventLoop.assumeIsolated().execute { [self] in resume(context: context) }
    }

    /// Deals with what was held, if nothing needs holding any more.
    private func resume(context: ChannelHandlerContext) {
        guard holding, !mustHold(context) else { return }
        holding = false
        if let pending {
            self.pending = nil
            process(pending, context: context)
        }
        finishBatch(context: context)
        if readHeld, !holding {
            readHeld = false
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Hummingbird closes the connection between requests; it must see them all.
            handOnEverything()
            holding = false
            if let pending {
                self.pending = nil
                context.fireChannelRead(wrapInboundOut(pending))
                context.fireChannelReadComplete()
            }
            if readHeld {
                readHeld = false
                context.read()
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Timeouts

    private func scheduleTimer(context: ChannelHandlerContext) {
        let idleDeadline = lastActive + TimeAmount(limits.idleTimeout)
        let deadline = ledger.headStarted.map { min($0 + TimeAmount(limits.headTimeout), idleDeadline) } ?? idleDeadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: max(deadline, .now() + .milliseconds(10))) { [self] in
            timer = nil
            if let reason = expired(at: .now()) {
                answers.metrics.connectionClosed(reason)
                context.close(promise: nil)
            } else {
                scheduleTimer(context: context)
            }
        }
    }

    /// Why the connection is to be closed now, if it is.
    private func expired(at now: NIODeadline) -> ConnectionCloseReason? {
        if let started = ledger.headStarted, now - started >= TimeAmount(limits.headTimeout) { return .headTimeout }
        guard now - lastActive >= TimeAmount(limits.idleTimeout) else { return nil }
        // An answer the application is still working on may take its time; a client that does
        // not read its answers, or stopped sending a body, may not.
        return !ledger.unanswered || holding || bodyToHandOn > 0 ? .idleTimeout : nil
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
        context.write(wrapOutboundOut(out), promise: nil)
        if head.method == .get, let body = stored.body(for: variant) {
            context.write(wrapOutboundOut(body), promise: nil)
        }
        answeredSinceFlush = true
        answers.record(
            stored, method: head.method == .head ? .head : .get, path: target, status: variant.notModified ? .notModified : .ok, requestID: id,
            connection: &memo, channel: context.channel, forwardedFor: text(head.forwardedFor).map { [$0] } ?? [], since: start
        )
        return true
    }
}

/// For one connection: how many requests went to the application (counted by the raw fast path
/// as it hands them on, or by ``CacheFastPath`` once SwiftNIO's parser reads every head), and how
/// many answers the application (or ``CacheFastPath``) has finished. While any is unanswered,
/// the raw fast path answers nothing, so answers keep the order of the requests. Only ever
/// touched on the connection's event loop.
final class ConnectionLedger {
    var handedOn = 0
    var finished = 0
    var unanswered: Bool { finished < handedOn }
    /// The raw fast path reads no more heads; ``CacheFastPath`` counts them.
    var headsCountedAfterParsing = false
    /// When the request head now arriving began; nil between requests and while one is answered.
    var headStarted: NIODeadline?
    /// Told of each finished answer, by the raw fast path.
    var onFinished: (() -> Void)?

    func finishedOne() {
        finished += 1
        onFinished?()
    }
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
    let limits: ConnectionLimits
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Called on the channel's event loop, before it reads anything; all of it happens now, in
        // one go, so no byte can reach a pipeline that has the raw fast path but no HTTP/1 codec.
        let activity = ConnectionActivity()
        activity.active(at: .now())
        guard registry.admit(channel, activity: activity) else {
            answers.metrics.connectionClosed(.refused)
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        let ledger = NIOLoopBound(ConnectionLedger(), eventLoop: channel.eventLoop)
        do {
            try channel.pipeline.syncOperations.addHandler(RawCacheFastPath(answers: answers, ledger: ledger.value, limits: limits, activity: activity))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [FinishWritesBeforeClosing(), CacheFastPath(answers: answers, ledger: ledger.value)],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeadBytes, maxHeaderListSize: limits.maxHeadBytes, maxHeaderFieldCount: limits.maxHeaderCount
            )
        )
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Between SwiftNIO's parser and the conversion to HTTPTypes, where the version is known.
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(CloseWhenAsked(), position: .before(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
