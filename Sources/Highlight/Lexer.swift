/// Turns source bytes into tokens that cover every byte exactly once, in order.
protocol Lexer: Sendable {
    func tokens(_ bytes: [UInt8]) -> [Token]
}

extension CodeLexer: Lexer {
    func tokens(_ bytes: [UInt8]) -> [Token] { lex(bytes) }
}

/// A lexer written as a function over the scanner, for languages that are not code-shaped.
struct FunctionLexer: Lexer {
    let body: @Sendable (inout Scanner) -> Void

    func tokens(_ bytes: [UInt8]) -> [Token] {
        Scanner.tokens(of: bytes, body)
    }
}
