@testable import GalleyWeb
import Testing

/// The raw fast path's request parser: what it reads, and everything it refuses to vouch for.
@Suite struct RawRequestHeadTests {
    func parse(_ text: String) -> RawRequestHead.Parsed {
        Array(text.utf8).withUnsafeBytes { RawRequestHead.parse($0) }
    }

    func head(_ text: String) throws -> RawRequestHead {
        guard case .head(let head) = parse(text) else {
            Issue.record("not parsed: \(text.debugDescription) → \(parse(text))")
            throw CancellationError()
        }
        return head
    }

    func slice(_ text: String, _ range: Range<Int>?) -> String? {
        range.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
    }

    @Test func aKeepAliveGetIsReadWithTheHeadersThatChooseTheAnswer() throws {
        let text = "GET /posts/first?page=2 HTTP/1.1\r\nHost: x\r\nACCEPT-encoding: \t gzip, br\r\nIf-None-Match: \"abc\"\r\n"
            + "x-request-id: trace-1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\nGET /next HTTP/1.1\r\n"
        let head = try head(text)
        #expect(head.method == .get)
        #expect(slice(text, head.target) == "/posts/first?page=2")
        #expect(slice(text, head.acceptEncoding) == "gzip, br")
        #expect(slice(text, head.ifNoneMatch) == "\"abc\"")
        #expect(slice(text, head.requestID) == "trace-1")
        #expect(slice(text, head.forwardedFor) == "10.0.0.1")
        #expect(head.length == text.utf8.count - "GET /next HTTP/1.1\r\n".utf8.count, "it ends at the blank line")
        #expect(head.answerable)
        #expect(try self.head("HEAD / HTTP/1.1\r\n\r\n").method == .head)
    }

    @Test func aHeadNotYetArrivedIsIncomplete() {
        for text in ["", "GET", "GET / HTTP/1.1", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r"] {
            #expect(parse(text) == .incomplete, "\(text.debugDescription)")
        }
    }

    @Test func requestsWithABodyOrThatCloseAreReadButNotAnsweredHere() throws {
        let post = try head("POST /admin/login HTTP/1.1\r\nContent-Length: 12\r\n\r\nemail=a&b=cd")
        #expect(post.method == .other)
        #expect(post.contentLength == 12)
        #expect(!post.answerable)
        #expect(try !head("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").answerable)
        #expect(try !head("GET / HTTP/1.0\r\n\r\n").answerable, "HTTP/1.0 closes unless asked otherwise")
        #expect(try !head("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").answerable)
        #expect(try !head("GET / HTTP/1.1\r\nAccept-Encoding: gzip\r\naccept-encoding: br\r\n\r\n").answerable, "repeated headers go the general way")
        #expect(try head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").answerable)
    }

    /// Leading blanks go, trailing ones stay in the value, as SwiftNIO reads it (the raw-head fuzz
    /// target's findings: a trailing tab, then a trailing space).
    @Test func aValueKeepsItsTrailingBlanksAsSwiftNIOKeepsThem() throws {
        let text = "GET / HTTP/1.1\r\nAccept-Encoding: \tgzip\t \r\n\r\n"
        #expect(slice(text, try head(text).acceptEncoding) == "gzip\t ")
    }

    @Test func tokensAndTabsAreFine() throws {
        let head = try head("GET / HTTP/1.1\r\nX-Odd!#$%&'*+.^_`|~: \ta\tb \"c\" (d) \r\n\r\n")
        #expect(head.answerable)
    }

    /// Anything whose length or framing two parsers could read differently is left to SwiftNIO.
    @Test func anythingUnusualIsLeftToSwiftNIO() {
        let refused = [
            "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nContent-Length: \r\n\r\n",
            "GET / HTTP/1.1\nHost: x\n\n",
            "GET / HTTP/1.1\r\nHost: x\n\r\n",
            "GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n",
            "GET / HTTP/1.1\r\n: no name\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
            "GET /" + String(repeating: "a", count: RawRequestHead.maximumLength) + " HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: RawRequestHead.maximumLength),
            // What SwiftNIO's parser refuses with a 400 (the fuzz's differential, finding 5).
            "GET / HTTP/1.1\r\nContent-Length : 0\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nX A: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nX(A): 1\r\n\r\n",
            "GET / HTTP/1.1\r\nX-\u{7F}: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: a\u{7F}\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: caf\u{E9}\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n\rGET / HTTP/1.1\r\n\r\n",
            "G@T / HTTP/1.1\r\n\r\n",
            "G\u{0}T / HTTP/1.1\r\n\r\n",
            "\rGET / HTTP/1.1\r\n\r\n",
        ]
        for text in refused {
            #expect(parse(text) == .unsupported, "\(text.prefix(80).debugDescription)")
        }
    }
}
