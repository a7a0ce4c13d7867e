import GalleyCore
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, kept on the request for whoever reads it next, or `tooLarge` when it is
    /// over `limit`: refused by its announced length before it arrives, once a chunked one
    /// passes the limit, and when someone with a higher limit has read it already.
    mutating func collectBody(upTo limit: Int, orThrow tooLarge: GalleyError) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        let body: ByteBuffer
        do {
            body = try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        guard body.readableBytes <= limit else { throw tooLarge }
        return body
    }
}
