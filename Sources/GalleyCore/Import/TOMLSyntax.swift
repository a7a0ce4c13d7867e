/// TOML 1.0's grammar (https://toml.io/en/v1.0.0, its ABNF), checked before TOMLKit reads a
/// document.
///
/// toml++, the parser inside TOMLKit, is built with its assertions on (SwiftPM compiles it
/// without NDEBUG, and with NDEBUG they become `__builtin_assume`, undefined behaviour), and on
/// some malformed input it reaches one of them and stops the whole process instead of reporting
/// an error: the front-matter fuzz target found five such inputs in a day (a date's `T` followed
/// by a non-digit, `[[[[''''W`, `tags = ["a", }` …). Guarding each found input one at a time
/// leaves the next one for a user's file to find; a document that follows the grammar is what
/// toml++ is tested on (the toml-test suite), so toml++ only ever sees those. What the grammar
/// cannot say — a key defined twice, a table redefined — is still toml++'s to report.
///
/// It reads bytes (non-ASCII text is only allowed inside strings and comments, and a Swift
/// String is valid UTF-8), never builds a value, and is linear in the input with a bounded
/// nesting depth.
public enum TOMLSyntax {
    public struct Failure: Error, Equatable, Sendable {
        /// 1-based, counted in the document given.
        public let line: Int
        public let reason: String
    }

    /// Arrays and inline tables nested deeper than this are refused (toml++ allows 256).
    static let maximumDepth = 128

    /// The first place where `text` is not TOML 1.0, or nil when it all is.
    public static func firstFailure(in text: String) -> Failure? {
        var scanner = Scanner(bytes: Array(text.utf8))
        do {
            try scanner.document()
            return nil
        } catch {
            return error
        }
    }
}

private struct Scanner {
    typealias Failure = TOMLSyntax.Failure

    let bytes: [UInt8]
    var index = 0
    var line = 1
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func failure(_ reason: String) -> Failure { Failure(line: line, reason: reason) }

    /// What the current byte is, for a message.
    var found: String {
        switch current {
        case nil: "the end of the text"
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): "the line's end"
        case let byte? where byte >= 0x80: "a character other than ASCII"
        case let byte? where byte < 0x20 || byte == 0x7F: "a control character"
        case let byte?: "'\(Character(Unicode.Scalar(byte)))'"
        }
    }

    // MARK: Lines

    mutating func document() throws(Failure) {
        while current != nil {
            skipWhitespace()
            switch current {
            case UInt8(ascii: "["): try tableHeader()
            case nil, UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: try keyValue()
            }
            skipWhitespace()
            try commentIfAny()
            if current != nil, !(try newline()) {
                throw failure("expected the line's end after a value, a key or a table header, found \(found)")
            }
        }
    }

    mutating func skipWhitespace() {
        while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { index += 1 }
    }

    /// Takes a line feed or CR LF; false when something else is here.
    mutating func newline() throws(Failure) -> Bool {
        switch current {
        case UInt8(ascii: "\n"):
            index += 1
        case UInt8(ascii: "\r"):
            guard at(1) == UInt8(ascii: "\n") else { throw failure("a carriage return must be followed by a line feed") }
            index += 2
        default:
            return false
        }
        line += 1
        return true
    }

    mutating func commentIfAny() throws(Failure) {
        guard current == UInt8(ascii: "#") else { return }
        index += 1
        while let byte = current, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") {
                guard at(1) == UInt8(ascii: "\n") else { throw failure("a carriage return must be followed by a line feed") }
                return
            }
            if byte < 0x20, byte != UInt8(ascii: "\t") { throw failure("a control character in a comment") }
            index += 1
        }
    }

    /// Blank lines and comments between an array's values.
    mutating func skipWhitespaceCommentsAndNewlines() throws(Failure) {
        while true {
            skipWhitespace()
            try commentIfAny()
            guard try newline() else { return }
        }
    }

    // MARK: Keys and tables

    mutating func tableHeader() throws(Failure) {
        index += 1
        let isArray = current == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipWhitespace()
        try key()
        guard current == UInt8(ascii: "]") else { throw failure("expected ']' to close the table's name, found \(found)") }
        index += 1
        if isArray {
            guard current == UInt8(ascii: "]") else { throw failure("expected ']]' to close the array of tables' name, found \(found)") }
            index += 1
        }
    }

    mutating func keyValue() throws(Failure) {
        try key()
        guard current == UInt8(ascii: "=") else { throw failure("expected '=' after the key, found \(found)") }
        index += 1
        skipWhitespace()
        try value()
    }

    /// A simple or dotted key, and the whitespace after it.
    mutating func key() throws(Failure) {
        try simpleKey()
        skipWhitespace()
        while current == UInt8(ascii: ".") {
            index += 1
            skipWhitespace()
            try simpleKey()
            skipWhitespace()
        }
    }

    mutating func simpleKey() throws(Failure) {
        switch current {
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"): try string(quote: quote)
        default:
            let start = index
            while let byte = current, byte.isBareKeyByte { index += 1 }
            guard index > start else {
                throw failure("a key must be letters, digits, '-' and '_', or quoted; found \(found)")
            }
        }
    }

    // MARK: Values

    mutating func value() throws(Failure) {
        switch current {
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
            if at(1) == quote, at(2) == quote { try multilineString(quote: quote) } else { try string(quote: quote) }
        case UInt8(ascii: "["): try nested { (scanner: inout Scanner) throws(Failure) in try scanner.array() }
        case UInt8(ascii: "{"): try nested { (scanner: inout Scanner) throws(Failure) in try scanner.inlineTable() }
        case UInt8(ascii: "t"): try word("true")
        case UInt8(ascii: "f"): try word("false")
        case UInt8(ascii: "i"): try word("inf")
        case UInt8(ascii: "n"): try word("nan")
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            switch at(1) {
            case UInt8(ascii: "i"): index += 1; try word("inf")
            case UInt8(ascii: "n"): index += 1; try word("nan")
            default: try number()
            }
        case let byte? where byte.isDigit:
            if (0..<4).allSatisfy({ at($0)?.isDigit == true }), at(4) == UInt8(ascii: "-") {
                try dateTime()
            } else if at(1)?.isDigit == true, at(2) == UInt8(ascii: ":") {
                try time()
            } else {
                try number()
            }
        case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "#"):
            throw failure("a value is missing")
        default:
            throw failure("\(found) cannot start a value (a string, number, date, true, false, array or inline table)")
        }
    }

    mutating func nested(_ body: (inout Scanner) throws(Failure) -> Void) throws(Failure) {
        guard depth < TOMLSyntax.maximumDepth else {
            throw failure("arrays and inline tables nested more than \(TOMLSyntax.maximumDepth) deep")
        }
        depth += 1
        try body(&self)
        depth -= 1
    }

    mutating func word(_ word: StaticString) throws(Failure) {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard text.indices.allSatisfy({ at($0) == text[$0] }) else {
            throw failure("\(found) cannot start a value (a string, number, date, true, false, array or inline table)")
        }
        index += text.count
    }

    mutating func array() throws(Failure) {
        index += 1
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if current == UInt8(ascii: "]") { break }
            try value()
            try skipWhitespaceCommentsAndNewlines()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == UInt8(ascii: "]") {
                break
            } else {
                throw failure("expected ',' or ']' after an array's value, found \(found)")
            }
        }
        index += 1
    }

    /// `{ key = value, … }` on one line, without a trailing comma (TOML 1.0).
    mutating func inlineTable() throws(Failure) {
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            if current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r") {
                throw failure("an inline table must end on the line it starts")
            }
            try keyValue()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw failure("an inline table must end on the line it starts")
            default:
                throw failure("expected ',' or '}' after an inline table's value, found \(found)")
            }
        }
    }

    // MARK: Strings

    /// `"…"` (with escapes) or `'…'` (without), on one line.
    mutating func string(quote: UInt8) throws(Failure) {
        let basic = quote == UInt8(ascii: "\"")
        index += 1
        while true {
            switch current {
            case quote:
                index += 1
                return
            case UInt8(ascii: "\\") where basic:
                try escape()
            case nil, UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw failure("a string is not closed on the line it starts (a multi-line string starts with \(basic ? "\"\"\"" : "'''"))")
            case let byte? where byte.isForbiddenControl:
                throw failure(basic ? "a control character in a string must be written as an escape" : "a control character in a literal string")
            default:
                index += 1
            }
        }
    }

    /// `"""…"""` or `'''…'''`: a newline right after the opening quotes is not part of it, and up
    /// to two quotes may stand just before the closing three.
    mutating func multilineString(quote: UInt8) throws(Failure) {
        index += 3
        _ = try newline()
        while true {
            switch current {
            case quote:
                var run = 0
                while at(run) == quote { run += 1 }
                index += run
                if run >= 3 {
                    guard run <= 5 else { throw failure("more than five quotes in a row in a multi-line string") }
                    return
                }
            case UInt8(ascii: "\\") where quote == UInt8(ascii: "\""):
                var next = 1
                while at(next) == UInt8(ascii: " ") || at(next) == UInt8(ascii: "\t") { next += 1 }
                if at(next) == UInt8(ascii: "\n") || at(next) == UInt8(ascii: "\r") {
                    // A line-ending backslash: the line break and the whitespace after it go.
                    index += next
                    _ = try newline()
                    try skipWhitespaceAndNewlines()
                } else {
                    try escape()
                }
            case nil:
                throw failure("a multi-line string is not closed")
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                _ = try newline()
            case let byte? where byte.isForbiddenControl:
                throw failure("a control character in a string must be written as an escape")
            default:
                index += 1
            }
        }
    }

    mutating func skipWhitespaceAndNewlines() throws(Failure) {
        while true {
            skipWhitespace()
            guard try newline() else { return }
        }
    }

    /// `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`, the escape naming a Unicode scalar value.
    mutating func escape() throws(Failure) {
        index += 1
        switch current {
        case UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "f"), UInt8(ascii: "r"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
            index += 1
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = current == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            for offset in 1...count {
                guard let digit = at(offset)?.hexValue else {
                    throw failure("\\\(current == UInt8(ascii: "u") ? "u" : "U") must be followed by \(count) hexadecimal digits")
                }
                scalar = scalar << 4 | UInt32(digit)
            }
            guard Unicode.Scalar(scalar) != nil else { throw failure("the escape names no Unicode character") }
            index += 1 + count
        default:
            throw failure("unknown escape '\\' then \(found) in a string (a backslash is written \\\\)")
        }
    }

    // MARK: Numbers and dates

    /// Integers (decimal with an optional sign, or 0x, 0o, 0b) and floats, `_` only between digits.
    mutating func number() throws(Failure) {
        let signed = current == UInt8(ascii: "+") || current == UInt8(ascii: "-")
        if signed { index += 1 }
        if current == UInt8(ascii: "0"), let isDigit = at(1).flatMap(Self.digitTest(radix:)) {
            guard !signed else { throw failure("a hexadecimal, octal or binary number has no sign") }
            index += 2
            try digits(isDigit, what: "a hexadecimal, octal or binary number")
            return
        }
        if current == UInt8(ascii: "0") {
            index += 1
            if current?.isDigit == true || current == UInt8(ascii: "_") { throw failure("a number cannot have leading zeros") }
        } else {
            try digits(\.isDigit, what: "a number")
        }
        if current == UInt8(ascii: ".") {
            index += 1
            try digits(\.isDigit, what: "a number's fraction")
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try digits(\.isDigit, what: "a number's exponent")
        }
    }

    /// The digits of `0x`, `0o` and `0b` numbers.
    static func digitTest(radix: UInt8) -> ((UInt8) -> Bool)? {
        switch radix {
        case UInt8(ascii: "x"): { $0.hexValue != nil }
        case UInt8(ascii: "o"): { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }
        case UInt8(ascii: "b"): { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
        default: nil
        }
    }

    /// One or more digits, a single `_` allowed between two of them.
    mutating func digits(_ isDigit: (UInt8) -> Bool, what: String) throws(Failure) {
        guard let first = current, isDigit(first) else { throw failure("\(what) needs a digit here, found \(found)") }
        index += 1
        while let byte = current {
            if isDigit(byte) {
                index += 1
            } else if byte == UInt8(ascii: "_") {
                guard let next = at(1), isDigit(next) else { throw failure("'_' in \(what) must stand between two digits") }
                index += 2
            } else {
                return
            }
        }
    }

    /// `YYYY-MM-DD`, then optionally `T` (or `t`, or a space) and a time, then optionally `Z` or
    /// `±HH:MM`.
    mutating func dateTime() throws(Failure) {
        let year = try fixedDigits(4)
        try expect(UInt8(ascii: "-"), in: "a date")
        let month = try fixedDigits(2)
        try expect(UInt8(ascii: "-"), in: "a date")
        let day = try fixedDigits(2)
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month) else { throw failure("a date's month must be 01 to 12") }
        guard (1...days[month - 1]).contains(day) else { throw failure("a date's day must be 01 to \(days[month - 1]) in that month") }
        let delimiter = current == UInt8(ascii: "T") || current == UInt8(ascii: "t")
        let spaceThenTime = current == UInt8(ascii: " ") && at(1)?.isDigit == true && at(2)?.isDigit == true && at(3) == UInt8(ascii: ":")
        guard delimiter || spaceThenTime else { return }
        index += 1
        try time()
        switch current {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            index += 1
            guard try fixedDigits(2) <= 23 else { throw failure("a time offset's hours must be 00 to 23") }
            try expect(UInt8(ascii: ":"), in: "a time offset")
            guard try fixedDigits(2) <= 59 else { throw failure("a time offset's minutes must be 00 to 59") }
        default:
            break
        }
    }

    /// `HH:MM:SS` with an optional fraction of a second.
    mutating func time() throws(Failure) {
        guard try fixedDigits(2) <= 23 else { throw failure("a time's hour must be 00 to 23") }
        try expect(UInt8(ascii: ":"), in: "a time")
        guard try fixedDigits(2) <= 59 else { throw failure("a time's minutes must be 00 to 59") }
        try expect(UInt8(ascii: ":"), in: "a time (seconds are not optional in TOML 1.0)")
        guard try fixedDigits(2) <= 60 else { throw failure("a time's seconds must be 00 to 60") }
        if current == UInt8(ascii: ".") {
            index += 1
            guard current?.isDigit == true else { throw failure("a time's '.' must be followed by digits") }
            while current?.isDigit == true { index += 1 }
        }
    }

    mutating func fixedDigits(_ count: Int) throws(Failure) -> Int {
        var value = 0
        for _ in 0..<count {
            guard let byte = current, byte.isDigit else { throw failure("a date or time needs a digit here, found \(found)") }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    mutating func expect(_ byte: UInt8, in what: String) throws(Failure) {
        guard current == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))' in \(what), found \(found)") }
        index += 1
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }

    fileprivate var isBareKeyByte: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }

    /// A control character other than tab, which no string may hold as it is.
    fileprivate var isForbiddenControl: Bool { (self < 0x20 && self != UInt8(ascii: "\t")) || self == 0x7F }

    fileprivate var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
