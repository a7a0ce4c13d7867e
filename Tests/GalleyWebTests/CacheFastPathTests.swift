import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The event-loop fast path, over real sockets: answers must be the ones the application gives.
@Suite struct CacheFastPathTests {
    func live(_ blog: ResponseCacheTests.Fixture, _ body: @Sendable (any TestClientProtocol, Int) async throws -> Void) async throws {
        let app = try await buildApplication(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, site: blog.site),
            store: blog.store, logger: Logger(label: "test")
        )
        try await app.test(.live) { client in try await body(client, try #require(client.port)) }
    }

    @Test func aHitIsTheSameAnswerWithItsOwnRequestID() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        try await live(blog) { client, _ in
            let first = try await client.get("/posts/first")
            let reads = blog.store.pageReads
            let second = try await client.get("/posts/first", headers: [.requestID: "trace-42"])
            #expect(blog.store.pageReads == reads, "served from memory")
            #expect(second.status == .ok)
            #expect(second.body == first.body)
            #expect(second.headers[.requestID] == "trace-42")
            #expect(second.headers[.server] == "Galley")
            #expect(second.headers[.date]?.hasSuffix(" GMT") == true)
            for name: HTTPField.Name in [
                .contentType, .cacheControl, .eTag, .vary, .contentLength, .contentSecurityPolicy, .xFrameOptions, .referrerPolicy,
                .xContentTypeOptions, .strictTransportSecurity,
            ] {
                #expect(second.headers[name] != nil, "\(name) on a hit")
                #expect(second.headers[name] == first.headers[name], "\(name)")
            }
            let notModified = try await client.get("/posts/first", headers: [.ifNoneMatch: first.headers[.eTag] ?? ""])
            #expect(notModified.status == .notModified)
            #expect(notModified.body.isEmpty)
            try await client.execute(uri: "/posts/first", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == first.headers[.contentLength])
            }
            try await blog.publish("second")
            #expect(try await client.get("/").body.contains("Post second"), "a write is seen at once")
        }
    }

    /// A slow answer (search, not cached) and a hit pipelined on one connection come back in
    /// the order they were asked.
    @Test func pipelinedAnswersKeepTheirOrder() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first", source: "About kittens.\n")
        try await live(blog) { client, port in
            _ = try await client.get("/posts/first")
            let text = try await RawHTTP.exchange(port: port, requests: [
                "GET /search?q=kittens HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /posts/first HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ])
            let search = try #require(text.range(of: "<title>Search"))
            let post = try #require(text.range(of: "<title>Post first"))
            let health = try #require(text.range(of: "\r\n\r\nok\n"))
            #expect(search.lowerBound < post.lowerBound)
            #expect(post.lowerBound < health.lowerBound)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        }
    }

    /// A hit arriving a few bytes at a time, a body that looks like a request, a chunked body
    /// and an HTTP/1.0 request: each answered once, in order, by the right path.
    @Test func requestBoundariesAreKeptWhateverTheBytesLookLike() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        try await live(blog) { client, port in
            let page = try await client.get("/posts/first")
            let reads = blog.store.pageReads
            // Split in the middle of the request line, of a header, and of the final CRLF.
            let split = try await RawHTTP.exchange(port: port, pieces: [
                "GET /pos", "ts/first HTTP/1.1\r\nHo", "st: x\r\nX-Request-Id: split-1\r\n\r", "\n",
                "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
            ])
            #expect(split.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(split.contains("X-Request-Id: split-1\r\n"))
            #expect(split.contains(page.body))
            #expect(blog.store.pageReads == reads, "the split request was a cache hit")

            // A POST whose body is a request for the cached page: that body must never be answered.
            let smuggled = "GET /posts/first HTTP/1.1\r\nHost: x\r\n\r\n"
            let text = try await RawHTTP.exchange(port: port, requests: [
                "GET /posts/first HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /posts/first HTTP/1.1\r\nHost: x\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n\(smuggled)",
                "GET /posts/first HTTP/1.1\r\nHost: x\r\nX-Request-Id: after-post\r\n\r\n",
                "GET /posts/first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ])
            let answers = RawHTTP.responses(text)
            #expect(answers.map(\.status) == [200, 405, 200, 200], "the POST is refused, its body never answered")
            #expect(answers.last?.body == page.body)
            #expect(answers.dropFirst(2).first?.head.contains("X-Request-Id: after-post\r\n") == true)
            let gzip = try await RawHTTP.exchange(port: port, requests: ["GET /posts/first HTTP/1.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"])
            #expect(gzip.contains("\r\nContent-Encoding: gzip\r\n"))

            // From a chunked request on, the connection is SwiftNIO's alone, and still answered.
            let chunked = try await RawHTTP.exchange(port: port, requests: [
                "POST /search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "GET /posts/first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ])
            #expect(RawHTTP.responses(chunked).map(\.status) == [405, 200])
        }
    }
}

/// Writes requests on one TCP connection at once and reads until the server closes it.
enum RawHTTP {
    /// The responses in `text`, one after the other, by their `Content-Length`.
    static func responses(_ text: String) -> [(status: Int, head: String, body: String)] {
        var rest = Substring(text)
        var responses: [(Int, String, String)] = []
        while let end = rest.range(of: "\r\n\r\n") {
            let head = String(rest[..<end.upperBound])
            let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = rest[end.upperBound...].utf8.prefix(length)
            responses.append((status, head, String(decoding: body, as: UTF8.self)))
            rest = Substring(rest[end.upperBound...].utf8.dropFirst(length))
        }
        return responses
    }

    static func exchange(port: Int, requests: [String]) async throws -> String {
        try await exchange(port: port, pieces: [requests.joined()])
    }

    /// Sends each piece in a write of its own, 20 ms apart, so the server reads them separately,
    /// and reads until the server closes the connection (10 s at most), on a thread of its own.
    static func exchange(port: Int, pieces: [String]) async throws -> String {
        try await RawSocket.onThread { try RawSocket(port: port).exchange(pieces, wait: .seconds(10)).text }
    }
}
