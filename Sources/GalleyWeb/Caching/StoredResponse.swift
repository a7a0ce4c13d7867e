import Foundation
import CompressNIO
import HTTPTypes
import Hummingbird

/// A response kept in memory and served many times: its bytes as they are and gzipped (compressed
/// once, here, never per request), and a strong validator for each.
///
/// ``response(to:)`` picks the encoding the client accepts and answers `If-None-Match` with a
/// bodiless 304. Pages and the theme's files are both served this way.
///
/// A class, immutable: a cache hit hands out one reference, where the struct it was had all its
/// buffers and strings retained and released by both event loops at every answer.
final class StoredResponse: Sendable {
    /// Headers every answer carries: `Content-Type`, `Cache-Control`, and whatever else the
    /// handler set, minus the ones that belong to one answer only.
    let headers: HTTPFields
    let identity: ByteBuffer
    /// `nil` when gzip would not make the body smaller (tiny or already compressed bodies).
    let gzipped: ByteBuffer?
    /// Strong `ETag` of the identity body; the gzipped body's is derived from it.
    let etag: String
    /// The route pattern that made it (`/posts/{slug}`), for metrics of answers from the cache.
    let route: String

    /// Bodies under this many bytes are not worth a `Content-Encoding`.
    static let minimumCompressedSize = 256
    /// Headers a stored answer must not repeat to other requests.
    private static let perAnswer: Set<HTTPField.Name> = [.contentLength, .date, .setCookie, .transferEncoding, .contentEncoding, .eTag, .vary]

    /// Each ``Variant``'s status line and headers as HTTP/1.1 bytes, without the headers that
    /// differ per answer (`X-Request-Id`, `Date`, `Server`) and without the blank line: what
    /// ``RawCacheFastPath`` writes, formatted once instead of on every request.
    let heads: [ByteBuffer]

    /// Bytes held in memory, for the cache's budget: the allocation both bodies share (NIO
    /// rounds allocations up to a power of two), the headers and some bookkeeping.
    let cost: Int

    /// Which of its four answers a request gets: gzipped or not, full or a bodiless 304.
    struct Variant: Equatable {
        var gzip: Bool
        var notModified: Bool
        var index: Int { (gzip ? 2 : 0) + (notModified ? 1 : 0) }
    }

    init(headers: HTTPFields, body: ByteBuffer, compressible: Bool, route: String = "") {
        self.route = route
        let headers = headers.filter { !Self.perAnswer.contains($0.name) }
        self.headers = headers
        let etag = "\"\(Fingerprint.hex(of: body.readableBytesView))-\(String(body.readableBytes, radix: 16))\""
        self.etag = etag
        // Both bodies in one tight allocation: the buffers they were built in have room to spare.
        let compressed = compressible ? Self.gzip(body) : nil
        var storage = ByteBufferAllocator().buffer(capacity: body.readableBytes + (compressed?.readableBytes ?? 0))
        storage.writeImmutableBuffer(body)
        let identity = storage.getSlice(at: 0, length: body.readableBytes)!
        self.identity = identity
        var gzipped: ByteBuffer?
        if let compressed {
            storage.writeImmutableBuffer(compressed)
            gzipped = storage.getSlice(at: body.readableBytes, length: compressed.readableBytes)
        }
        self.gzipped = gzipped
        func head(gzip: Bool, notModified: Bool) -> ByteBuffer {
            Self.http1Head(Self.fields(for: Variant(gzip: gzip, notModified: notModified), headers: headers, etag: etag, identity: identity, gzipped: gzipped))
        }
        let identityHeads = [false, true].map { head(gzip: false, notModified: $0) }
        // Without a gzipped body the gzip variants are never chosen; their slots repeat these.
        let heads = gzipped == nil ? identityHeads + identityHeads : identityHeads + [false, true].map { head(gzip: true, notModified: $0) }
        self.heads = heads
        let distinctHeads = gzipped == nil ? identityHeads : heads
        cost = storage.capacity + distinctHeads.reduce(0) { $0 + $1.readableBytes + 64 } + 128
    }

    var gzipETag: String { Self.gzipETag(etag) }
    private static func gzipETag(_ etag: String) -> String { String(etag.dropLast()) + "-gz\"" }

    /// The variant for a request's `Accept-Encoding` and `If-None-Match` values.
    func variant(acceptEncoding: [String], ifNoneMatch: [String]) -> Variant {
        let gzip = gzipped != nil && ContentCoding.acceptsGzip(acceptEncoding)
        return Variant(gzip: gzip, notModified: EntityTag.matches(gzip ? gzipETag : etag, ifNoneMatch: ifNoneMatch))
    }

    func body(for variant: Variant) -> ByteBuffer? {
        variant.notModified ? nil : variant.gzip ? gzipped : identity
    }

    /// A variant's status and headers: 200 with the body in the encoding the client accepts, or
    /// a bodiless 304 when its copy is current.
    func fields(for variant: Variant) -> (status: HTTPResponse.Status, headers: HTTPFields) {
        Self.fields(for: variant, headers: headers, etag: etag, identity: identity, gzipped: gzipped)
    }

    /// ``fields(for:)`` from the parts, for `init` to make the heads before it has a `self`.
    private static func fields(
        for variant: Variant, headers: HTTPFields, etag: String, identity: ByteBuffer, gzipped: ByteBuffer?
    ) -> (status: HTTPResponse.Status, headers: HTTPFields) {
        var fields = headers
        fields[.eTag] = variant.gzip ? gzipETag(etag) : etag
        if gzipped != nil { fields[.vary] = "Accept-Encoding" }
        if variant.notModified {
            fields[.contentType] = nil
            return (.notModified, fields)
        }
        if variant.gzip { fields[.contentEncoding] = "gzip" }
        fields[.contentLength] = String((variant.gzip ? gzipped : identity)?.readableBytes ?? 0)
        return (.ok, fields)
    }

    /// What to answer a request with these headers.
    func answer(_ requestHeaders: HTTPFields) -> (status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?) {
        let variant = variant(acceptEncoding: requestHeaders[values: .acceptEncoding], ifNoneMatch: requestHeaders[values: .ifNoneMatch])
        let (status, fields) = fields(for: variant)
        return (status, fields, body(for: variant))
    }

    private static func http1Head(_ answer: (status: HTTPResponse.Status, headers: HTTPFields)) -> ByteBuffer {
        var head = "HTTP/1.1 \(answer.status.code) \(answer.status.reasonPhrase)\r\n"
        for field in answer.headers {
            head += "\(field.name.rawName): \(field.value)\r\n"
        }
        return ByteBuffer(string: head)
    }

    func response(to request: Request) -> Response {
        let answer = answer(request.headers)
        return Response(status: answer.status, headers: answer.headers, body: answer.body.map(ResponseBody.init(byteBuffer:)) ?? ResponseBody())
    }

    private static func gzip(_ body: ByteBuffer) -> ByteBuffer? {
        guard body.readableBytes >= minimumCompressedSize else { return nil }
        var input = body
        guard let compressed = try? input.compress(with: .gzip()), compressed.readableBytes < body.readableBytes else { return nil }
        return compressed
    }
}

/// `Accept-Encoding`, as far as gzip goes (RFC 9110 §12.5.3).
enum ContentCoding {
    /// Whether gzip is acceptable: named (or `*`) with a non-zero quality, and not refused by name.
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Bool?
        var any: Bool?
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, !coding.isEmpty else { continue }
                let accepted = !parts.dropFirst().contains { parameter in
                    parameter.hasPrefix("q=") && (Double(parameter.dropFirst(2)) ?? 1) <= 0
                }
                switch coding {
                case "gzip", "x-gzip": gzip = accepted
                case "*": any = accepted
                default: break
                }
            }
        }
        return gzip ?? any ?? false
    }
}

/// Entity tags in `If-None-Match` (RFC 9110 §13.1.2), compared weakly as that header requires.
enum EntityTag {
    static func matches(_ etag: String, ifNoneMatch values: [String]) -> Bool {
        for value in values {
            for candidate in value.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag { return true }
            }
        }
        return false
    }
}
