import Foundation
import GalleyCore
import HTTPTypes
import Hummingbird
import Logging

/// The one place errors become responses. Handlers throw; this answers with JSON for the API
/// (and for clients that ask for JSON) and with a themed HTML page otherwise, both showing the
/// request id. An error that is not a client mistake is a 500 that shows no internals; it is
/// logged with the error, under the request's id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let failure = Failure(error, path: request.uri.path)
            if failure.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                // A 404 is what scanners get thousands of; its access line says enough.
                context.logger.log(
                    level: failure.status == .notFound ? .debug : .notice, "request refused",
                    metadata: ["status": "\(failure.status.code)", "reason": "\(failure.message)"]
                )
            }
            var response = Self.wantsJSON(request)
                ? try failure.jsonResponse(requestID: context.requestID)
                : pages.errorPage(failure, requestID: context.requestID)
            for field in failure.headers { response.headers.append(field) }
            if request.method == .head { response.body = ResponseBody() }
            return response
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.uri.path.hasPrefix("/api/") || (request.headers[.accept]?.contains("application/json") ?? false)
    }
}

/// What the client is told about an error.
struct Failure: Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    init(_ error: any Error, path: String) {
        switch error {
        case let error as GalleyError:
            self.init(
                status: .init(code: error.status), code: error.code.rawValue, message: error.message,
                headers: error.retryAfter.map { [.retryAfter: String($0)] } ?? [:]
            )
        case let error as MethodNotAllowed:
            self.init(
                status: .methodNotAllowed, code: GalleyError.Code.methodNotAllowed.rawValue,
                message: "\(error.method) is not allowed here; use \(error.allowed)",
                headers: [.allow: error.allowed]
            )
        case let error as HTTPError where error.status == .notFound:
            self.init(status: .notFound, code: GalleyError.Code.notFound.rawValue, message: "there is nothing at \(path)")
        case let error as HTTPError where (400..<500).contains(error.status.code):
            self.init(status: error.status, code: Self.code(error.status), message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            // Hummingbird's and NIO's own client errors, a body over a limit among them
            // (`NIOTooManyBytesError`): the client's mistake, never a 500.
            self.init(status: error.status, code: Self.code(error.status), message: error.status.reasonPhrase)
        default:
            self.init(
                status: .internalServerError, code: "internal_error",
                message: "Something went wrong on our side. It has been logged; quote the request id when you report it."
            )
        }
    }

    private static func code(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
    }

    func jsonResponse(requestID: String) throws -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                let status: Int
                let code: String
                let message: String
                let requestId: String
            }
            let error: Detail
        }
        var response = try JSONResponse.make(
            Body(error: .init(status: status.code, code: code, message: message, requestId: requestID)), status: status
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// Thrown for a known path asked with a method it does not answer.
struct MethodNotAllowed: Error {
    var method: HTTPRequest.Method
    var allowed: String
}
