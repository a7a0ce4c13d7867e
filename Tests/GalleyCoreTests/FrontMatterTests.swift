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

    @Test func tomlKeepsTextBeyondASCIIInStringsAndComments() throws {
        let document = try MarkdownDocument.parse("+++\n# Notizen f\u{FC}r sp\u{E4}ter\ntitle = \"Caf\u{E9} \\\" \u{2014} 'ok' 2024-05-17Tea\"\nsummary = 'na\u{EF}ve'\ndate = 2024-05-17T10:00:00Z\n+++\nBody\n")
        #expect(document.frontMatter.title == "Caf\u{E9} \" \u{2014} 'ok' 2024-05-17Tea")
        #expect(document.frontMatter.date != nil)
        // Lines inside a multi-line array hold values, not keys.
        let array = try MarkdownDocument.parse("+++\ntitle = \"A\"\ntags = [\n  \"a\",\n  'b',\n]\n[params]\n  x = { y = [\n    1,\n  ] }\n+++\n")
        #expect(array.frontMatter.tags == ["a", "b"])
    }

    @Test func aFileWithoutFrontMatterIsAllBody() throws {
        let document = try MarkdownDocument.parse("# Title\n\nText\n")
        #expect(document.frontMatter == FrontMatter())
        #expect(document.body == "# Title\n\nText\n")
    }

    @Test(arguments: [
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\ntitle: [unclosed\n---\n", 3, "not valid YAML at line 3"),
        ("+++\ntitle = \"x\"\ntitle = \"y\"\n+++\n", 3, "TOML front matter:"),
        ("+++\ntitle = \n+++\n", 2, "TOML front matter:"),
        ("{\n\"title\": \n}\n", 1, "JSON front matter is not valid JSON"),
        ("+++\ntitle = \"x\"\n", 1, "opened with '+++' is never closed"),
        ("---\ntitle: ok\ndate: yesterday\n---\n", 3, "'date' is not a date: 'yesterday'"),
        ("---\ntitle: ok\n\ndraft: maybe\n---\n", 4, "'draft' must be true or false"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
        ("---\ntitle:\n  nested: map\n---\n", 2, "'title' must be text"),
        // toml++ stopped the process with a failed assertion on each of these (the fuzz
        // target's findings); TOMLSyntax refuses them before toml++ sees them.
        ("+++\ntitle = \"T\"\ndate = 2024-05-17T\u{E9}:00:00+02:00\n+++\n", 3, "a date or time needs a digit here, found a character other than ASCII"),
        ("+++\ntitle = \"T\"\ndate = 2024-05-17 \u{E9}\n+++\n", 3, "expected the line's end after a value"),
        ("+++\ntitle = \"\"\"two\nlines\"\"\" # caf\u{E9}\nt\u{E9}gs = []\n+++\n", 4, "expected '=' after the key, found a character other than ASCII"),
        ("+++\ntitle = \"T\"\ndate = 2024-05-17T:'010:00+02:00\n+++\n", 3, "a date or time needs a digit here, found ':'"),
        ("+++\ntitle = \"T\"\n\n[(axonomie = \"Z\"\n+++\n", 4, "a key must be letters, digits, '-' and '_', or quoted; found '('"),
        ("+++\n  =x\n+++\n", 2, "a key must be letters"),
        ("+++\ntitle = \"T\"\ntags = [\"a\", }\"x\"]\n+++\n", 3, "'}' cannot start a value"),
        ("+++\ntags = [\n  ,\"a\"]\n+++\n", 3, "',' cannot start a value"),
        ("+++\n[[[[[[[[[[[[[[[[[W\na-\u{0}\n+++\n", 2, "a key must be letters"),
        // A duplicate key that no line starts (an anchor before it) once made the reader drop
        // nothing and try again forever.
        ("---\ntitle: A\n&a title: B\n---\n", 2, "duplicate keys: title"),
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

    @Test func readsTOMLFrontMatterAsHugoAndZolaWriteIt() throws {
        let document = try MarkdownDocument.parse("""
            +++
            title = "Announcing Rust 1.88.0"
            path = "2025/06/26/Rust-1.88.0"
            authors = ["The Rust Release Team"]
            aliases = ["releases/1.88.0"]
            date = 2025-06-26
            updated = 2025-06-27T10:00:00+02:00
            draft = false

            [taxonomies]
            tags = ["release"]
            categories = ["news"]

            [extra]
            release = true
            +++

            Body
            """, timeZone: TimeZone(identifier: "Europe/Oslo")!)
        let front = document.frontMatter
        #expect(front.format == .toml)
        #expect(front.title == "Announcing Rust 1.88.0")
        #expect(front.address == "2025/06/26/Rust-1.88.0")
        #expect(front.authors == ["The Rust Release Team"])
        #expect(front.aliases == ["releases/1.88.0"])
        #expect(front.tags == ["news", "release"] || front.tags == ["release", "news"])
        // A date alone is midnight in the site's time zone (Oslo is UTC+2 in June).
        #expect(front.date == Date(timeIntervalSince1970: 1_750_888_800))
        #expect(front.updated == Date(timeIntervalSince1970: 1_751_011_200))
        #expect(front.unknownJSON == #"{"extra":{"release":true}}"#)
        #expect(document.body == "\nBody")
        #expect(document.bodyLine == 17)
    }

    @Test func readsJSONFrontMatter() throws {
        let document = try MarkdownDocument.parse("""
            {
              "title": "JSON post",
              "date": "2021-03-04T05:06:07Z",
              "tags": ["a", "b"],
              "weight": 3,
              "draft": true
            }
            Body
            """)
        let front = document.frontMatter
        #expect(front.format == .json)
        #expect(front.title == "JSON post")
        #expect(front.date == Date(timeIntervalSince1970: 1_614_834_367))
        #expect(front.tags == ["a", "b"])
        #expect(front.draft)
        #expect(front.unknownJSON == #"{"weight":3}"#)
        #expect(document.body == "Body")
    }

    @Test(arguments: [
        // Ruby's Time#to_s, as Jekyll writes it.
        ("2023-01-29 18:30:22 -0800", 1_675_045_822.0),
        ("2023-01-29 18:30:22 -08:00", 1_675_045_822.0),
        ("2023-01-30T02:30:22Z", 1_675_045_822.0),
        ("2023-01-30 02:30:22 UTC", 1_675_045_822.0),
        ("2023-01-30T02:30:22.250Z", 1_675_045_822.25),
        ("2023-01-30T02:30:22.123456789+00:00", 1_675_045_822.123456789),
        // No zone: the site's (Los Angeles, UTC-8 in January).
        ("2023-01-29 18:30:22", 1_675_045_822.0),
        ("2023-01-29T18:30", 1_675_045_800.0),
        ("2023-01-29", 1_674_979_200.0),
    ] as [(String, Double)])
    func readsTheDatesEnginesAccept(text: String, seconds: Double) throws {
        let date = try #require(FrontMatterDate.parse(text, timeZone: TimeZone(identifier: "America/Los_Angeles")!))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001, "\(text)")
    }

    @Test(arguments: ["yesterday", "2023-02-30", "2023-13-01", "2023-01-01T25:00", "2023-01-01 10:00 +2500", "2023-01-01x"])
    func refusesWhatIsNotADate(text: String) {
        #expect(FrontMatterDate.parse(text) == nil)
    }

    @Test func readsWhatEachEngineCallsTheSameThing() throws {
        let jekyll = try MarkdownDocument.parse("""
            ---
            title: T
            last_modified_at: 2024-01-02
            author: Ada Lovelace
            categories: [Rust, Release]
            category: news
            redirect_from:
              - /old/path/
              - /older.html
            permalink: /blog/t/
            excerpt_separator: <!--cut-->
            image: /assets/card.png
            ---
            """).frontMatter
        #expect(jekyll.updated == Date(timeIntervalSince1970: 1_704_153_600))
        #expect(jekyll.authors == ["Ada Lovelace"])
        #expect(jekyll.tags == ["Rust", "Release", "news"])
        #expect(jekyll.aliases == ["/old/path/", "/older.html"])
        #expect(jekyll.address == "/blog/t/")
        #expect(jekyll.excerptSeparator == "<!--cut-->")
        #expect(jekyll.images == ["/assets/card.png"])

        let hugo = try MarkdownDocument.parse("""
            ---
            title: T
            lastmod: 2024-01-02T00:00:00Z
            expiryDate: 2030-01-01
            authors: [{name: Grace}, Linus]
            build:
              render: never
            url: /custom/
            cover:
              image: cover.jpg
            ---
            """).frontMatter
        #expect(hugo.expires == Date(timeIntervalSince1970: 1_893_456_000))
        #expect(hugo.authors == ["Grace", "Linus"])
        #expect(hugo.neverRendered)
        #expect(hugo.images == ["cover.jpg"])
        #expect(hugo.address == "/custom/")

        #expect(try MarkdownDocument.parse("---\nheadless: true\n---\n").frontMatter.neverRendered)
        #expect(try MarkdownDocument.parse("+++\nrender = false\n+++\n").frontMatter.neverRendered)
        #expect(try MarkdownDocument.parse("---\ncascade:\n  build:\n    render: never\n---\n").frontMatter.cascadesNeverRendered)
        #expect(try MarkdownDocument.parse("+++\n[extra]\nauthor = \"Zed\"\n+++\n").frontMatter.authors == ["Zed"])
    }

    @Test func aKeyGivenTwiceIsAWarningAndTheLastOneCounts() throws {
        let document = try MarkdownDocument.parse("---\ntitle: First\ntags: [a]\ntitle: Second\n---\nBody")
        #expect(document.frontMatter.title == "Second")
        #expect(document.frontMatter.tags == ["a"])
        #expect(document.warnings.map(\.kind) == ["duplicate key"])
        #expect(document.warnings.first?.message.contains("'title'") == true)
    }

    @Test func keepsUnknownKeysInTheOrderWritten() throws {
        let front = try MarkdownDocument.parse("---\ntitle: T\nlayout: post\nweight: 2\nparams: {x: \"q\\\"uote\"}\n---\n").frontMatter
        #expect(front.unknownJSON == #"{"layout":"post","weight":2,"params":{"x":"q\"uote"}}"#)
    }
}
