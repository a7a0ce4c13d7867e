import Foundation

/// Translates the template syntax static site generators let authors put in Markdown into the
/// Markdown it stands for, at import: Hugo shortcodes (`{{< figure >}}`, `{{% highlight %}}`, …),
/// Jekyll's Liquid (`{% highlight %}`, `{% raw %}`, `{% post_url %}`, `{{ site.baseurl }}`, …)
/// and Zola's built-in shortcodes. What it cannot translate (a site's own shortcodes,
/// `{% include %}`, loops) is kept as written and reported by line and name.
struct TemplateTags {
    let engine: SiteLayout.Engine
    /// The address of a post or page named by a path (`ref "x.md"`, `{% link _posts/x.md %}`,
    /// `{% post_url 2020-01-01-x %}`), or nil when it names nothing imported.
    let resolve: (String) -> String?
    /// Site values (`{{ site.title }}`, `{{< param name >}}`).
    let siteParams: [String: String]
    /// The post's own values (`{{ page.title }}`, `{{< param name >}}` looks here first).
    let pageParams: [String: String]

    static func mayHoldTags(_ body: String) -> Bool {
        var previousWasBrace = false
        for byte in body.utf8 {
            if previousWasBrace, byte == UInt8(ascii: "{") || byte == UInt8(ascii: "%") { return true }
            previousWasBrace = byte == UInt8(ascii: "{")
        }
        return false
    }

    struct Result {
        var text: String
        /// Template tags kept as written: (line in the body, 1-based; the tag's name).
        var untranslated: [(line: Int, name: String)] = []
        /// References to posts that name nothing imported: (line, what they named).
        var unresolved: [(line: Int, target: String)] = []
    }

    func translate(_ body: String) -> Result {
        // Every tag of the three engines opens with `{{` or `{%`; most posts have neither.
        guard Self.mayHoldTags(body) else { return Result(text: body) }
        var result = Result(text: "")
        var out = ""
        out.reserveCapacity(body.utf8.count)
        let text = Array(body.unicodeScalars)
        var index = 0
        var line = 1
        var inFence: (marker: Character, count: Int)?
        var atLineStart = true

        func append(_ scalars: ArraySlice<Unicode.Scalar>) {
            for scalar in scalars {
                out.unicodeScalars.append(scalar)
            }
        }
        func matches(_ literal: String, at position: Int) -> Bool {
            var i = position
            for scalar in literal.unicodeScalars {
                guard i < text.count, text[i] == scalar else { return false }
                i += 1
            }
            return true
        }
        // Where a search for a literal found nothing to the end: a later one from there finds
        // nothing either (without this, many unclosed `{{<` took quadratic time).
        var absentFrom: [String: Int] = [:]
        func find(_ literal: String, from position: Int) -> Int? {
            if let absent = absentFrom[literal], position >= absent { return nil }
            var i = position
            while i < text.count {
                if matches(literal, at: i) { return i }
                i += 1
            }
            absentFrom[literal] = min(position, absentFrom[literal] ?? position)
            return nil
        }
        func newlines(_ range: Range<Int>) -> Int { text[range].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) } }

        while index < text.count {
            let scalar = text[index]
            // Zola never reads shortcodes inside fenced code; Hugo and Liquid do.
            if atLineStart, engine == .zola {
                var i = index
                while i < text.count, text[i] == " " { i += 1 }
                if i < text.count, text[i] == "`" || text[i] == "~" {
                    let marker = Character(text[i])
                    var count = 0
                    while i < text.count, Character(text[i]) == marker { count += 1; i += 1 }
                    if count >= 3 {
                        if let fence = inFence, fence.marker == marker, count >= fence.count { inFence = nil } else if inFence == nil { inFence = (marker, count) }
                    }
                }
            }
            atLineStart = scalar == "\n"
            if scalar == "\n" { line += 1 }
            guard inFence == nil, scalar == "{", index + 1 < text.count else {
                out.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            let startLine = line
            // Hugo: {{< … >}} and {{% … %}}, escaped as {{</* … */>}}.
            if engine == .hugo, matches("{{<", at: index) || matches("{{%", at: index) {
                let angle = text[index + 2] == "<"
                let close = angle ? ">}}" : "%}}"
                guard let end = find(close, from: index + 3) else { out.unicodeScalars.append(scalar); index += 1; continue }
                var inner = String(String.UnicodeScalarView(text[(index + 3)..<end])).trimmingCharacters(in: .whitespacesAndNewlines)
                let consumed = (index)..<(end + 3)
                line += newlines(consumed)
                if inner.hasPrefix("/*"), inner.hasSuffix("*/") {
                    // An escaped shortcode is shown as written, without the comment marks.
                    inner = String(inner.dropFirst(2).dropLast(2)).trimmingCharacters(in: .whitespaces)
                    out += (angle ? "{{< " : "{{% ") + inner + (angle ? " >}}" : " %}}")
                    index = end + 3
                    continue
                }
                let selfClosing = inner.hasSuffix("/")
                if selfClosing { inner = String(inner.dropLast()).trimmingCharacters(in: .whitespaces) }
                let call = ShortcodeCall(parsing: inner)
                // A paired shortcode's body runs to its closing tag.
                var bodyText: String?
                var after = end + 3
                if !selfClosing, Self.pairedHugo.contains(call.name) {
                    let closing = [("{{<", ">}}"), ("{{%", "%}}")]
                    var best: (start: Int, end: Int)?
                    for (open, shut) in closing {
                        var search = after
                        while let start = find(open, from: search) {
                            guard let stop = find(shut, from: start + 3) else { break }
                            let name = String(String.UnicodeScalarView(text[(start + 3)..<stop])).trimmingCharacters(in: .whitespaces)
                            if name == "/" + call.name {
                                if best == nil || start < best!.start { best = (start, stop + 3) }
                                break
                            }
                            search = stop + 3
                        }
                    }
                    if let best {
                        bodyText = String(String.UnicodeScalarView(text[after..<best.start]))
                        line += newlines(after..<best.end)
                        after = best.end
                    }
                }
                if let markdown = hugo(call, body: bodyText, line: startLine, result: &result) {
                    out += markdown
                } else {
                    result.untranslated.append((startLine, call.name))
                    append(text[index..<after])
                }
                index = after
                continue
            }
            // Liquid (Jekyll): {% … %} and {{ … }}.
            if engine == .jekyll, matches("{%", at: index) {
                guard let end = find("%}", from: index + 2) else { out.unicodeScalars.append(scalar); index += 1; continue }
                let inner = String(String.UnicodeScalarView(text[(index + 2)..<end])).trimmingCharacters(in: CharacterSet(charactersIn: "-").union(.whitespacesAndNewlines))
                let words = inner.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                let name = words.first ?? ""
                line += newlines(index..<(end + 2))
                var after = end + 2
                switch name {
                case "raw", "highlight", "comment":
                    let closer = "end" + name
                    var search = after
                    var blockEnd: (start: Int, end: Int)?
                    while let start = find("{%", from: search), let stop = find("%}", from: start + 2) {
                        let tag = String(String.UnicodeScalarView(text[(start + 2)..<stop])).trimmingCharacters(in: CharacterSet(charactersIn: "-").union(.whitespaces))
                        if tag == closer { blockEnd = (start, stop + 2); break }
                        search = stop + 2
                    }
                    guard let blockEnd else {
                        result.untranslated.append((startLine, name))
                        append(text[index..<after])
                        index = after
                        continue
                    }
                    let inside = String(String.UnicodeScalarView(text[after..<blockEnd.start]))
                    line += newlines(after..<blockEnd.end)
                    after = blockEnd.end
                    switch name {
                    case "raw": out += inside
                    case "highlight": out += Self.fence(inside, language: words.dropFirst().first ?? "")
                    default: break  // a comment says nothing to readers
                    }
                case "post_url", "link":
                    let target = words.dropFirst().joined(separator: " ")
                    if let address = resolve(target) {
                        out += address
                    } else {
                        result.unresolved.append((startLine, target))
                        append(text[index..<after])
                    }
                default:
                    result.untranslated.append((startLine, name))
                    append(text[index..<after])
                }
                index = after
                continue
            }
            if engine == .jekyll || engine == .zola, matches("{{", at: index) {
                guard let end = find("}}", from: index + 2) else { out.unicodeScalars.append(scalar); index += 1; continue }
                let inner = String(String.UnicodeScalarView(text[(index + 2)..<end])).trimmingCharacters(in: CharacterSet(charactersIn: "-").union(.whitespacesAndNewlines))
                line += newlines(index..<(end + 2))
                // Zola's shortcodes are calls, `{{ name(…) }}`; other braces are text.
                if engine == .zola, !inner.contains("(") {
                    append(text[index..<(end + 2)])
                    index = end + 2
                    continue
                }
                let translated = engine == .jekyll ? liquidOutput(inner) : zolaShortcode(inner)
                if let translated {
                    out += translated
                } else {
                    result.untranslated.append((startLine, Self.expressionName(inner)))
                    append(text[index..<(end + 2)])
                }
                index = end + 2
                continue
            }
            if engine == .zola, matches("{%", at: index), let end = find("%}", from: index + 2) {
                // A body shortcode of the site's own: kept and reported.
                let inner = String(String.UnicodeScalarView(text[(index + 2)..<end])).trimmingCharacters(in: .whitespacesAndNewlines)
                line += newlines(index..<(end + 2))
                if inner != "end" { result.untranslated.append((startLine, Self.expressionName(inner))) }
                append(text[index..<(end + 2)])
                index = end + 2
                continue
            }
            out.unicodeScalars.append(scalar)
            index += 1
        }
        result.text = out
        return result
    }

    // MARK: Hugo

    static let pairedHugo: Set<String> = ["highlight", "details", "raw", "markdown"]

    private func hugo(_ call: ShortcodeCall, body: String?, line: Int, result: inout Result) -> String? {
        switch call.name {
        case "figure":
            guard let source = call["src"] else { return nil }
            let alt = call["alt"] ?? call["caption"] ?? call["title"] ?? ""
            var image = "![\(Self.escapeBrackets(alt))](\(source)\(call["title"].map { " \"\($0.replacingOccurrences(of: "\"", with: "'"))\"" } ?? ""))"
            if let link = call["link"] { image = "[\(image)](\(link))" }
            if let caption = call["caption"], !caption.isEmpty { image += "\n\n*\(caption)*" }
            return image
        case "highlight":
            guard let body else { return nil }
            return Self.fence(body, language: call.positional.first ?? call["lang"] ?? "")
        case "youtube":
            guard let id = call["id"] ?? call.positional.first else { return nil }
            return "[\(call["title"] ?? "Watch the video on YouTube")](https://www.youtube.com/watch?v=\(id))"
        case "vimeo":
            guard let id = call["id"] ?? call.positional.first else { return nil }
            return "[\(call["title"] ?? "Watch the video on Vimeo")](https://vimeo.com/\(id))"
        case "gist":
            guard call.positional.count >= 2 else { return nil }
            return "[View the gist on GitHub](https://gist.github.com/\(call.positional[0])/\(call.positional[1]))"
        case "tweet", "x":
            if let user = call["user"], let id = call["id"] { return "[View the post on X](https://x.com/\(user)/status/\(id))" }
            guard let id = call["id"] ?? call.positional.first else { return nil }
            return "[View the post on X](https://x.com/i/status/\(id))"
        case "instagram":
            guard let id = call["id"] ?? call.positional.first else { return nil }
            return "[View the post on Instagram](https://www.instagram.com/p/\(id)/)"
        case "ref", "relref":
            guard let target = call["path"] ?? call.positional.first else { return nil }
            if let address = resolve(target) { return address }
            result.unresolved.append((line, target))
            return target
        case "details":
            guard let body else { return nil }
            return "**\(call["summary"] ?? "Details")**\n\n" + body.trimmingCharacters(in: .newlines)
        case "param":
            guard let name = call["name"] ?? call.positional.first else { return nil }
            return pageParams[name] ?? siteParams[name]
        case "markdown", "raw":
            return body
        default:
            return nil
        }
    }

    // MARK: Liquid

    private func liquidOutput(_ expression: String) -> String? {
        // `{{ '/docs/x/' | relative_url }}`, `{{ "/x" | absolute_url }}`: the path.
        let parts = expression.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let head = parts.first else { return nil }
        let filters = parts.dropFirst()
        if let quote = head.first, quote == "'" || quote == "\"", head.last == quote, head.count >= 2 {
            let literal = String(head.dropFirst().dropLast())
            guard filters.allSatisfy({ ["relative_url", "absolute_url", "prepend: site.baseurl"].contains($0) }) else { return nil }
            return literal
        }
        guard filters.isEmpty else { return nil }
        switch head {
        case "site.baseurl", "site.url", "site.github.url": return ""
        case "page.title": return pageParams["title"]
        default:
            if head.hasPrefix("site."), let value = siteParams[String(head.dropFirst(5))] { return value }
            if head.hasPrefix("page."), let value = pageParams[String(head.dropFirst(5))] { return value }
            return nil
        }
    }

    // MARK: Zola

    private func zolaShortcode(_ expression: String) -> String? {
        let call = ShortcodeCall(parsingZola: expression)
        switch call.name {
        case "youtube": return call["id"].map { "[Watch the video on YouTube](https://www.youtube.com/watch?v=\($0))" }
        case "vimeo": return call["id"].map { "[Watch the video on Vimeo](https://vimeo.com/\($0))" }
        case "streamable": return call["id"].map { "[Watch the video on Streamable](https://streamable.com/\($0))" }
        case "gist": return call["url"].map { "[View the gist on GitHub](\($0))" }
        default: return nil
        }
    }

    // MARK: Helpers

    static func fence(_ code: String, language: String) -> String {
        let trimmed = code.trimmingCharacters(in: .newlines)
        var ticks = "```"
        while trimmed.contains(ticks) { ticks += "`" }
        return "\(ticks)\(language)\n\(trimmed)\n\(ticks)"
    }

    private static func escapeBrackets(_ text: String) -> String {
        text.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }

    /// The first word of a template expression, for the report.
    static func expressionName(_ expression: String) -> String {
        let name = expression.prefix { !$0.isWhitespace && $0 != "(" && $0 != "|" }
        return name.isEmpty ? "{{ }}" : String(name)
    }
}

/// A shortcode's name and arguments: positional (`{{< gist user id >}}`) or named
/// (`{{< figure src="x.png" alt="An x" >}}`), quoted with `"`, `'` or backticks, or bare.
struct ShortcodeCall {
    var name: String
    var positional: [String] = []
    var named: [String: String] = [:]

    subscript(key: String) -> String? { named[key] }

    init(parsing text: String) {
        var tokens = Self.tokens(text)
        name = tokens.isEmpty ? "" : tokens.removeFirst().value
        for token in tokens {
            if let key = token.key { named[key] = token.value } else { positional.append(token.value) }
        }
    }

    /// Zola's `name(key="value", other=3)`.
    init(parsingZola text: String) {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            name = ""
            return
        }
        name = String(text[..<open]).trimmingCharacters(in: .whitespaces)
        let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        for token in Self.tokens(inner.replacingOccurrences(of: ",", with: " ")) {
            if let key = token.key { named[key] = token.value } else { positional.append(token.value) }
        }
    }

    private static func tokens(_ text: String) -> [(key: String?, value: String)] {
        var tokens: [(String?, String)] = []
        let characters = Array(text)
        var index = 0
        func readValue() -> String {
            guard index < characters.count else { return "" }
            let quote = characters[index]
            if quote == "\"" || quote == "'" || quote == "`" {
                index += 1
                var value = ""
                while index < characters.count, characters[index] != quote {
                    if characters[index] == "\\", quote != "`", index + 1 < characters.count {
                        index += 1
                    }
                    value.append(characters[index])
                    index += 1
                }
                index += 1
                return value
            }
            var value = ""
            while index < characters.count, !characters[index].isWhitespace {
                value.append(characters[index])
                index += 1
            }
            return value
        }
        while index < characters.count {
            if characters[index].isWhitespace {
                index += 1
                continue
            }
            // key=value, or a positional value.
            var probe = index
            while probe < characters.count, characters[probe].isLetter || characters[probe].isNumber || characters[probe] == "_" || characters[probe] == "-" {
                probe += 1
            }
            if probe > index, probe < characters.count, characters[probe] == "=" {
                let key = String(characters[index..<probe])
                index = probe + 1
                tokens.append((key, readValue()))
            } else {
                tokens.append((nil, readValue()))
            }
        }
        return tokens
    }
}

/// Kramdown's attribute lists, which Jekyll's Markdown reads and CommonMark prints as text: a
/// line `{: .class}` or `{:lang="ruby"}` after a block. A language names the code block before
/// it, an id (`{: #name}`) the heading before it (written `{#name}`, which Galley reads);
/// the rest only styled the old theme, and the line goes.
enum KramdownAttributes {
    static func apply(_ body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        var fence: (marker: Character, count: Int, line: Int)?
        var lastFenceOpening: Int?
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let marker = trimmed.first, marker == "`" || marker == "~" {
                let count = trimmed.prefix(while: { $0 == marker }).count
                if count >= 3 {
                    if let open = fence, open.marker == marker, count >= open.count {
                        lastFenceOpening = open.line
                        fence = nil
                    } else if fence == nil {
                        fence = (marker, count, index)
                    }
                }
            }
            guard fence == nil, trimmed.hasPrefix("{:"), trimmed.hasSuffix("}"), !trimmed.contains("\n") else {
                index += 1
                continue
            }
            let inner = String(trimmed.dropFirst(2).dropLast())
            let previous = lines[..<index].lastIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let language = attribute("lang", in: inner) ?? inner.split(separator: " ").first { $0.hasPrefix(".language-") }.map { String($0.dropFirst(10)) }
            if let language, let opening = lastFenceOpening, let previous, previous > opening,
               lines[opening].trimmingCharacters(in: .whitespaces).drop(while: { $0 == "`" || $0 == "~" }).isEmpty {
                lines[opening] += language
            } else if let id = inner.split(separator: " ").first(where: { $0.hasPrefix("#") }), let previous, lines[previous].hasPrefix("#") {
                lines[previous] += " {\(id)}"
            }
            lines.remove(at: index)
        }
        return lines.joined(separator: "\n")
    }

    private static func attribute(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: name + "=") else { return nil }
        let rest = text[range.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return rest.split(separator: " ").first.map(String.init) }
        return rest.dropFirst().split(separator: quote).first.map(String.init)
    }
}
