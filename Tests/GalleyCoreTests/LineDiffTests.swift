import GalleyCore
import Testing

@Suite struct LineDiffTests {
    /// Applying the diff to the old text must give the new one, and the old one back.
    func check(_ old: String, _ new: String) {
        let diff = LineDiff.lines(from: old, to: new)
        let rebuiltNew = diff.compactMap { line -> String? in
            switch line {
            case .same(let text), .added(let text): text
            case .removed: nil
            }
        }
        let rebuiltOld = diff.compactMap { line -> String? in
            switch line {
            case .same(let text), .removed(let text): text
            case .added: nil
            }
        }
        #expect(rebuiltNew.joined(separator: "\n") == new)
        #expect(rebuiltOld.joined(separator: "\n") == old)
    }

    @Test func aChangedLineIsOneRemovalAndOneAddition() {
        let diff = LineDiff.lines(from: "a\nb\nc", to: "a\nB\nc")
        #expect(diff == [.same("a"), .removed("b"), .added("B"), .same("c")])
    }

    @Test func identicalTextsAreAllSame() {
        #expect(LineDiff.lines(from: "x\ny", to: "x\ny") == [.same("x"), .same("y")])
    }

    @Test func edgeCasesRebuildBothSides() {
        check("", "")
        check("", "one\ntwo")
        check("one\ntwo", "")
        check("a\nb\nc\nd\ne", "b\nc\nx\ne\nf")
        check("same\n", "same\n\n")
    }

    @Test func randomEditsRebuildBothSides() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let old = (0..<Int.random(in: 0...30, using: &generator)).map { _ in String("abcd".randomElement(using: &generator)!) }
            var new = old
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                if !new.isEmpty, Bool.random(using: &generator) {
                    new.remove(at: Int.random(in: 0..<new.count, using: &generator))
                } else {
                    new.insert("z", at: Int.random(in: 0...new.count, using: &generator))
                }
            }
            check(old.joined(separator: "\n"), new.joined(separator: "\n"))
        }
    }

    @Test func aSmallChangeInALongTextIsSmall() {
        let old = (0..<5_000).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 2500\n", with: "line 2500 changed\n")
        let changes = LineDiff.lines(from: old, to: new).filter { if case .same = $0 { false } else { true } }
        #expect(changes == [.removed("line 2500"), .added("line 2500 changed")])
    }
}
