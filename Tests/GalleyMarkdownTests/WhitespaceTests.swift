@testable import GalleyMarkdown
import Testing

@Suite struct WhitespaceTests {
    /// The hand-written table agrees with Unicode's White_Space property on every scalar.
    @Test func theTableIsUnicodesWhiteSpace() {
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(Whitespace.contains(scalar) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    @Test func wordsAreRunsBetweenWhiteSpace() {
        #expect(Whitespace.wordCount("") == 0)
        #expect(Whitespace.wordCount("  one\u{00A0}two\r\nthree\u{3000} ") == 3)
        #expect(Whitespace.wordCount("naïve café") == 2)
    }
}
