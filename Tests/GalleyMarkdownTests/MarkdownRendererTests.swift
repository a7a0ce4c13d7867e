@testable import GalleyMarkdown
import Highlight
import Testing

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    @Test func headingsGetStableUniqueIDsAndSelfLinks() {
        let result = renderer.render("# Intro\n\n## Setup & *Install*\n\n## Intro\n\n### Intro\n")
        #expect(result.tableOfContents.map(\.id) == ["intro", "setup-install", "intro-2", "intro-3"])
        #expect(result.tableOfContents.map(\.level) == [1, 2, 2, 3])
        #expect(result.tableOfContents[1].title == "Setup & Install")
        #expect(result.html.contains(##"<h2 id="setup-install">Setup &amp; <em>Install</em><a class="anchor" href="#setup-install" aria-label="Link to this section: Setup &amp; Install">#</a></h2>"##))
        #expect(result.html.contains(#"<h2 id="intro-2">"#))
    }

    /// `{#id}` after a heading's text, as kramdown, Hugo and Pandoc read it: imported posts keep
    /// their old anchors.
    @Test func anIDTheAuthorGaveIsKept() {
        let result = renderer.render("## Installing {#install}\n\n# Install\n\n## Tricky *one* {#x.y:z}\n\n## Not {an id}\n\n## Bad {#a b}\n")
        #expect(result.tableOfContents.map(\.id) == ["install", "install-2", "x.y:z", "not-an-id", "bad-a-b"])
        #expect(result.tableOfContents[0].title == "Installing")
        #expect(result.html.contains(##"<h2 id="install">Installing<a class="anchor" href="#install""##))
        #expect(result.html.contains(##"<h2 id="x.y:z">Tricky <em>one</em><a class="anchor""##))
        #expect(!result.plainText.contains("{#install}"))
        // In code or in the middle of a heading, it is text.
        #expect(renderer.render("## `{#code}`\n").tableOfContents.map(\.id) == ["code"])
    }

    @Test func generatedIDsNeverCollideWithLaterHeadings() {
        let result = renderer.render("# A\n\n# A\n\n# A 2\n")
        #expect(result.tableOfContents.map(\.id) == ["a", "a-2", "a-2-2"])
    }

    @Test func idsOfInterleavedRepeatsAreTheFirstFree() {
        let result = renderer.render("# A\n\n# A 2\n\n# A\n\n# A\n\n# A 2\n")
        #expect(result.tableOfContents.map(\.id) == ["a", "a-2", "a-3", "a-4", "a-2-2"])
    }

    /// n equal headings once cost O(n²): each tried every suffix from `-2` again, and 16,000
    /// `## h` took 16 s to render. 100,000 ids would take minutes that way; well under a second now.
    @Test(.timeLimit(.minutes(1)))
    func manyEqualHeadingsTakeLinearTime() {
        var ids = HeadingIDs()
        var last = ""
        for _ in 0..<100_000 { last = ids.id(for: "h") }
        #expect(last == "h-100000")
        #expect(renderer.render(String(repeating: "## h\n", count: 1000)).tableOfContents.last?.id == "h-1000")
    }

    /// A link inside a heading points into the heading's own text; the heading node, replaced by
    /// the one carrying its id, was freed before the HTML was written (a use after free that
    /// AddressSanitizer reports for this input; `scripts/sanitize.sh address` runs it).
    @Test func linksInHeadingsOutliveTheHeadingTheyMovedFrom() {
        let result = renderer.render("## h >](https://example.Se[X]n 2\n\n## see [the docs](https://example.com/a/long/path/to/read)\n")
        #expect(result.html.contains(#"href="https://example.com/a/long/path/to/read">the docs</a>"#), "\(result.html)")
    }

    @Test func headingWithoutWordsStillGetsAnID() {
        #expect(renderer.render("# ???\n").tableOfContents.map(\.id) == ["section"])
        #expect(renderer.render("# Ünïcödé 日本\n").tableOfContents.map(\.id) == ["ünïcödé-日本"])
    }

    @Test func plainCodeBlocksKeepTheirLanguageClassAsCmarkWritesIt() {
        let html = MarkdownRenderer(codeBlocks: PlainCodeBlockRenderer()).render("```swift title=\"main.swift\"\nlet x = 1 < 2\n```\n").html
        #expect(html == "<pre><code class=\"language-swift\">let x = 1 &lt; 2\n</code></pre>\n")
    }

    @Test func codeBlocksAreHighlightedByDefault() {
        let html = renderer.render("```swift title=\"main.swift\"\nlet x = 1 < 2\n```\n").html
        #expect(html == """
            <figure class="code-block"><figcaption class="code-title">main.swift</figcaption><pre class="highlight"><code class="language-swift" data-lang="swift"><span class="kd">let</span> <span class="n">x</span> <span class="o">=</span> <span class="mi">1</span> <span class="o">&lt;</span> <span class="mi">2</span>
            </code></pre></figure>

            """)
    }

    @Test func codeBlocksGoThroughTheSeam() {
        struct Upper: CodeBlockRenderer {
            func renderCodeBlock(code: String, info: String) -> String { "<pre class=\"\(info)\">\(code.uppercased())</pre>\n" }
        }
        let html = MarkdownRenderer(codeBlocks: Upper()).render("Text\n\n```py x\nprint()\n```\n\n    indented\n").html
        #expect(html == "<p>Text</p>\n<pre class=\"py x\">PRINT()\n</pre>\n<pre class=\"\">INDENTED\n</pre>\n")
    }

    @Test func rawHTMLIsKeptButNeverItsScripts() {
        let html = renderer.render("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> <kbd>K</kbd>\n").html
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(html.contains(#"<img src="x" loading="lazy" decoding="async">"#))
        #expect(html.contains("<kbd>K</kbd>"))
    }

    @Test(arguments: [
        (MarkdownRenderer.RawHTML.escaped, "<p>&lt;details&gt;&lt;b&gt;x&lt;/b&gt;&lt;/details&gt;</p>\n<p>a &lt;kbd&gt;K&lt;/kbd&gt;</p>\n"),
        (.omitted, "<!-- raw HTML omitted -->\n<p>a <!-- raw HTML omitted -->K<!-- raw HTML omitted --></p>\n"),
        (.sanitized, "<details><b>x</b></details>\n<p>a <kbd>K</kbd></p>\n"),
    ])
    func rawHTMLIsSanitizedEscapedOrOmittedAsTheSiteChooses(mode: MarkdownRenderer.RawHTML, expected: String) {
        #expect(MarkdownRenderer(rawHTML: mode).render("<details><b>x</b></details>\n\na <kbd>K</kbd>\n").html == expected)
    }

    @Test func dangerousLinkTargetsAreDropped() {
        // Without raw HTML, cmark's safe mode drops them; with it, cmark writes every target and
        // the sanitizer drops them.
        for source in ["[click](javascript:alert(1)) ![i](vbscript:x)\n", "[click](javascript:alert(1)) ![i](vbscript:x) <b>raw</b>\n"] {
            let html = renderer.render(source).html
            #expect(!html.contains("javascript:"), "\(html)")
            #expect(!html.contains("vbscript:"), "\(html)")
        }
    }

    @Test func githubExtensionsAreOn() {
        let html = renderer.render("""
            | a | b |
            |---|--:|
            | 1 | 2 |

            ~~old~~ www.example.com

            - [x] done
            - [ ] todo

            Note[^1].

            [^1]: The note.
            """).html
        #expect(html.contains("<table>"))
        #expect(html.contains(#"<td align="right">2</td>"#))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains(#"<a rel="noopener" href="http://www.example.com">"#))
        #expect(html.contains(#"<input type="checkbox" checked="" disabled="" />"#))
        #expect(html.contains("data-footnotes"))
    }

    @Test func linksToOtherSitesGetNoopenerAndImagesLoadLazily() {
        let html = renderer.render("[out](https://example.com/x) [in](/posts/y) [frag](#z) ![pic](/media/a.png \"T\")\n").html
        #expect(html.contains(#"<a rel="noopener" href="https://example.com/x">out</a>"#))
        #expect(html.contains(#"<a href="/posts/y">in</a>"#))
        #expect(html.contains(##"<a href="#z">frag</a>"##))
        #expect(html.contains(#"<img loading="lazy" decoding="async" src="/media/a.png" alt="pic" title="T" />"#))
        // With raw HTML in the post, the sanitizer adds the same while it writes the tree.
        let raw = renderer.render("[out](https://example.com/x) ![pic](/media/a.png) <kbd>k</kbd>\n").html
        #expect(raw == #"<p><a href="https://example.com/x" rel="noopener">out</a> <img src="/media/a.png" alt="pic" loading="lazy" decoding="async"> <kbd>k</kbd></p>"# + "\n")
    }

    @Test func codeThatLooksLikeALinkIsLeftAlone() {
        let html = renderer.render("```html\n<a href=\"http://x\">x</a> <img src=\"y\">\n```\n").html
        #expect(!html.contains("noopener"))
        #expect(!html.contains("lazy"))
    }

    @Test func plainTextAndFirstParagraphComeFromTheSamePass() {
        let result = renderer.render("# Title\n\nFirst *para*\nwraps here.\n\n```\ncode line\n```\n\n- item one\n")
        #expect(result.firstParagraph == "First para wraps here.")
        #expect(result.plainText == "Title\nFirst para\nwraps here.\ncode line\nitem one")
        #expect(result.wordCount == 9)
    }

    /// Words inside raw HTML are words a reader sees: search finds them and reading times count
    /// them. Dropped elements and the renderer's own `#` self-links are not text.
    @Test func theWordsOfRawHTMLAreInThePlainText() {
        let source = "# Title\n\nFirst *para*\nwraps here.\n\n<details><summary>More</summary>\n\n<table><tr><td>alpha</td><td>beta</td></tr></table>\n\n</details>\n\n<div><select><option>secret</option></select><!-- note -->gamma &amp; delta</div>\n\n```\ncode line\n\nafter a blank\n```\n\n- item <kbd>one</kbd>\n"
        let result = renderer.render(source)
        #expect(result.plainText == "Title\nFirst para\nwraps here.\nMore\nalpha beta\ngamma & delta\ncode line\nafter a blank\nitem one")
        #expect(result.firstParagraph == "First para wraps here.")
        #expect(result.wordCount == 18)
        #expect(MarkdownRenderer(rawHTML: .omitted).render(source).plainText.contains("alpha") == false)
    }

    @Test func emptyDocumentRendersToNothing() {
        let result = renderer.render("")
        #expect(result == RenderedMarkdown(html: "", tableOfContents: [], plainText: "", firstParagraph: "", wordCount: 0))
    }
}

/// Stored renderings follow the pipeline by themselves: a language added or a lexer changed
/// changes the version they are recorded with.
@Suite struct RendererVersionTests {
    @Test func theProbeReachesEveryLanguageAndRendersTheSameEachTime() {
        let html = MarkdownRenderer().render(MarkdownRenderer.probe).html
        for language in Language.all {
            #expect(html.contains("class=\"language-\(language.name)\""), "\(language.name) is in the probe")
        }
        #expect(MarkdownRenderer().render(MarkdownRenderer.probe).html == html, "no random part")
        #expect(MarkdownRenderer.outputVersion == "\(MarkdownRenderer.version)+\(MarkdownRenderer.fingerprint(of: html))")
    }

    @Test func theFingerprintTellsOutputsApart() {
        #expect(MarkdownRenderer.fingerprint(of: "") == "cbf29ce484222325")
        #expect(MarkdownRenderer.fingerprint(of: "<span class=\"k\">let</span>") != MarkdownRenderer.fingerprint(of: "<span class=\"n\">let</span>"))
    }
}
