import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives the request its id, puts that id on the logger (so every line
/// logged for the request carries it) and on the response, and logs one line per request.
///
/// A well-formed `X-Request-Id` from the proxy in front (nginx's `$request_id`) is kept, so one id
/// follows the request through both logs; anything else is replaced by a fresh one.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = id
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["duration_ms": .string(String(format: "%.2f", elapsed / .milliseconds(1)))]
        )
        return response
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

    /// 32 random hex digits, the shape of nginx's `$request_id`.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next(), generator.next()].map { (word: UInt64) in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
