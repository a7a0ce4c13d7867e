@testable import GalleyCore
import Testing

/// Each shortcode and Liquid tag the import translates, and what it keeps and reports.
@Suite struct TemplateTagsTests {
    func translate(_ text: String, engine: SiteLayout.Engine, resolve: @escaping (String) -> String? = { _ in nil }) -> TemplateTags.Result {
        TemplateTags(engine: engine, resolve: resolve, siteParams: ["product": "Widget", "title": "Site"], pageParams: ["title": "Page", "mood": "calm"])
            .translate(text)
    }

    @Test(arguments: [
        (#"{{< figure src="/a.png" alt="An A" >}}"#, "![An A](/a.png)"),
        (#"{{< figure src="/a.png" title="T" caption="Cap" link="/big.png" >}}"#, "[![Cap](/a.png \"T\")](/big.png)\n\n*Cap*"),
        ("{{< highlight go \"linenos=table\" >}}\nfmt.Println()\n{{< /highlight >}}", "```go\nfmt.Println()\n```"),
        ("{{% highlight rust %}}\nfn x() {}\n{{% /highlight %}}", "```rust\nfn x() {}\n```"),
        ("{{< youtube dQw4w9WgXcQ >}}", "[Watch the video on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"),
        (#"{{< youtube id="abc" title="Talk" >}}"#, "[Talk](https://www.youtube.com/watch?v=abc)"),
        ("{{< vimeo 146022717 >}}", "[Watch the video on Vimeo](https://vimeo.com/146022717)"),
        ("{{< gist spf13 7896402 >}}", "[View the gist on GitHub](https://gist.github.com/spf13/7896402)"),
        (#"{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}"#, "[View the post on X](https://x.com/SanDiegoZoo/status/1453110110599868418)"),
        (#"{{< x user="a" id="1" >}}"#, "[View the post on X](https://x.com/a/status/1)"),
        (#"{{< instagram CxOWiQNP2MO >}}"#, "[View the post on Instagram](https://www.instagram.com/p/CxOWiQNP2MO/)"),
        (#"[x]({{< ref "other.md" >}})"#, "[x](/posts/other)"),
        (#"[x]({{< relref "/posts/other" >}})"#, "[x](/posts/other)"),
        ("{{< details summary=\"More\" >}}\nInside.\n{{< /details >}}", "**More**\n\nInside."),
        ("{{< param product >}} and {{< param mood >}}", "Widget and calm"),
        ("`{{</* figure src=\"x\" */>}}`", "`{{< figure src=\"x\" >}}`"),
    ] as [(String, String)])
    func hugoShortcodes(input: String, expected: String) {
        let result = translate(input, engine: .hugo) { $0.contains("other") ? "/posts/other" : nil }
        #expect(result.text == expected)
        #expect(result.untranslated.isEmpty)
        #expect(result.unresolved.isEmpty)
    }

    @Test(arguments: [
        ("{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}", "```ruby\nputs 1\n```"),
        ("{% raw %}{{ keep }} {% if x %}{% endraw %}", "{{ keep }} {% if x %}"),
        ("[a]({% post_url 2010-07-21-name %})", "[a](/posts/name)"),
        ("[a]({% link _posts/2010-07-21-name.md %})", "[a](/posts/name)"),
        ("![x]({{ site.baseurl }}/img/x.png)", "![x](/img/x.png)"),
        ("{{ site.url }}{{ site.baseurl }}/a", "/a"),
        ("[d]({{ '/docs/x/' | relative_url }})", "[d](/docs/x/)"),
        ("{{ site.title }} / {{ page.title }}", "Site / Page"),
        ("{% comment %}gone{% endcomment %}kept", "kept"),
        ("{%- highlight sh -%}\nls\n{%- endhighlight -%}", "```sh\nls\n```"),
    ] as [(String, String)])
    func liquidTags(input: String, expected: String) {
        let result = translate(input, engine: .jekyll) { $0.contains("name") ? "/posts/name" : nil }
        #expect(result.text == expected)
        #expect(result.untranslated.isEmpty)
    }

    @Test(arguments: [
        (#"{{ youtube(id="abc") }}"#, "[Watch the video on YouTube](https://www.youtube.com/watch?v=abc)"),
        (#"{{ vimeo(id="123", class="x") }}"#, "[Watch the video on Vimeo](https://vimeo.com/123)"),
        (#"{{ streamable(id="92ok4") }}"#, "[Watch the video on Streamable](https://streamable.com/92ok4)"),
        (#"{{ gist(url="https://gist.github.com/a/b") }}"#, "[View the gist on GitHub](https://gist.github.com/a/b)"),
        ("`regex::{{impl}}::new`", "`regex::{{impl}}::new`"),
        ("```\n{{ youtube(id=\"kept-in-code\") }}\n```", "```\n{{ youtube(id=\"kept-in-code\") }}\n```"),
    ] as [(String, String)])
    func zolaShortcodes(input: String, expected: String) {
        let result = translate(input, engine: .zola)
        #expect(result.text == expected)
        #expect(result.untranslated.isEmpty)
    }

    @Test func whatCannotBeTranslatedIsKeptAndReportedByLine() {
        let hugo = translate("one\n\n{{< notice warning >}}\nBody\n{{< /notice >}}\n{{% include \"x\" %}}", engine: .hugo)
        #expect(hugo.text == "one\n\n{{< notice warning >}}\nBody\n{{< /notice >}}\n{{% include \"x\" %}}")
        #expect(hugo.untranslated.map(\.line) == [3, 5, 6])
        #expect(hugo.untranslated.map(\.name) == ["notice", "/notice", "include"])

        let liquid = translate("a\n{% include note.html %}\n{% for p in site.posts %}{{ p.title }}{% endfor %}\n{% post_url missing %}", engine: .jekyll)
        #expect(liquid.text == "a\n{% include note.html %}\n{% for p in site.posts %}{{ p.title }}{% endfor %}\n{% post_url missing %}")
        #expect(liquid.untranslated.map(\.name) == ["include", "for", "p.title", "endfor"])
        #expect(liquid.untranslated.map(\.line) == [2, 3, 3, 3])
        #expect(liquid.unresolved.map(\.target) == ["missing"])
        #expect(liquid.unresolved.map(\.line) == [4])

        let zola = translate("x\n\n{{ chart(data=1) }}\n{% note() %}\nbody\n{% end %}", engine: .zola)
        #expect(zola.untranslated.map(\.name) == ["chart", "note"])
        #expect(zola.untranslated.map(\.line) == [3, 4])
    }

    @Test func linesCountAfterTranslatedBlocks() {
        let text = "a\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n{% include x %}"
        #expect(translate(text, engine: .jekyll).untranslated.map(\.line) == [6])
        let hugo = "{{< highlight go >}}\nx\ny\n{{< /highlight >}}\n{{< unknown >}}"
        #expect(translate(hugo, engine: .hugo).untranslated.map(\.line) == [5])
    }

    /// Tags that never close are kept as written, in time linear in the text (each searched
    /// the rest of the text for its end again: 80,000 of them, billions of comparisons).
    @Test(.timeLimit(.minutes(1)), arguments: [SiteLayout.Engine.hugo, .jekyll, .zola])
    func unclosedTagsAreKeptInLinearTime(engine: SiteLayout.Engine) {
        let text = String(repeating: "{{< x {{% y {% z {{ w ", count: 20_000)
        #expect(translate(text, engine: engine).text == text)
    }

    @Test func textWithoutTagsIsReturnedAsItIs() {
        #expect(!TemplateTags.mayHoldTags("let x = {1} % 2 {"))
        #expect(TemplateTags.mayHoldTags("a {{ b"))
        #expect(TemplateTags.mayHoldTags("a {% b"))
    }

    @Test func plainFoldersTranslateNothing() {
        let text = "{{< figure src=\"a\" >}} {% raw %}"
        #expect(translate(text, engine: .plain).text == text)
    }
}

@Suite struct KramdownAttributesTests {
    @Test(arguments: [
        ("```\nputs 1\n```\n{:lang=\"ruby\"}\n", "```ruby\nputs 1\n```\n"),
        ("~~~\nx\n~~~\n{: .language-sh}\n", "~~~sh\nx\n~~~\n"),
        ("## Setup\n{: #install}\n\nText", "## Setup {#install}\n\nText"),
        ("A note.\n{: .note}\n", "A note.\n"),
        ("```\n{: kept inside code}\n```", "```\n{: kept inside code}\n```"),
        ("Text with {: inline} braces", "Text with {: inline} braces"),
    ] as [(String, String)])
    func attributeListsAreReadOrDropped(input: String, expected: String) {
        #expect(KramdownAttributes.apply(input) == expected)
    }
}
