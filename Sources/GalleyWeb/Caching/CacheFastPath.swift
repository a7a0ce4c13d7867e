import Foundation
import GalleyCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers cache hits among the requests ``RawCacheFastPath`` handed on (HTTP/1.0, `Connection:
/// close`, a request behind a slow one), on the connection's event loop as soon as SwiftNIO has
/// parsed them: no task, no router, no middleware chain. Everything else goes on to the
/// application as usual.
///
/// A request is answered here only when it is a GET or HEAD, keeps the connection open, the
/// site's generation is known without reading the database, the cache holds its page in that
/// generation, and no earlier request of the same connection is still being answered by the
/// application (so pipelined answers keep their order). Its answer is the one
/// ``ResponseCacheMiddleware`` would give, with the same `X-Request-Id` rules and the same access
/// log line. Every answer that ends here or passes by is counted in the connection's ledger.
final class CacheFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let answers: FastAnswers
    let ledger: ConnectionLedger

    /// Requests handed to the application whose answers have not ended yet.
    private var inApplication = 0
    /// The request being read was answered here; its body parts are dropped.
    private var answered = false
    private var memo = ConnectionMemo()

    init(answers: FastAnswers, ledger: ConnectionLedger) {
        self.answers = answers
        self.ledger = ledger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if ledger.headsCountedAfterParsing {
                ledger.handedOn += 1
                ledger.headStarted = nil
            }
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
        let ended = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if ended {
            inApplication = max(0, inApplication - 1)
            ledger.finishedOne()
        }
    }

    private func hit(_ request: HTTPRequest) -> StoredResponse? {
        guard request.method == .get || request.method == .head,
              request.headerFields[.connection].map({ $0.lowercased() == "keep-alive" }) ?? true,
              let path = request.path
        else { return nil }
        return answers.lookup(target: path)
    }

    private func answer(_ request: HTTPRequest, with stored: StoredResponse, since start: ContinuousClock.Instant, context: ChannelHandlerContext) {
        let id = request.headerFields[RequestIDMiddleware.header].flatMap(RequestIDMiddleware.accepted) ?? RequestIDMiddleware.generate()
        var (status, headers, body) = stored.answer(request.headerFields)
        headers[RequestIDMiddleware.header] = id
        headers[.date] = HTTPDate.now()
        headers[.server] = answers.serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        if request.method != .head, let body {
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        ledger.finishedOne()
        answers.record(
            stored, method: request.method, path: request.path ?? "", status: status, requestID: id, connection: &memo, channel: context.channel,
            forwardedFor: request.headerFields[values: RequestIDMiddleware.forwardedFor], since: start
        )
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
