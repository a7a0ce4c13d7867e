import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite struct RateLimitTests {
    final class Clock: Sendable {
        let now = Mutex(ContinuousClock.now)
        func advance(_ duration: Duration) { now.withLock { $0 += duration } }
    }

    @Test func aClientGetsItsBurstThenWaitsForTheRefill() throws {
        let clock = Clock()
        let limit = RateLimit(limits: .init(perMinute: 60, burst: 3)) { clock.now.withLock { $0 } }
        for _ in 0..<3 { try limit.take(client: "a", what: "searches") }
        #expect(throws: GalleyError.self) { try limit.take(client: "a", what: "searches") }
        try limit.take(client: "b", what: "searches")
        do {
            try limit.take(client: "a", what: "searches")
            Issue.record("a fourth request went through")
        } catch {
            #expect(error.retryAfter == 1)
            #expect(error.message == "too many searches from your address; try again in 1 seconds")
        }
        clock.advance(.seconds(1))
        try limit.take(client: "a", what: "searches")
    }

    @Test func manyClientsDoNotGrowItWithoutBound() throws {
        let clock = Clock()
        let limit = RateLimit(limits: .init(perMinute: 6000, burst: 2)) { clock.now.withLock { $0 } }
        for client in 0..<50_000 {
            try limit.take(client: "\(client)", what: "x")
        }
        #expect(limit.clients <= RateLimit.maximumClients)
    }

    @Test func zeroTurnsItOff() throws {
        let limit = RateLimit(limits: .init(perMinute: 0, burst: 0))
        for _ in 0..<1000 { try limit.take(client: "a", what: "x") }
    }

    /// Through the router: search and feeds rendered on a miss answer 429 with Retry-After past
    /// the allowance; a feed from the cache does not count; pages are never limited.
    @Test func searchAndFeedMissesAreLimitedPerClient() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first", source: "About kittens.\n")
        let router = try await buildRouter(site: blog.site, store: blog.store, limits: ConnectionLimits(expensivePerMinute: 4))
        try await Application(router: router).test(.router) { client in
            #expect(try await client.get("/feed.xml").status == .ok)
            for _ in 0..<5 { #expect(try await client.get("/feed.xml").status == .ok, "from the cache") }
            #expect(try await client.get("/search?q=kittens").status == .ok)
            let refused = try await client.get("/search?q=kittens")
            #expect(refused.status == .tooManyRequests)
            // 15 s at 4 a minute, less if the test ran slowly enough for a refill.
            #expect(refused.headers[.retryAfter].flatMap(Int.init).map { (1...15).contains($0) } == true)
            #expect(refused.body.contains("too many searches from your address"))
            #expect(try await client.get("/feed.json").status == .tooManyRequests, "a miss shares the allowance")
            for _ in 0..<10 { #expect(try await client.get("/posts/first").status == .ok) }
        }
    }
}
