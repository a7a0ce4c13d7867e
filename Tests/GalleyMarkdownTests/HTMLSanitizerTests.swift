@testable import GalleyMarkdown
import Testing

/// Each rule of the sanitizer, and the properties its output always has: sanitizing it again
/// changes nothing, and nothing outside the allowlist is left.
@Suite struct HTMLSanitizerTests {
    let sanitizer = HTMLSanitizer()

    func clean(_ html: String, marker: String? = nil) -> String { sanitizer.sanitize(html, ownMarker: marker) }

    /// Mis-nested links parse into a link inside a link, which a browser would not read back
    /// as such: the inner one is written as its content (the sanitize fuzz target's finding).
    @Test func linksNeverNest() {
        let html = clean(#"<a href="https://a.example/">x<table><td><a href="https://b.example/">y</a></table><iframe src="https://other.example/v"></iframe></a>"#)
        #expect(html.components(separatedBy: "<a ").count == 2, "\(html)")
        #expect(html.contains("https://other.example/v") && !html.contains("b.example"))
        #expect(clean(html) == html)
    }

    @Test(arguments: [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ("<style>p{}</style><template><b>x</b></template><noscript><b>y</b></noscript>z", "z"),
        ("<textarea><b>t</b></textarea><select><option>o</select><title>t</title>", ""),
        ("<object data=x><b>fallback</b></object><embed src=x>", ""),
        ("<svg><script>alert(1)</script><circle/></svg><math><mi>x</mi></math>ok", "ok"),
        // Unknown or unlisted elements keep their text, in a bare span (which parses as they do);
        // a button, which bounds a parser scope, goes with its text.
        ("<center>c</center><font color=red>f</font><foo-bar>g</foo-bar><form><button>b</button></form>", "<span>c</span><span>f</span><span>g</span><span></span>"),
        ("<!-- comment --><p>x</p>", "<p>x</p>"),
    ])
    func elementsOutsideTheAllowlistGoWithOrWithoutTheirContent(html: String, expected: String) {
        #expect(clean(html) == expected)
    }

    @Test(arguments: [
        (#"<a href="https://x.org/a" onclick="alert(1)" style="color:red" target="_blank">x</a>"#, #"<a href="https://x.org/a" rel="noopener">x</a>"#),
        (#"<img src="/a.png" onerror="alert(1)" alt="A" width="10">"#, #"<img src="/a.png" alt="A" width="10" loading="lazy" decoding="async">"#),
        (#"<div align="center" class="note" data-x="1" lang="en" dir="rtl" title="t">d</div>"#, #"<div align="center" class="note" lang="en" dir="rtl" title="t">d</div>"#),
        (#"<td colspan="2" rowspan="3" bgcolor="red">c</td>"#, "c"),
        (#"<table><tr><td colspan="2" rowspan="3" bgcolor="red">c</td></tr></table>"#, #"<table><tbody><tr><td colspan="2" rowspan="3">c</td></tr></tbody></table>"#),
        (#"<details open><summary>S</summary><kbd>K</kbd><sup>1</sup></details>"#, #"<details open=""><summary>S</summary><kbd>K</kbd><sup>1</sup></details>"#),
        (#"<ol start="3" reversed><li value="5">x</li></ol>"#, #"<ol start="3" reversed=""><li value="5">x</li></ol>"#),
    ])
    func attributesOutsideTheAllowlistAreDropped(html: String, expected: String) {
        #expect(clean(html) == expected)
    }

    @Test(arguments: [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
        "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "jav&#x09;ascript:alert(1)",
        "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
    ])
    func dangerousSchemesLoseTheAttributeWhateverTheirDisguise(url: String) {
        let html = clean("<a href=\"\(url)\">a</a><img src=\"\(url)\"><img srcset=\"/ok.png 1x, \(url) 2x\"><q cite=\"\(url)\">q</q>")
        #expect(html == #"<a>a</a><img loading="lazy" decoding="async"><img loading="lazy" decoding="async"><q>q</q>"#, "\(url)")
    }

    @Test func safeTargetsAreKept() {
        #expect(clean(#"<a href="mailto:a@b.c">m</a><a href="/x?y#z">r</a><a href="foo):">p</a>"#)
            == #"<a href="mailto:a@b.c">m</a><a href="/x?y#z">r</a><a href="foo):">p</a>"#)
        #expect(clean(#"<img srcset="/a.png 1x, https://x.org/b.png 2x" src="http://x.org/c.png">"#)
            == #"<img srcset="/a.png 1x, https://x.org/b.png 2x" src="http://x.org/c.png" loading="lazy" decoding="async">"#)
        // Images never from mailto:.
        #expect(clean(#"<img src="mailto:a@b.c">"#) == #"<img loading="lazy" decoding="async">"#)
    }

    @Test func authorsIDsArePrefixedAndLinksToThemFollow() {
        #expect(clean(##"<a href="#note">see</a><p id="note" name="n">N</p><a href="#elsewhere">e</a>"##)
            == ##"<a href="#user-content-note">see</a><p id="user-content-note">N</p><a href="#elsewhere">e</a>"##)
        // The renderer's own ids keep their names; its marker goes.
        #expect(clean(##"<h2 id="intro" data-galley-own="m1">I</h2><a href="#intro">i</a><p id="intro">fake</p>"##, marker: "m1")
            == ##"<h2 id="intro">I</h2><a href="#intro">i</a><p id="user-content-intro">fake</p>"##)
        // A guessed marker is not the one: the author's element is the author's.
        #expect(clean(#"<h2 id="intro" data-galley-own="guess">I</h2>"#, marker: "m1") == #"<h2 id="user-content-intro">I</h2>"#)
    }

    @Test func framesComeOnlyFromVideoHostsAndSandboxed() {
        #expect(clean(#"<iframe src="https://www.youtube.com/embed/abc?start=3" width="560" height="315" onload="x()"></iframe>"#)
            == #"<iframe src="https://www.youtube-nocookie.com/embed/abc?start=3" width="560" height="315" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen=""></iframe>"#)
        #expect(clean(#"<iframe src="//player.vimeo.com/video/1"></iframe>"#).hasPrefix(#"<iframe src="https://player.vimeo.com/video/1" sandbox="#))
        #expect(clean(#"<iframe src="https://evil.example/x"></iframe>"#) == #"<a href="https://evil.example/x" rel="noopener">https://evil.example/x</a>"#)
        #expect(clean(#"<iframe src="https://www.youtube.com.evil.example/x"></iframe>"#).hasPrefix("<a href"))
        #expect(clean(#"<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>"#) == "")
    }

    @Test func onlyTaskListCheckboxesAndAlwaysDisabled() {
        #expect(clean(#"<input type="checkbox" checked>"#) == #"<input type="checkbox" checked="" disabled="">"#)
        #expect(clean(#"<input type="text" value="x"><input type="image" src="x">"#) == "")
    }

    @Test func textIsEscapedAndPreKeepsItsFirstNewline() {
        #expect(clean("a &lt;script&gt; &amp; \" <b>b</b>") == "a &lt;script&gt; &amp; &quot; <b>b</b>")
        #expect(clean("<pre>\n\nx</pre>") == "<pre>\n\nx</pre>")
        #expect(clean(#"<a title="&quot;><script>">t</a>"#) == #"<a title="&quot;&gt;&lt;script&gt;">t</a>"#)
    }

    /// Mutation XSS: markup a parser reads differently the second time. The output is written
    /// from the tree, so what it holds is text wherever the first parse said text.
    @Test(arguments: [
        #"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#,
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<template><script>alert(1)</script></template>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<!--><img src=x onerror=alert(1)>-->",
        "<a href=\"javas&Tab;cript:alert(1)\">x</a>",
        "<table><td><a href=x><table><td>y</a></table>",
    ])
    func mutationTricksLeaveNothingThatRuns(html: String) {
        let once = clean(html)
        #expect(!once.contains("onerror"), "\(once)")
        #expect(!once.contains("<script"), "\(once)")
        #expect(!once.lowercased().contains("javascript:"), "\(once)")
        #expect(clean(once) == once, "\(once)")
    }

    /// Every spec example's rendering, sanitized again, is what it was: the renderer's output is
    /// a fixed point (its own ids take their prefix the first time they lose their marker).
    @Test func sanitizedOutputIsAFixedPoint() {
        let renderer = MarkdownRenderer()
        for example in ConformanceTests.examples {
            let once = clean(renderer.render(example.markdown).html)
            #expect(clean(once) == once, "\(example.testDescription)")
        }
    }
}
