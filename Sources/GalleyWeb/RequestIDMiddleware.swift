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
        let duration = ContinuousClock.now - start
        // The logger carries the request id already.
        Self.logAccess(context.logger, AccessEntry(method: request.method, path: request.uri.path, status: response.status, client: context.clientAddress, requestID: nil, duration: duration))
        metrics.record(route: context.endpointPath ?? "unmatched", method: request.method, status: response.status, duration: duration)
        return response
    }

    /// The one line logged per request, wherever it was answered; a handler that writes access
    /// lines itself (``AccessLogHandler``) writes the same line from the entry's parts.
    static func logAccess(_ logger: Logger, _ entry: AccessEntry) {
        logger.info("\(entry.message)", metadata: entry.metadata, source: logSource)
    }

    /// The source of the access lines: this module, as `Logger` names it by default.
    static let logSource = String(#fileID.prefix { $0 != "/" })

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
/// would write for `logger.info(entry.message, metadata: entry.metadata)`: the fast paths log one
/// per cached answer, and the metadata dictionary, its sort and its merge cost 13 % of such an
/// answer's CPU (perf, 10,000-post blog); making the message and the duration as strings and
/// copying the handler at every answer, another 2.7 % of galley's samples on a hit.
public protocol AccessLogHandler: LogHandler {
    func logAccess(_ entry: AccessEntry, source: String)
}

/// The parts of one access-log line.
public struct AccessEntry: Sendable {
    public var method: String
    public var path: String
    public var status: Int
    public var client: String
    /// Left out of the line's fields when the logger carries it already.
    public var requestID: String?
    /// How long the answer took.
    public var microseconds: Int

    public init(method: String, path: String, status: Int, client: String, requestID: String?, microseconds: Int) {
        (self.method, self.path, self.status, self.client, self.requestID, self.microseconds) = (method, path, status, client, requestID, microseconds)
    }

    init(method: HTTPRequest.Method, path: String, status: HTTPResponse.Status, client: String?, requestID: String?, duration: Duration) {
        self.init(
            method: method.rawValue, path: path, status: status.code, client: client ?? "-", requestID: requestID,
            microseconds: Int(duration / .microseconds(1))
        )
    }

    /// `GET /posts/hello 200`.
    public var message: String { method + " " + path + " " + String(status) }

    /// The line's fields: `client`, `duration_ms` and `hb.request.id`.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["client": .string(client), "duration_ms": .string(String(decoding: duration, as: UTF8.self))]
        if let requestID { metadata["hb.request.id"] = .string(requestID) }
        return metadata
    }

    /// `0.042`: the duration in milliseconds with three decimals.
    public var duration: [UInt8] {
        var bytes: [UInt8] = []
        appendDuration(to: &bytes)
        return bytes
    }

    /// Appends ``duration`` without making a string of it.
    public func appendDuration(to bytes: inout [UInt8]) {
        Self.appendDecimal(microseconds / 1000, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = microseconds % 1000
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// Appends the decimal digits of a number ≥ 0.
    public static func appendDecimal(_ number: Int, to bytes: inout [UInt8]) {
        guard number >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(max(number, 0)))
            return
        }
        appendDecimal(number / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }
}
