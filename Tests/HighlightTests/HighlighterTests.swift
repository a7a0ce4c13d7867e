import Highlight
import Testing

@Suite struct HighlighterTests {
    func classes(_ code: String, _ language: String) -> [(String, String)] {
        let bytes = Array(code.utf8)
        return Language.named(language)!.tokens(code).filter { $0.kind != .text }.map {
            (String(decoding: bytes[$0.start..<$0.end], as: UTF8.self), $0.kind.rawValue)
        }
    }

    func has(_ code: String, _ language: String, _ text: String, _ kind: String) -> Bool {
        classes(code, language).contains { $0.0 == text && $0.1 == kind }
    }

    @Test func blocksUsePygmentsClassesAndTheCanonicalName() {
        let html = Highlighter.renderBlock(code: "def f():\n    return 1  # one\n", info: "py")
        #expect(html == """
            <pre class="highlight"><code class="language-python" data-lang="python"><span class="k">def</span> <span class="nf">f</span><span class="p">()</span><span class="o">:</span>
                <span class="k">return</span> <span class="mi">1</span>  <span class="c1"># one</span>
            </code></pre>

            """)
    }

    @Test func unknownOrMissingLanguagesAreEscapedPlainText() {
        #expect(Highlighter.renderBlock(code: "<b>&\n", info: "klingon") == "<pre class=\"highlight\"><code class=\"language-klingon\" data-lang=\"klingon\">&lt;b&gt;&amp;\n</code></pre>\n")
        #expect(Highlighter.renderBlock(code: "x\n", info: "") == "<pre class=\"highlight\"><code>x\n</code></pre>\n")
        #expect(Highlighter.renderBlock(code: "x\n", info: "\"><script>") .contains("language-&quot;&gt;&lt;script&gt;"))
    }

    @Test func aliasesFindTheirLanguage() {
        for (alias, name) in [("py", "python"), ("sh", "bash"), ("zsh", "bash"), ("yml", "yaml"), ("js", "javascript"), ("ts", "typescript"),
                              ("rs", "rust"), ("golang", "go"), ("c++", "cpp"), ("docker", "dockerfile"), ("patch", "diff"), ("C#", "csharp"),
                              ("Shell-Session", "console"), ("md", "markdown"), ("make", "makefile"), ("hs", "haskell"), ("kt", "kotlin")] {
            #expect(Language.named(alias)?.name == name, "\(alias)")
        }
        #expect(Language.all.count >= 30)
    }

    @Test func highlightedLinesTitlesAndLineNumbers() {
        let html = Highlighter.renderBlock(code: "a\nb\nc\n", info: "python {1,3} title=\"app/main.py\" linenos")
        #expect(html.hasPrefix("<figure class=\"code-block\"><figcaption class=\"code-title\">app/main.py</figcaption><pre class=\"highlight\">"))
        #expect(html.contains("<span class=\"hll\"><span class=\"ln\" aria-hidden=\"true\" data-line=\"1\"></span><span class=\"n\">a</span>\n</span>"))
        #expect(html.contains("<span class=\"ln\" aria-hidden=\"true\" data-line=\"2\"></span><span class=\"n\">b</span>\n<span class=\"hll\">"))
        #expect(html.hasSuffix("</code></pre></figure>\n"))
    }

    @Test func infoStringOptions() {
        let options = CodeBlockOptions(info: "swift {2, 5-7} title='Sources/App/main.swift' linenos")
        #expect(options.language == "swift")
        #expect(options.highlightedLines == [2, 5, 6, 7])
        #expect(options.title == "Sources/App/main.swift")
        #expect(options.lineNumbers)
        #expect(CodeBlockOptions(info: "py hl_lines=\"1 3\"").highlightedLines == [1, 3])
        #expect(CodeBlockOptions(info: "py {1-999999999}").highlightedLines.count == 10_001)
        #expect(CodeBlockOptions(info: "py {x-y,-3,0}").highlightedLines.isEmpty)
    }

    @Test func markdownFencesKeepTheirBodies() {
        let code = "Text\n\n```klingon\nqaStaH nuq?\n```\n\n```python\nx = 1\n```\n``````never closed\nbody\n"
        let tokens = Language.named("markdown")!.tokens(code)
        #expect(tokens.first?.start == 0)
        #expect(tokens.last?.end == code.utf8.count)
        #expect(zip(tokens, tokens.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(classes(code, "markdown").contains { $0.1 == "sb" && $0.0.contains("qaStaH nuq?") })
        #expect(has(code, "markdown", "1", "mi"))
    }

    @Test func unterminatedStringsAndCommentsRunToTheEnd() {
        #expect(classes("x = \"abc\ny = 1\n", "python").contains { $0 == ("\"abc", "s2") })
        #expect(classes("/* never\nclosed", "c").last?.1 == "cm")
        #expect(classes("def f():\n    \"\"\"doc\nstill doc", "python").last?.1 == "sd")
        #expect(classes("cat <<EOF\nbody\n", "bash").last?.1 == "sh")
    }

    @Test func languagesKnowTheirKeywordsStringsNumbersAndComments() {
        #expect(has("let x = \"hi \\(name)\" // c", "swift", "let", "kd"))
        #expect(has("let x = \"hi \\(name)\" // c", "swift", "\\(", "si"))
        #expect(has("let x = \"hi \\(name)\" // c", "swift", "name", "n"))
        #expect(has("func go() async throws {}", "swift", "go", "nf"))
        #expect(has("fn main() { let v: u8 = 0xFF; }", "rust", "u8", "kt"))
        #expect(has("fn main() { let v: u8 = 0xFF; }", "rust", "0xFF", "mh"))
        #expect(has("#[derive(Debug)]\nstruct A;", "rust", "#[derive(Debug)]", "cp"))
        #expect(has("fn f<'a>(x: &'a str) {}", "rust", "'a", "nl"))
        #expect(has("#include <stdio.h>\nint main(void) { return 'c'; }", "c", "#include <stdio.h>", "cp"))
        #expect(has("#include <stdio.h>\nint main(void) { return 'c'; }", "c", "'c'", "sc"))
        #expect(has("if x is None and y: pass", "python", "is", "ow"))
        #expect(has("if x is None and y: pass", "python", "None", "kc"))
        #expect(has("@dataclass\nclass A: pass", "python", "@dataclass", "nd"))
        #expect(has("const re = /a+b/g; x = a / b", "javascript", "/a+b/g", "sr"))
        #expect(has("const t = `a ${b} c`", "javascript", "${", "si"))
        #expect(has("echo \"$HOME/x\" # hi", "bash", "$HOME", "nv"))
        #expect(has("echo \"$HOME/x\" # hi", "bash", "# hi", "c1"))
        #expect(has("SELECT id FROM posts WHERE slug = 'x' -- c", "sql", "SELECT", "k"))
        #expect(has("select id from posts", "sql", "from", "k"))
        #expect(has("{\"key\": \"value\", \"n\": 1.5, \"b\": true}", "json", "\"key\"", "nt"))
        #expect(has("{\"key\": \"value\", \"n\": 1.5, \"b\": true}", "json", "\"value\"", "s2"))
        #expect(has("{\"key\": \"value\", \"n\": 1.5, \"b\": true}", "json", "true", "kc"))
        #expect(has("key: \"quoted\" # c\nlist:\n  - !!str plain\n", "yaml", "key", "nt"))
        #expect(has("key: \"quoted\" # c\nlist:\n  - !!str plain\n", "yaml", "!!str", "kt"))
        #expect(has("FROM swift:6.0 AS build\nRUN swift build -c release\n", "dockerfile", "FROM", "k"))
        #expect(has("server {\n  listen 443 ssl;\n  root /var/www;\n}\n", "nginx", "listen", "k"))
        #expect(has("<a href=\"/x\">&amp;</a>", "html", "href", "na"))
        #expect(has("<a href=\"/x\">&amp;</a>", "html", "&amp;", "ni"))
        #expect(has("<script>let x = 1</script>", "html", "let", "kd"))
        #expect(has("a { color: #fff; margin: 0 auto; }", "css", "color", "k"))
        #expect(has("a { color: #fff; margin: 0 auto; }", "css", "#fff", "mh"))
        #expect(has("+added\n-removed\n@@ -1 +1 @@\n", "diff", "+added\n", "gi"))
        #expect(has("$ ls -la\ntotal 0\n", "console", "$ ", "gp"))
        #expect(has("$ ls -la\ntotal 0\n", "console", "total 0", "go"))
        #expect(has("# Title\n\n- item with `code`\n", "markdown", "`code`", "sb"))
        #expect(has("[server]\nport = 8080\n", "ini", "[server]", "k"))
        #expect(has("[server]\nport = 8080\nok = true\n", "toml", "8080", "mi"))
        #expect(has("all: build\n\tswift build\n", "makefile", "all", "nf"))
        #expect(has("main :: IO ()\nmain = putStrLn \"hi\" -- c", "haskell", "-- c", "c1"))
        #expect(has("local x = [[long\nstring]] --[[ block ]]", "lua", "--[[ block ]]", "cm"))
        #expect(has("val s = \"${a.b} $c\"", "kotlin", "val", "kd"))
        #expect(has("var s = $\"x{y}\"; var v = @\"c:\\dir\";", "csharp", "\"c:\\dir\"", "s2"))
        #expect(has("puts :sym, \"#{x}\"", "ruby", ":sym", "ss"))
        #expect(has("<?php echo $name; ?>", "php", "$name", "nv"))
        #expect(has("public static void main(String[] args) {}", "java", "void", "kt"))
        #expect(has("package main\nfunc main() { s := `raw` }", "go", "`raw`", "sb"))
        #expect(has("interface A { b: string }", "typescript", "string", "kt"))
        #expect(has("template <typename T> class A {};", "cpp", "typename", "k"))
    }
}
