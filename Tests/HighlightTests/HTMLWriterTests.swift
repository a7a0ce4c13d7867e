@testable import Highlight
import Testing

/// The writer makes strings without Swift's UTF-8 check when it can show the bytes are valid:
/// valid input, and markup only between whole characters.
@Suite struct HTMLWriterTests {
    private static func write(_ code: String, _ tokens: [Token]) -> String {
        Array(code.utf8).withUnsafeBufferPointer { HTMLWriter.write(tokens, of: $0, between: "<b>", and: "</b>") }
    }

    @Test func nonASCIITextIsWrittenAsItIs() {
        let code = "x = \"naïve 日本語 🎉\" & y"
        let bytes = Array(code.utf8)
        let quote = bytes.firstIndex(of: UInt8(ascii: "\""))!, end = bytes.lastIndex(of: UInt8(ascii: "\""))! + 1
        let html = Self.write(code, [
            Token(start: 0, end: quote, kind: .text), Token(start: quote, end: end, kind: .stringDouble),
            Token(start: end, end: bytes.count, kind: .text),
        ])
        #expect(html == "<b>x = <span class=\"s2\">\"naïve 日本語 🎉\"</span> &amp; y</b>")
    }

    @Test func tokensThatSplitACharacterAreCheckedAndRepaired() {
        // "é" is two bytes; a token boundary between them would put markup inside the character.
        let html = Self.write("é", [Token(start: 0, end: 1, kind: .keyword), Token(start: 1, end: 2, kind: .name)])
        #expect(html == "<b><span class=\"k\">\u{FFFD}</span><span class=\"n\">\u{FFFD}</span></b>")
    }
}
