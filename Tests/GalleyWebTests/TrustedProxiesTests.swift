@testable import GalleyWeb
import Testing

@Suite struct TrustedProxiesTests {
    let proxies = TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8, fd00::/8")!

    @Test func addressesAndRangesOfBothFamilies() {
        #expect(proxies.contains("127.0.0.1"))
        #expect(!proxies.contains("127.0.0.2"))
        #expect(proxies.contains("10.200.3.4"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("fd12:3456::1"))
        #expect(!proxies.contains("fe80::1"))
        #expect(!proxies.contains("not an address"))
        #expect(TrustedProxies(parsing: "192.168.1.0/33") == nil)
        #expect(TrustedProxies(parsing: "example.com") == nil)
        #expect(TrustedProxies(parsing: "") == nil)
        #expect(TrustedProxies(parsing: "0.0.0.0/0")!.contains("203.0.113.9"))
    }

    @Test func theClientIsTheRightMostAddressNoProxyAdded() {
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.9, 10.1.2.3"]) == "203.0.113.9", "the left part could be forged")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["10.1.1.1", "10.2.2.2"]) == "10.1.1.1", "all proxies: the left-most")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["garbage"]) == "127.0.0.1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
    }

    @Test func untrustedPeersCannotClaimAnything() {
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"]) == "203.0.113.9")
        #expect(proxies.scheme(peer: "203.0.113.9", forwardedProto: "https") == "http")
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"]) == "127.0.0.1")
    }

    @Test func theSchemeComesFromATrustedProxy() {
        #expect(proxies.scheme(peer: "127.0.0.1", forwardedProto: "https") == "https")
        #expect(proxies.scheme(peer: "127.0.0.1", forwardedProto: "HTTPS, http") == "https")
        #expect(proxies.scheme(peer: "127.0.0.1", forwardedProto: "http") == "http")
        #expect(proxies.scheme(peer: "127.0.0.1", forwardedProto: nil) == "http")
    }
}
