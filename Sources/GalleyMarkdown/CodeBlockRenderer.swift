/// The seam where fenced and indented code blocks leave the Markdown pipeline.
///
/// The renderer hands every code block to one of these and embeds the returned HTML verbatim,
/// so an implementation must escape the code itself. Syntax highlighting plugs in here.
public protocol CodeBlockRenderer: Sendable {
    /// - Parameters:
    ///   - code: the block's literal content, newline-terminated as in the source.
    ///   - info: the fence's info string (`swift title="main.swift"`), empty for indented code.
    /// - Returns: the complete HTML of the block.
    func renderCodeBlock(code: String, info: String) -> String
}

/// Renders code exactly as cmark does: `<pre><code class="language-X">…</code></pre>`, where X is
/// the first word of the info string.
public struct PlainCodeBlockRenderer: CodeBlockRenderer {
    public init() {}

    public func renderCodeBlock(code: String, info: String) -> String {
        let language = CodeBlockInfo(info).language
        var html = "<pre><code"
        if !language.isEmpty {
            html += " class=\"language-\(HTML.escape(language))\""
        }
        html += ">" + HTML.escape(code) + "</code></pre>\n"
        return html
    }
}

/// A fence's info string split into its language (the first word) and the rest.
public struct CodeBlockInfo: Sendable, Equatable {
    public var language: String
    public var attributes: Substring

    public init(_ info: String) {
        let trimmed = info.drop(while: \.isWhitespace)
        let end = trimmed.firstIndex(where: \.isWhitespace) ?? trimmed.endIndex
        language = String(trimmed[..<end])
        attributes = trimmed[end...].drop(while: \.isWhitespace)
    }
}
