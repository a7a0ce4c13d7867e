import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
            for name: HTTPField.Name in [.contentType, .cacheControl, .eTag, .vary, .contentLength] {
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
            let text = try RawHTTP.exchange(port: port, requests: [
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
}

/// Writes requests on one TCP connection at once and reads until the server closes it.
enum RawHTTP {
    struct Failed: Error {}

    static func exchange(port: Int, requests: [String]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed() }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failed() }
        let bytes = Array(requests.joined().utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw Failed() }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
