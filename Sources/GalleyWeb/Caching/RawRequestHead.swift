/// The head of an HTTP/1 request as far as the raw fast path needs it, read straight from the
/// bytes the socket delivered: where it ends, the request line, the headers that choose a cached
/// answer, and the body length that says where the next request starts.
///
/// It is deliberately strict. Anything unusual (a transfer coding, an upgrade, `Expect`, a
/// folded or bare-LF header line, an odd `Content-Length`, an unknown version, a method or
/// header name that is not an RFC 9110 token, a control byte, bare CR or non-ASCII byte
/// anywhere in the head) makes it give up on the connection, and from then on SwiftNIO's parser
/// reads every byte, so the two parsers never disagree about where a request ends, and nothing
/// SwiftNIO would refuse with a 400 is answered here (`Content-Length : 45` was once read here
/// as a header and the bytes after the head as the next request: a smuggling differential).
struct RawRequestHead: Equatable {
    enum Method: Equatable { case get, head, other }

    enum Parsed: Equatable {
        /// No blank line yet: the rest of the head has not arrived.
        case incomplete
        /// Not something this parser vouches for; leave the connection to SwiftNIO.
        case unsupported
        case head(RawRequestHead)
    }

    var method: Method
    /// The request target, an origin-form path (with its query).
    var target: Range<Int>
    /// Bytes from the start of the request line to the end of the blank line after the headers.
    var length: Int
    var contentLength = 0
    /// HTTP/1.1 without `Connection: close`: the connection stays open after the answer.
    var keepAlive: Bool
    var acceptEncoding: Range<Int>?
    var ifNoneMatch: Range<Int>?
    var requestID: Range<Int>?
    var forwardedFor: Range<Int>?
    /// A header this path reads came twice; the general path knows how to combine them.
    var repeatedHeader = false

    /// Whether a cached page may answer it here: a GET or HEAD of a path, with no body, that
    /// keeps the connection open.
    var answerable: Bool {
        method != .other && contentLength == 0 && keepAlive && !repeatedHeader
    }

    /// Request heads larger than this are left to SwiftNIO, which holds them to
    /// ``ConnectionLimits/maxHeadBytes``.
    static let maximumLength = 16 * 1024

    /// Reads a head of at most `maximumLength` bytes and `maximumFields` header fields; a larger
    /// one is SwiftNIO's to refuse or accept under the same limits.
    static func parse(_ bytes: UnsafeRawBufferPointer, maximumLength: Int = maximumLength, maximumFields: Int = ConnectionLimits.defaults.maxHeaderCount) -> Parsed {
        let bytes = UnsafeRawBufferPointer(rebasing: bytes.prefix(maximumLength))
        let truncated = bytes.count == maximumLength
        guard let requestLineEnd = lineEnd(bytes, from: 0) else { return truncated ? .unsupported : .incomplete }
        guard case .line(let end) = requestLineEnd, var head = requestLine(bytes, 0..<end) else { return .unsupported }
        var lineStart = end + 2
        var contentLengthSeen = false
        var fields = 0
        while true {
            guard let found = lineEnd(bytes, from: lineStart) else { return truncated ? .unsupported : .incomplete }
            guard case .line(let end) = found else { return .unsupported }
            if end == lineStart {
                head.length = end + 2
                return .head(head)
            }
            fields += 1
            guard fields <= maximumFields else { return .unsupported }
            // A name of token bytes up to the colon (no folding, no blank before the colon), and
            // a value of visible ASCII, spaces and tabs.
            guard let colon = bytes[lineStart..<end].firstIndex(of: UInt8(ascii: ":")), colon > lineStart,
                  isToken(bytes, lineStart..<colon), isFieldValue(bytes, (colon + 1)..<end)
            else { return .unsupported }
            let name = lineStart..<colon
            // Leading blanks only, as SwiftNIO does: it keeps trailing ones in the value (the
            // raw-head fuzz target found both a tab and a space), and the two must agree.
            let value = skippingLeadingBlanks(bytes, (colon + 1)..<end)
            switch HeaderName(bytes, name) {
            case .contentLength:
                guard !contentLengthSeen, let length = decimal(bytes, value) else { return .unsupported }
                contentLengthSeen = true
                head.contentLength = length
            case .transferEncoding, .upgrade, .expect:
                return .unsupported
            case .connection:
                if containsToken(bytes, value, "upgrade") { return .unsupported }
                if containsToken(bytes, value, "close") { head.keepAlive = false }
            case .acceptEncoding: remember(value, in: &head.acceptEncoding, repeated: &head.repeatedHeader)
            case .ifNoneMatch: remember(value, in: &head.ifNoneMatch, repeated: &head.repeatedHeader)
            case .requestID: remember(value, in: &head.requestID, repeated: &head.repeatedHeader)
            case .forwardedFor: remember(value, in: &head.forwardedFor, repeated: &head.repeatedHeader)
            case .other: break
            }
            lineStart = end + 2
        }
    }

    private enum LineEnd: Equatable {
        /// The index of the `\r` of the line's `\r\n`.
        case line(Int)
        case unsupported
    }

    /// The end of the line from `start`: `nil` if its `\n` has not arrived; unsupported if the
    /// `\n` has no `\r` before it.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> LineEnd? {
        guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        guard newline > start, bytes[newline - 1] == UInt8(ascii: "\r") else { return .unsupported }
        return .line(newline - 1)
    }

    /// `GET /path HTTP/1.1`, with exactly one space between the parts.
    private static func requestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> RawRequestHead? {
        guard let firstSpace = bytes[line].firstIndex(of: UInt8(ascii: " ")),
              let secondSpace = bytes[(firstSpace + 1)..<line.upperBound].firstIndex(of: UInt8(ascii: " "))
        else { return nil }
        let target = (firstSpace + 1)..<secondSpace
        let version = (secondSpace + 1)..<line.upperBound
        guard isToken(bytes, line.lowerBound..<firstSpace), !target.isEmpty, bytes[target.lowerBound] == UInt8(ascii: "/"),
              bytes[target].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        let keepAlive: Bool
        if equals(bytes, version, "HTTP/1.1") {
            keepAlive = true
        } else if equals(bytes, version, "HTTP/1.0") {
            keepAlive = false
        } else {
            return nil
        }
        let method: Method = equals(bytes, line.lowerBound..<firstSpace, "GET") ? .get
            : equals(bytes, line.lowerBound..<firstSpace, "HEAD") ? .head : .other
        return RawRequestHead(method: method, target: target, length: 0, keepAlive: keepAlive)
    }

    private enum HeaderName {
        case contentLength, transferEncoding, upgrade, expect, connection, acceptEncoding, ifNoneMatch, requestID, forwardedFor, other

        private static let names: [(StaticString, HeaderName)] = [
            ("content-length", .contentLength), ("transfer-encoding", .transferEncoding), ("upgrade", .upgrade),
            ("expect", .expect), ("connection", .connection), ("accept-encoding", .acceptEncoding),
            ("if-none-match", .ifNoneMatch), ("x-request-id", .requestID), ("x-forwarded-for", .forwardedFor),
        ]

        init(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) {
            self = Self.names.first { RawRequestHead.equals(bytes, name, $0.0, ignoringCase: true) }?.1 ?? .other
        }
    }

    /// RFC 9110 §5.6.2: `tchar` is a visible ASCII byte other than a delimiter.
    private static let tokenBytes: [Bool] = (0..<256).map { byte in
        guard byte > 0x20, byte < 0x7F else { return false }
        return !"\"(),/:;<=>?@[\\]{}".utf8.contains(UInt8(byte))
    }

    private static func isToken(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        !range.isEmpty && bytes[range].allSatisfy { tokenBytes[Int($0)] }
    }

    /// Visible ASCII, spaces and tabs. RFC 9110 also allows bytes from 0x80 (obs-text), which
    /// parsers treat differently, so those go to SwiftNIO too.
    private static func isFieldValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        bytes[range].allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == UInt8(ascii: "\t") }
    }

    private static func remember(_ value: Range<Int>, in field: inout Range<Int>?, repeated: inout Bool) {
        if field != nil { repeated = true }
        field = value
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// `range` without the spaces and tabs at its start.
    private static func skippingLeadingBlanks(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var first = range.lowerBound
        while first < range.upperBound, isBlank(bytes[first]) { first += 1 }
        return first..<range.upperBound
    }

    /// `range` without the spaces and tabs at either end.
    private static func trimmingBlanks(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        let range = skippingLeadingBlanks(bytes, range)
        var last = range.upperBound
        while last > range.lowerBound, isBlank(bytes[last - 1]) { last -= 1 }
        return range.lowerBound..<last
    }

    /// Digits only, as RFC 9112 §6.3 wants; anything else (a sign, a list) is refused.
    private static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 15 else { return nil }
        var value = 0
        for byte in bytes[range] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Whether a comma-separated header value holds `token`, ignoring case.
    private static func containsToken(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ token: StaticString) -> Bool {
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            if equals(bytes, trimmingBlanks(bytes, start..<end), token, ignoringCase: true) { return true }
            start = end + 1
        }
        return false
    }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ text: StaticString, ignoringCase: Bool = false) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for offset in 0..<range.count {
            var byte = bytes[range.lowerBound + offset]
            if ignoringCase, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != expected[offset] { return false }
        }
        return true
    }
}
