/// How a programming language looks to the general lexer: its comments, strings, numbers and
/// words. Most languages are nothing but one of these.
struct LanguageDefinition: Sendable {
    struct StringRule: Sendable {
        var open: [UInt8]
        var close: [UInt8]
        var kind: TokenClass = .stringDouble
        var escapes = true
        var multiline = false
        /// Opens an embedded expression inside the string (`\(` in Swift, `${` in JS/Kotlin).
        var interpolation: [UInt8]? = nil
        /// Letters that may stand before the quote and belong to the string (`r`, `b`, `f`, `@`, `$`),
        /// longest first.
        var prefixes: [[UInt8]] = []
        /// `$name` and `${name}` inside the string are variables (shell, PHP).
        var variables = false
        /// A doubled closing quote stands for one quote (C#'s verbatim `@"…""…"`).
        var doubledQuotes = false

        init(_ open: String, _ close: String? = nil, kind: TokenClass = .stringDouble, escapes: Bool = true,
             multiline: Bool = false, interpolation: String? = nil, prefixes: [String] = [],
             variables: Bool = false, doubledQuotes: Bool = false) {
        self.variables = variables
        self.doubledQuotes = doubledQuotes
            self.open = Array(open.utf8)
            self.close = Array((close ?? open).utf8)
            self.kind = kind
            self.escapes = escapes
            self.multiline = multiline
            self.interpolation = interpolation.map { Array($0.utf8) }
            self.prefixes = prefixes.map { Array($0.utf8) }.sorted { $0.count > $1.count }
        }
    }

    var lineComments: [[UInt8]] = []
    var blockComments: [(open: [UInt8], close: [UInt8])] = []
    var nestedBlockComments = false
    var strings: [StringRule] = []
    /// Word → class, for keywords, types, constants, operator words and builtins.
    var words: [String: TokenClass] = [:]
    var caseInsensitiveWords = false
    /// Words after which the next name is a function (`def`, `func`, `fn`) or a type (`class`).
    var functionIntroducers: Set<String> = []
    var classIntroducers: Set<String> = []
    /// Extra bytes allowed inside names (`$` in JS, `?` and `!` in Ruby).
    var identifierExtras: Set<UInt8> = []
    var identifierStartExtras: Set<UInt8> = []
    /// `#` at the start of a line runs a preprocessor line (C, C++, C#).
    var preprocessor = false
    /// `@name` is a decorator or annotation.
    var decorators = false
    /// `$name` (and `${…}`) is a variable.
    var dollarVariables = false
    /// `'a'` is a character literal (C, Java, Rust, Go, Haskell).
    var characterLiterals = false
    /// Number syntax beyond decimals: hex `0x`, binary `0b`, octal `0o`, `_` separators.
    var numberSeparators = true
    /// A `#!` first line is a hashbang.
    var hashbang = false
    /// Python's docstrings: a string standing alone as a statement.
    var docstrings = false
    /// Rust's `#[attribute]` and `#![attribute]`.
    var rustAttributes = false
    /// Rust's `'lifetime`.
    var lifetimes = false
    /// JavaScript's `/regex/flags` where an expression may start.
    var regexLiterals = false
    /// Regex literals may span lines (Ruby's `/…/x`).
    var multilineRegex = false
    /// Ruby's `:symbol`.
    var symbols = false
    /// Names ending in `!` are macro calls (Rust).
    var bangMacros = false
    /// Haskell's `'` inside names (`x'`).
    var primeInNames = false
    /// Capitalised names are types and constructors (Haskell).
    var capitalizedNamesAreTypes = false
    /// A name right after `:` is a type (TypeScript's `x: Path`).
    var typesAfterColon = false
    /// Make's `$(VAR)` and `${VAR}`: delimiters as keywords, the name as a variable.
    var makeVariables = false
    /// `/** … */` is documentation, shown as a doc string (PHP, Rust).
    var docBlockComments = false
    /// A line holding only this ends the code; the rest of the file is data (Ruby's `__END__`).
    var dataSectionMarker: [UInt8]? = nil
    /// A name right after `.` is a member, even when it is spelled like a keyword (`obj.class`).
    var membersAreNames = true
    /// Words after which the next name is a module (`import`, `module`).
    var namespaceIntroducers: Set<String> = []
    /// Literal marks shown as preprocessor (`<?php`, `?>`).
    var preprocessorMarks: [[UInt8]] = []
    /// `[Attribute(…)]` starting a line is one attribute (C#).
    var lineStartAttributes = false
    /// Shell's `$(` command substitution, shown as a keyword.
    var commandSubstitution = false
    /// Line comments that are documentation, shown as doc strings (Rust's `///` and `//!`).
    var docComments: [[UInt8]] = []

    static func words(_ kind: TokenClass, _ list: String) -> [String: TokenClass] {
        Dictionary(list.split(whereSeparator: \.isWhitespace).map { (String($0), kind) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Dictionary where Key == String, Value == TokenClass {
    /// Adds words, keeping classes already given.
    static func + (lhs: Self, rhs: Self) -> Self {
        lhs.merging(rhs) { first, _ in first }
    }
}
