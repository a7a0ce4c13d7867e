import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The outermost middleware: gives the request its id, puts that id on the logger (so every line
/// logged for the request carries it) and on the response, and logs one line per request.
///
/// A well-formed `X-Request-Id` from the proxy in front (nginx's `$request_id`) is kept, so one id
/// follows the request through both logs; anything else is replaced by a fresh one.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let header = HTTPField.Name("X-Request-Id")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    let proxies: TrustedProxies
    let metrics: SiteMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? Self.generate()
        context.requestID = id
        context.clientAddress = proxies.client(peer: context.peerAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        context.scheme = proxies.scheme(peer: context.peerAddress, forwardedProto: request.headers[Self.forwardedProto])
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = id
        Self.logAccess(context.logger, method: request.method, path: request.uri.path, status: response.status, client: context.clientAddress, since: start)
        metrics.record(route: context.endpointPath ?? "unmatched", method: request.method, status: response.status, duration: .now - start)
        return response
    }

    /// The one line logged per request, wherever it was answered. `requestID` is for a logger
    /// that does not carry it yet (the fast paths keep no logger per request); with it, a handler
    /// that writes access lines itself (``AccessLogHandler``) is handed the line's parts.
    static func logAccess(
        _ logger: Logger, method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, client: String?,
        requestID: String? = nil, since start: ContinuousClock.Instant, handler: (any AccessLogHandler)? = nil
    ) {
        let message = method.rawValue + " " + path + " " + String(status.code)
        if let handler, let requestID {
            handler.logAccess(
                message: message, client: client ?? "-", durationMilliseconds: milliseconds(since: start), requestID: requestID,
                source: "GalleyWeb"
            )
            return
        }
        var metadata: Logger.Metadata = ["duration_ms": .string(milliseconds(since: start)), "client": .string(client ?? "-")]
        if let requestID { metadata["hb.request.id"] = .string(requestID) }
        logger.info("\(message)", metadata: metadata)
    }

    /// `0.042`: milliseconds with three decimals, without `String(format:)` on every request.
    static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let microseconds = Int((ContinuousClock.now - start) / .microseconds(1))
        let fraction = microseconds % 1000
        return String(microseconds / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + String(fraction)
    }

    /// 1 to 128 characters of letters, digits, `-`, `_`, `.` and `:`; nothing that could forge a
    /// log line or a header.
    static func accepted(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
              value.utf8.allSatisfy({ byte in
                  (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                      || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
              })
        else { return nil }
        return value
    }

    /// 32 hex digits, the shape of nginx's `$request_id`: a random number drawn once per process,
    /// then a counter scrambled by a bijection (SplitMix64's finaliser). Unique within a process
    /// by construction, unlikely to repeat across processes, and free of a system call per request.
    static func generate() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        var mixed = count &+ processSeed
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        mixed ^= mixed >> 31
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for (offset, word) in [processSeed, mixed].enumerated() {
                for nibble in 0..<16 {
                    buffer[offset * 16 + nibble] = digits.utf8Start[Int((word >> (60 - 4 * UInt64(nibble))) & 0xf)]
                }
            }
            return 32
        }
    }

    private static let processSeed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)
}

/// A log handler that writes an access-log line from its parts, the same line `log(event:)`
/// would write for `logger.info(message, metadata: [client, duration_ms, hb.request.id])`: the
/// fast paths log one per cached answer, and the metadata dictionary, its sort and its merge
/// cost 13 % of such an answer's CPU (perf, 10,000-post blog).
public protocol AccessLogHandler: LogHandler {
    func logAccess(message: String, client: String, durationMilliseconds: String, requestID: String, source: String)
}
