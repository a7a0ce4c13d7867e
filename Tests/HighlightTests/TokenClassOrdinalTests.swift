@testable import Highlight
import Testing

@Suite struct TokenClassOrdinalTests {
    /// Tables indexed by class are built in `allCases`' order: each ordinal is its place there.
    @Test func eachOrdinalIsThePlaceInAllCases() {
        for (index, kind) in TokenClass.allCases.enumerated() {
            #expect(kind.ordinal == index, "\(kind)")
        }
    }
}
