import Foundation
import GalleyCore
import Testing

@Suite struct FrontMatterTests {
    @Test func readsJekyllFrontMatter() throws {
        let document = try MarkdownDocument.parse("""
            ---
            layout: post
            title: "Structured concurrency: a tour"
            date: 2024-05-17 09:30:00 +0200
            tags: [swift, concurrency]
            description: Task groups, explained.
            ---

            Body text.
            """)
        let front = document.frontMatter
        #expect(front.title == "Structured concurrency: a tour")
        #expect(front.date == Date(timeIntervalSince1970: 1_715_931_000))
        #expect(front.tags == ["swift", "concurrency"])
        #expect(front.summary == "Task groups, explained.")
        #expect(!front.draft)
        #expect(document.body == "\nBody text.")
    }

    @Test func readsHugoFrontMatter() throws {
        let document = try MarkdownDocument.parse("""
            ---
            title: Hugo post
            date: 2023-01-02T15:04:05-07:00
            slug: custom-slug
            draft: true
            summary: The summary.
            tags:
              - go
              - web
            ---
            Text
            """)
        let front = document.frontMatter
        #expect(front.date == Date(timeIntervalSince1970: 1_672_697_045))
        #expect(front.slug == "custom-slug")
        #expect(front.draft)
        #expect(front.tags == ["go", "web"])
        #expect(front.summary == "The summary.")
    }

    @Test func acceptsTheOtherShapesPeopleWrite() throws {
        #expect(try MarkdownDocument.parse("---\ntags: a, b c\n---\n").frontMatter.tags == ["a", "b c"])
        #expect(try MarkdownDocument.parse("---\ntags: one two\n---\n").frontMatter.tags == ["one", "two"])
        #expect(try MarkdownDocument.parse("---\npublished: false\n---\n").frontMatter.draft)
        #expect(try MarkdownDocument.parse("---\ndate: 2024-02-29\n---\n").frontMatter.date == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(try MarkdownDocument.parse("\u{FEFF}---\r\ntitle: BOM\r\n---\r\nx").frontMatter.title == "BOM")
        #expect(try MarkdownDocument.parse("---\n---\nbody").body == "body")
    }

    @Test func aFileWithoutFrontMatterIsAllBody() throws {
        let document = try MarkdownDocument.parse("# Title\n\nText\n")
        #expect(document.frontMatter == FrontMatter())
        #expect(document.body == "# Title\n\nText\n")
    }

    @Test(arguments: [
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\ntitle: [unclosed\n---\n", 3, "invalid YAML"),
        ("---\ntitle: ok\ndate: yesterday\n---\n", 3, "'date' is not a date: 'yesterday'"),
        ("---\ntitle: ok\n\ndraft: maybe\n---\n", 4, "'draft' must be true or false"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
        ("---\ntitle:\n  nested: map\n---\n", 3, "'title' must be text"),
    ] as [(String, Int, String)])
    func brokenFrontMatterSaysWhereAndWhat(text: String, line: Int, message: String) {
        do {
            _ = try MarkdownDocument.parse(text)
            Issue.record("no error for \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
