import GalleyCore
import Hummingbird
import Logging

/// The per-request context: Hummingbird's core storage plus the request id every response and
/// log line carries.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``RequestIDMiddleware`` before anything else runs.
    public var requestID: String
    /// The address of the connection's other end: the client, or the proxy in front.
    public let peerAddress: String?
    /// The client's address, from a trusted proxy's `X-Forwarded-For` when there is one.
    public var clientAddress: String?
    /// `https` when the client reached a trusted proxy over HTTPS; for `Secure` cookies.
    public var scheme = "http"
    /// Who is signed in, set by ``SessionMiddleware`` on admin routes.
    public var user: User?
    /// Their session, with the CSRF token their forms must carry.
    public var session: Session?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        peerAddress = source.channel.remoteAddress?.ipAddress
        clientAddress = peerAddress
    }
}
