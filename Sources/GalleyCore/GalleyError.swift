/// A failure the user can act on: it owns its HTTP status and a message that says what was wrong.
///
/// Handlers and stores throw these; one middleware in `GalleyWeb` turns them into responses. Any
/// other error reaching that middleware is a bug and becomes a 500 that shows no internals.
public struct GalleyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidParameter = "invalid_parameter"
        case invalidInput = "invalid_input"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case forbidden
        case conflict
        case tooLarge = "payload_too_large"
        case tooManyRequests = "too_many_requests"
        case unavailable = "service_unavailable"

        /// The HTTP status this kind of failure answers with.
        public var status: Int {
            switch self {
            case .invalidParameter, .invalidInput: 400
            case .notFound: 404
            case .methodNotAllowed: 405
            case .forbidden: 403
            case .conflict: 409
            case .tooLarge: 413
            case .tooManyRequests: 429
            case .unavailable: 503
            }
        }
    }

    public var code: Code
    public var message: String
    /// Seconds a client should wait before trying again (429, 503).
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var status: Int { code.status }
    public var description: String { "\(code.rawValue): \(message)" }

    /// A query or path parameter that does not parse: `page must be a positive integer, got 'abc'`.
    public static func invalidParameter(_ name: String, _ expectation: String, got value: String) -> GalleyError {
        GalleyError(.invalidParameter, "\(name) must be \(expectation), got '\(value.prefix(100))'")
    }

    public static func notFound(_ message: String) -> GalleyError {
        GalleyError(.notFound, message)
    }

    /// A post id that names no post.
    public static func noSuchPost(_ id: some CustomStringConvertible) -> GalleyError {
        GalleyError(.notFound, "there is no post \(String(describing: id).prefix(40))")
    }
}
