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

/// ``ConnectionLimits`` over real sockets: each limit crossed, and what a normal reader still gets.
@Suite struct ConnectionLimitsTests {
    static let quick = ConnectionLimits(maxConnections: 64, idleTimeout: .milliseconds(800), headTimeout: .milliseconds(800))

    func live(
        _ blog: ResponseCacheTests.Fixture, limits: ConnectionLimits = ConnectionLimitsTests.quick,
        _ body: @Sendable (any TestClientProtocol, Int) async throws -> Void
    ) async throws {
        let app = try await buildApplication(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, site: blog.site, limits: limits),
            store: blog.store, logger: Logger(label: "test")
        )
        try await app.test(.live) { client in try await body(client, try #require(client.port)) }
    }

    /// HTTP/1.0 and `Connection: close` in any spelling end the connection after one answer,
    /// whether the page is cached or not and however the request is cut into segments.
    @Test(arguments: [
        ["GET /posts/first HTTP/1.0\r\n\r\n"],
        ["GET /posts/first HTTP/1.1\r\nConnection: CLOSE\r\n\r\n"],
        ["GET /posts/first HTTP/1.1\r\nConnection: x, close\r\n\r\n"],
        ["GET /posts/first HTTP/1.1\r\n", "Connection: close\r\n\r\n"],
        ["GET /posts/first HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /posts/first HTTP/1.1\r\n\r\n"],
        ["GET /posts/first HTTP/1.0\r\n\r\nGET /posts/first HTTP/1.1\r\n\r\n"],
        ["GET /search?q=text HTTP/1.0\r\n\r\n"],
    ])
    func aClientThatSaysItIsDoneGetsOneAnswerAndTheConnectionCloses(pieces: [String]) async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        try await live(blog, limits: ConnectionLimits(idleTimeout: .seconds(30), headTimeout: .seconds(30))) { client, port in
            _ = try await client.get("/posts/first")
            let started = ContinuousClock.now
            let exchange = try await RawSocket.onThread { try RawSocket(port: port).exchange(pieces, wait: .seconds(5)) }
            #expect(exchange.closedByServer, "the server kept the connection open")
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(RawHTTP.responses(exchange.text).map(\.status) == [200], "\(exchange.text.prefix(200))")
        }
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHeadTimeout() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await live(blog) { _, port in
            let exchange = try await RawSocket.onThread { try RawSocket(port: port).exchange([], wait: .seconds(5)) }
            #expect(exchange.closedByServer)
            #expect(exchange.elapsed >= .milliseconds(700) && exchange.elapsed < .seconds(3), "\(exchange.elapsed)")
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        // No request of the test client's here: its own connection may be closed at these timeouts.
        try await live(blog) { _, port in
            let exchange = try await RawSocket.onThread {
                try RawSocket(port: port).exchange(["GET /posts/first HTTP/1.1\r\nHost: x\r\n\r\n"], wait: .seconds(20))
            }
            #expect(RawHTTP.responses(exchange.text).map(\.status) == [200])
            // Closed by the server, not by the client's wait; after the timeout, not before. The
            // upper bound is loose: with every other test on two cores, the timer once fired
            // 16 s late (the timeout itself is 800 ms).
            #expect(exchange.closedByServer)
            #expect(exchange.elapsed >= .milliseconds(700) && exchange.elapsed < .seconds(20), "\(exchange.elapsed)")
        }
    }

    /// Slowloris: a head whose bytes keep coming, one line every 100 ms, is closed at the head
    /// timeout all the same; also once SwiftNIO's parser reads the connection.
    @Test(arguments: ["", "GET /healthz HTTP/1.1\r\nX-Name: caf\u{E9}\r\n\r\n"])
    func aTricklingHeadIsClosedAtTheHeadTimeout(before: String) async throws {
        let blog = ResponseCacheTests.Fixture()
        try await live(blog) { _, port in
            let trickle = [before + "GET / HTTP/1.1\r\n"] + (0..<50).map { "X-\($0): y\r\n" }
            let exchange = try await RawSocket.onThread { try RawSocket(port: port).exchange(trickle, every: .milliseconds(100), wait: .seconds(8)) }
            #expect(exchange.closedByServer)
            // Before the trickle's end at 5 s: cut by the 800 ms timeout, late as a loaded
            // machine's timers may be (3.07 s once, with a build beside the suite).
            #expect(exchange.elapsed < .milliseconds(4500), "closed after \(exchange.elapsed)")
            #expect(RawHTTP.responses(exchange.text).count == (before.isEmpty ? 0 : 1))
        }
    }

    /// A full house: a newcomer closes the connection quiet longest and is answered at once.
    @Test func atTheConnectionLimitANewReaderStillGetsIn() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        let limits = ConnectionLimits(maxConnections: 4, idleTimeout: .seconds(30), headTimeout: .seconds(30))
        try await live(blog, limits: limits) { client, port in
            _ = try await client.get("/posts/first")
            // Four idle connections fill the house, whether or not the test client keeps one.
            let idle = try (0..<4).map { _ in try RawSocket(port: port) }
            try await Task.sleep(for: .milliseconds(100))
            let started = ContinuousClock.now
            let exchange = try await RawSocket.onThread {
                try RawSocket(port: port).exchange(["GET /posts/first HTTP/1.1\r\nConnection: close\r\n\r\n"], wait: .seconds(5))
            }
            #expect(RawHTTP.responses(exchange.text).map(\.status) == [200])
            #expect(ContinuousClock.now - started < .seconds(2))
            let closed = try await RawSocket.onThread { idle.filter { $0.isClosedByServer(within: .seconds(1)) }.count }
            #expect(closed >= 1, "one of the idle connections made room")
        }
    }

    /// A client that pipelines requests for a cached page and never reads: the server stops
    /// reading once its answers back up, instead of queueing answers without end (a million
    /// pipelined `GET /` once took the process from 44 to 704 MB).
    @Test func aClientThatNeverReadsStopsBeingRead() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first", source: String(repeating: "A long post. ", count: 2_000))
        try await live(blog, limits: ConnectionLimits(idleTimeout: .seconds(30), headTimeout: .seconds(30))) { client, port in
            _ = try await client.get("/posts/first")
            let sent = try await RawSocket.onThread {
                try RawSocket(port: port).sendWithoutReading("GET /posts/first HTTP/1.1\r\nHost: x\r\n\r\n", upTo: 64 << 20, stallAfter: .milliseconds(1500))
            }
            #expect(sent < 24 << 20, "the server went on reading: \(sent) bytes of requests taken")
            #expect(try await client.get("/posts/first").status == .ok, "others are still served")
        }
    }

    /// More requests pipelined to the application than it takes at once: all answered, in order.
    @Test func morePipelinedRequestsThanTheLimitAreAllAnsweredInOrder() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first", source: "About kittens.\n")
        let limits = ConnectionLimits(idleTimeout: .seconds(30), headTimeout: .seconds(30), maxPipelined: 4)
        try await live(blog, limits: limits) { client, port in
            _ = try await client.get("/posts/first")
            let requests = (0..<40).map { "GET \($0 % 2 == 0 ? "/search?q=kittens&n=\($0)" : "/posts/first") HTTP/1.1\r\nX-Request-Id: r-\($0)\r\n\r\n" }
            let text = try await RawHTTP.exchange(port: port, requests: requests + ["GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"])
            let answers = RawHTTP.responses(text)
            #expect(answers.count == 41)
            #expect(answers.prefix(40).enumerated().allSatisfy { $0.element.head.contains("X-Request-Id: r-\($0.offset)\r\n") })
        }
    }

    @Test func aHeadOverTheLimitsIsRefused() async throws {
        let blog = ResponseCacheTests.Fixture()
        let limits = ConnectionLimits(idleTimeout: .seconds(30), headTimeout: .seconds(30), maxHeadBytes: 4096, maxHeaderCount: 20)
        try await live(blog, limits: limits) { _, port in
            func status(_ head: String) async throws -> [Int] {
                RawHTTP.responses(try await RawHTTP.exchange(port: port, requests: [head])).map(\.status)
            }
            let fields = { (count: Int) in (0..<count).map { "X-\($0): y\r\n" }.joined() }
            let fewFields = try await status("GET /healthz HTTP/1.1\r\n\(fields(19))Connection: close\r\n\r\n")
            let manyFields = try await status("GET /healthz HTTP/1.1\r\n\(fields(30))Connection: close\r\n\r\n")
            let longHead = try await status("GET /healthz HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 5000))\r\nConnection: close\r\n\r\n")
            #expect(fewFields == [200])
            #expect(manyFields == [400])
            #expect(longHead == [400])
        }
    }
}

/// One blocking TCP connection to the server under test, for what the HTTP clients cannot do:
/// send a head in pieces, never read, or watch for the server closing.
final class RawSocket: @unchecked Sendable {
    struct Failed: Error {}
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failed()
        }
        var nodelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &nodelay, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Runs blocking socket calls on a thread of their own, off the concurrency pool the server
    /// under test needs.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    struct Exchange {
        var text: String
        var closedByServer: Bool
        /// From the first piece sent to the close, or to the end of the wait.
        var elapsed: Duration
    }

    /// Sends each piece `every` apart (stopping if the server closes), then reads until the
    /// server closes or `wait` has passed since the start.
    func exchange(_ pieces: [String], every gap: Duration = .milliseconds(20), wait: Duration) throws -> Exchange {
        let start = ContinuousClock.now
        var received: [UInt8] = []
        var closed = false
        for (index, piece) in pieces.enumerated() {
            if index > 0 {
                closed = read(into: &received, until: ContinuousClock.now + gap)
                if closed { break }
            }
            let bytes = Array(piece.utf8)
            guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
                closed = true
                break
            }
        }
        if !closed { closed = read(into: &received, until: start + wait) }
        return Exchange(text: String(decoding: received, as: UTF8.self), closedByServer: closed, elapsed: ContinuousClock.now - start)
    }

    func isClosedByServer(within wait: Duration) -> Bool {
        var ignored: [UInt8] = []
        return read(into: &ignored, until: ContinuousClock.now + wait)
    }

    /// Reads until `deadline`; true if the server closed the connection (end of file or reset).
    private func read(into received: inout [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, max(1, milliseconds)) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return true }
            received += chunk[0..<count]
        }
    }

    /// Writes `request` again and again without reading, until `limit` bytes are sent or no
    /// byte could be sent for `stallAfter`; the bytes sent.
    func sendWithoutReading(_ request: String, upTo limit: Int, stallAfter: Duration) throws -> Int {
        let batch = Array(String(repeating: request, count: 1_000).utf8)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var sent = 0
        var lastProgress = ContinuousClock.now
        while sent < limit, ContinuousClock.now - lastProgress < stallAfter {
            // From where the last send stopped, so that requests are never cut short.
            let offset = sent % batch.count
            let count = batch.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                sent += count
                lastProgress = ContinuousClock.now
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                usleep(10_000)
            } else {
                throw Failed()
            }
        }
        return sent
    }
}
