@testable import GalleyMarkdown
import Testing

/// A Ghost or WordPress post's HTML as Markdown where Markdown says the same, HTML elsewhere.
@Suite struct HTMLToMarkdownTests {
    @Test(arguments: [
        ("<p>Hello <strong>bold</strong> and <em>it</em>.</p>", "Hello **bold** and *it*.\n"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo\n"),
        ("<h2>Title</h2><h3 id=\"setup\">Setup</h3>", "## Title\n\n### Setup {#setup}\n"),
        ("<h2 class=\"wp-block-heading\">Kept</h2><hr>", "## Kept\n\n---\n"),
        ("<ul><li>a</li><li>b <code>c</code></li></ul>", "- a\n- b `c`\n"),
        ("<ol start=\"3\"><li>x</li><li>y<ul><li>z</li></ul></li></ol>", "3. x\n4. y\n   - z\n"),
        ("<blockquote><p>Quoted</p><p>Twice</p></blockquote>", "> Quoted\n>\n> Twice\n"),
        ("<pre><code class=\"language-swift\">let x = 1\n\nprint(x)</code></pre>", "```swift\nlet x = 1\n\nprint(x)\n```\n"),
        ("<pre class=\"wp-block-code\"><code>a ``` b</code></pre>", "````\na ``` b\n````\n"),
        ("<p><a href=\"https://example.com/a b\" title=\"T\" rel=\"noopener\" target=\"_blank\">link</a></p>", "[link](<https://example.com/a b> \"T\")\n"),
        ("<p><img src=\"/x.png\" alt=\"An *x*\"></p>", "![An \\*x\\*](/x.png)\n"),
        ("<p>1. not a list, *not em*, [not a link], AT&T &amp;copy; x_y</p>", "1\\. not a list, \\*not em\\*, \\[not a link\\], AT&T \\&copy; x\\_y\n"),
        ("<p># not a heading<br>- not an item<br></p>", "\\# not a heading\\\n\\- not an item\n"),
        ("<p>Press <kbd>Ctrl</kbd> or <span class=\"x\">this</span>.</p>", "Press <kbd>Ctrl</kbd> or <span class=\"x\">this</span>.\n"),
        ("<table><tr><td>a</td></tr></table><p>after</p>", "<table><tbody><tr><td>a</td></tr></tbody></table>\n\nafter\n"),
        ("<figure class=\"kg-card\"><img src=\"/a.png\" alt=\"A\" width=\"10\"><figcaption>Cap</figcaption></figure>", "<figure class=\"kg-card\"><img src=\"/a.png\" alt=\"A\" width=\"10\"><figcaption>Cap</figcaption></figure>\n"),
        ("<!-- wp:paragraph -->\n<p class=\"wp-block-paragraph\">Block</p>\n<!-- /wp:paragraph -->", "Block\n"),
        ("Loose text <b>and</b> bold", "Loose text **and** bold\n"),
        ("<p><em> spaced </em>word</p>", "*spaced* word\n"),
        ("", ""),
    ])
    func convertsWhatMarkdownSaysTheSame(html: String, markdown: String) {
        #expect(HTMLToMarkdown.convert(html) == markdown)
    }

    /// What a reader sees stays what they saw: the text of the Markdown's rendering is the text
    /// of the original HTML, for a long post of every kind of element.
    @Test func theRenderedTextIsTheOriginalText() {
        let html = """
            <h2>Start</h2><p>Some <em>text</em> with a <a href="https://a.example/">link</a> &amp; more.</p>
            <ul><li>One</li><li>Two <strong>strong</strong></li></ul><blockquote><p>Quote</p></blockquote>
            <pre><code class="language-c">int main(void) { return 0; }</code></pre><p>Tail with 2 * 3 = 6 and a_b.</p>
            <table><tr><th>h</th></tr><tr><td>cell</td></tr></table>
            """
        let renderer = MarkdownRenderer()
        let words = { (text: String) in text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        let original = renderer.render(html).plainText
        let converted = renderer.render(HTMLToMarkdown.convert(html)).plainText
        #expect(words(converted) == words(original))
    }
}
