import Highlight

/// Code blocks highlighted on the server, with Pygments' class names: what published posts and
/// the editor's preview use.
public struct HighlightingCodeBlockRenderer: CodeBlockRenderer {
    public init() {}

    public func renderCodeBlock(code: String, info: String) -> String {
        Highlighter.renderBlock(code: code, info: info)
    }
}
