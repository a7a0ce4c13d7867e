@testable import GalleyWeb
import Testing

@Suite struct RequestIDTests {
    @Test func generatedIDsAreUniqueHexOfNginxsShape() {
        let ids = (0..<10_000).map { _ in RequestIDMiddleware.generate() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(id.utf8.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            #expect(RequestIDMiddleware.accepted(id) == id)
        }
        #expect(Set(ids.map { $0.suffix(16) }).count == ids.count, "the scrambled counter alone tells them apart")
    }

    @Test func onlyWellFormedIncomingIDsAreKept() {
        #expect(RequestIDMiddleware.accepted("e2e-trace-0001") == "e2e-trace-0001")
        #expect(RequestIDMiddleware.accepted("") == nil)
        #expect(RequestIDMiddleware.accepted("id\nforged: yes") == nil)
        #expect(RequestIDMiddleware.accepted(String(repeating: "a", count: 129)) == nil)
    }
}
