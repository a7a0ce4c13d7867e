import NIOCore
import NIOHTTPTypes

/// Lets a connection's queued answer reach the client before a graceful shutdown closes it.
///
/// On SIGTERM Hummingbird closes each connection once it is between requests, or right after
/// the answer in progress. Either way the end of an answer can still sit in NIO's queue, waiting
/// for a client that reads slowly, and a close drops it (a 5 MB page was cut at 2.8 MB). So once
/// shutdown has begun, this handler, nearest the socket of those Hummingbird lets us add, holds
/// the shutdown notice and any close until the queue is empty, looking every 20 ms, for at most
/// `limit`. Outside shutdown it does nothing: no cost per request.
final class FinishWritesBeforeClosing: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let checkInterval = TimeAmount.milliseconds(20)
    let limit: TimeAmount
    private var shutdownStarted: NIODeadline?

    init(limit: TimeAmount = .seconds(20)) {
        self.limit = limit
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        shutdownStarted = .now()
        whenDrained(context) { context.fireUserInboundEventTriggered(event) }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard shutdownStarted != nil, mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        whenDrained(context) { context.close(mode: mode, promise: promise) }
    }

    /// Runs `action` once nothing is queued for the socket, the connection is gone, or the limit
    /// has passed.
    private func whenDrained(_ context: ChannelHandlerContext, _ action: @escaping () -> Void) {
        let queued = (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        let expired = shutdownStarted.map { .now() - $0 > limit } ?? true
        guard queued > 0, context.channel.isActive, !expired else {
            action()
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.checkInterval) { [self] in
            whenDrained(context, action)
        }
    }
}
