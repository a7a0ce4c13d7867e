import Foundation
import GalleyCore
@testable import GalleyWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct MetricsTests {
    static let token = "scrape-token-0123456789"

    @Test func metricsNeedTheTokenAndCountRequestsByRoute() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        let router = try await buildRouter(
            site: blog.site, store: blog.store,
            metricsAccess: MetricsAccess(allowed: AddressRanges(parsing: "127.0.0.1")!, token: Self.token)
        )
        try await Application(router: router).test(.router) { client in
            _ = try await client.get("/posts/first")
            _ = try await client.get("/posts/first")
            _ = try await client.get("/posts/missing")
            #expect(try await client.get("/metrics").status == .forbidden)
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer wrong-token-0123456789"]).status == .forbidden)
            let metrics = try await client.get("/metrics", headers: [.authorization: "Bearer \(Self.token)"])
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.body
            #expect(text.contains(#"galley_http_requests_total{route="/posts/{slug}",method="GET",status="200"} 2"#), "\(text)")
            #expect(text.contains(#"galley_http_requests_total{route="/posts/{slug}",method="GET",status="404"} 1"#))
            #expect(text.contains(#"galley_http_requests_total{route="/metrics",method="GET",status="403"} 2"#))
            #expect(text.contains(#"galley_http_request_duration_seconds_bucket{route="/posts/{slug}",method="GET",status="200",le="+Inf"} 2"#))
            #expect(text.contains("galley_cache_hits_total 1"))
            #expect(text.contains("galley_cache_misses_total 2"))
            #expect(text.contains("galley_cache_waits_total 0"))
            #expect(text.contains("galley_cache_entries 1.0"))
            #expect(text.contains("galley_build_info{version=\"\(SiteMetrics.version)\""))
        }
    }

    /// Answers are counted and their latencies go into their histograms in batches per thread; a
    /// scrape shows every one, from full batches and from the ones still gathering, on several threads.
    @Test func everyAnswerIsCountedAtAScrape() async {
        let metrics = SiteMetrics(cache: nil, databaseConnections: { [:] })
        let answers = SiteMetrics.batch * 3 + 5
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var last: SiteMetrics.RequestSeries?
                    for _ in 0..<answers {
                        metrics.record(route: "/posts/{slug}", method: .get, status: .ok, duration: .microseconds(300), last: &last)
                    }
                    if task == 0 { metrics.record(route: "/", method: .get, status: .ok, duration: .milliseconds(3)) }
                }
            }
        }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"galley_http_request_duration_seconds_count{route="/posts/{slug}",method="GET",status="200"} \#(answers * 4)"#), "\(text)")
        #expect(text.contains(#"galley_http_request_duration_seconds_bucket{route="/posts/{slug}",method="GET",status="200",le="0.0005"} \#(answers * 4)"#))
        #expect(text.contains(#"galley_http_request_duration_seconds_bucket{route="/",method="GET",status="200",le="0.0025"} 0"#))
        #expect(text.contains(#"galley_http_request_duration_seconds_count{route="/",method="GET",status="200"} 1"#))
        #expect(text.contains(#"galley_http_requests_total{route="/posts/{slug}",method="GET",status="200"} \#(answers * 4)"#))
        #expect(text.contains(#"galley_http_requests_total{route="/",method="GET",status="200"} 1"#))
    }

    @Test func theAddressListJudgesTheConnectionNotForwardedHeaders() {
        let access = MetricsAccess.loopback
        #expect(access.permits(peer: "127.0.0.1", authorization: nil))
        #expect(access.permits(peer: "::1", authorization: nil))
        #expect(!access.permits(peer: "10.0.0.1", authorization: nil))
        #expect(!access.permits(peer: nil, authorization: nil))
        let withToken = MetricsAccess(allowed: access.allowed, token: MetricsTests.token)
        #expect(!withToken.permits(peer: "127.0.0.1", authorization: nil), "a token, once set, is required")
        #expect(withToken.permits(peer: "10.0.0.1", authorization: "Bearer \(MetricsTests.token)"))
    }

    /// Answers of the cache's fast path are counted under their route.
    @Test func fastPathAnswersAreCounted() async throws {
        let blog = ResponseCacheTests.Fixture()
        try await blog.publish("first")
        let app = try await buildApplication(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, site: blog.site), store: blog.store, logger: Logger(label: "test")
        )
        try await app.test(.live) { client in
            for _ in 0..<3 { _ = try await client.get("/posts/first") }
            let text = try await client.get("/metrics").body
            #expect(text.contains(#"galley_http_requests_total{route="/posts/{slug}",method="GET",status="200"} 3"#), "\(text)")
            #expect(text.contains("galley_cache_hits_total 2"))
        }
    }
}
