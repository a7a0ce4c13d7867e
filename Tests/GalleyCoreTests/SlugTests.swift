import GalleyCore
import Testing

@Suite struct SlugTests {
    @Test(arguments: ["hello", "hello-world", "a1-b2-c3", "2024"])
    func acceptsWellFormedSlugs(_ text: String) throws {
        #expect(try Slug(text).rawValue == text)
    }

    @Test(arguments: ["", "Hello", "hello world", "-hello", "hello-", "hello--world", "héllo", "a/b", "..", String(repeating: "a", count: 201)])
    func refusesAnythingElse(_ text: String) {
        #expect(throws: GalleyError.self) { try Slug(text) }
    }

    @Test func derivesSlugsFromFreeText() {
        #expect(Slug(deriving: "Hello, World!").rawValue == "hello-world")
        #expect(Slug(deriving: "Crème brûlée & Café").rawValue == "creme-brulee-cafe")
        #expect(Slug(deriving: "  Swift 6: what's new?  ").rawValue == "swift-6-what-s-new")
        #expect(Slug(deriving: "日本語").rawValue == "untitled")
        #expect(Slug(deriving: "???", fallback: "tag").rawValue == "tag")
        #expect(Slug(deriving: String(repeating: "ab ", count: 200)).rawValue.count <= Slug.maxLength)
    }

    @Test func tagsNamedTwiceByTheSameSlugAreKeptOnce() {
        let tags: [GalleyCore.Tag] = .named(["Swift", "swift", " ", "Server Side", "server-side"])
        #expect(tags.map(\.name) == ["Swift", "Server Side"])
        #expect(tags.map(\.slug.rawValue) == ["swift", "server-side"])
    }
}
