import NIOCore
import NIOHTTP1

/// Marks each request that does not keep its connection with `Connection: close`, so that
/// Hummingbird closes the connection after its answer. SwiftNIO's parser knows which requests
/// those are (`HTTPRequestHead.isKeepAlive`: HTTP/1.0 without `keep-alive`, `close` in any case
/// or in a list of tokens); Hummingbird closes only on a header that is exactly `close`, and the
/// version is gone once the head is converted to HTTPTypes. So it sits between the two, and
/// HTTP/1.0 clients, or one sending `Connection: CLOSE`, no longer keep a connection forever.
final class CloseWhenAsked: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
