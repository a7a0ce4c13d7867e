/// A cursor over UTF-8 bytes that collects tokens. Every lexer is a loop over one of these; it
/// only ever moves forward, so lexing is linear in the input whatever the input is. It cannot be
/// copied: its tokens live in storage that ``tokens(of:_:)`` frees when the lexer returns.
struct Scanner: ~Copyable {
    let bytes: [UInt8]
    var position = 0
    /// Where lexing stops: the end of the input, or of a stretch handed to another lexer.
    var limit: Int
    /// The tokens so far, with room for one a byte: the most there can be, as a token is never
    /// empty and never overlaps another. So emitting checks one bound and grows nothing (an
    /// array's append also checked that its buffer was not shared, ~20 instructions a token).
    private let storage: UnsafeMutablePointer<Token>
    private let capacity: Int
    private var count = 0

    private init(_ bytes: [UInt8], storage: UnsafeMutablePointer<Token>, capacity: Int) {
        self.bytes = bytes
        limit = bytes.count
        self.storage = storage
        self.capacity = capacity
    }

    /// Runs `lexer` over `bytes` and returns the tokens it emitted.
    static func tokens(of bytes: [UInt8], _ lexer: (inout Scanner) -> Void) -> [Token] {
        let capacity = max(bytes.count, 1)
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: capacity)
        defer { storage.deallocate() }
        var scanner = Scanner(bytes, storage: storage, capacity: capacity)
        lexer(&scanner)
        return Array(UnsafeBufferPointer(start: storage, count: scanner.count))
    }

    var atEnd: Bool { position >= limit }
    var current: UInt8 { position < limit ? bytes[position] : 0 }

    func peek(_ offset: Int = 1) -> UInt8 {
        let index = position + offset
        return index < limit && index >= 0 ? bytes[index] : 0
    }

    /// Whether the bytes at the cursor are `literal`.
    func matches(_ literal: [UInt8], at index: Int? = nil) -> Bool {
        let start = index ?? position
        guard start + literal.count <= limit else { return false }
        for offset in 0..<literal.count where bytes[start + offset] != literal[offset] { return false }
        return true
    }

    /// Whether the bytes at the cursor (or at `index`) are `literal`, with no array built for it.
    func matches(_ literal: StaticString, at index: Int? = nil) -> Bool {
        let start = index ?? position
        let count = literal.utf8CodeUnitCount
        guard start >= 0, start + count <= limit else { return false }
        let expected = literal.utf8Start
        for offset in 0..<count where bytes[start + offset] != expected[offset] { return false }
        return true
    }

    /// Whether `bytes[start..<end]` is exactly `word`, ignoring ASCII case if asked.
    func isWord(_ start: Int, _ end: Int, _ word: StaticString, ignoringCase: Bool = false) -> Bool {
        guard end - start == word.utf8CodeUnitCount, end <= limit else { return false }
        let expected = word.utf8Start
        for offset in 0..<(end - start) {
            let byte = bytes[start + offset]
            if byte != expected[offset], !(ignoringCase && byte.isASCIILetter && byte | 0x20 == expected[offset] | 0x20) { return false }
        }
        return true
    }

    /// Whether any byte of `bytes[start..<end]` satisfies `predicate`.
    func contains(_ start: Int, _ end: Int, where predicate: (UInt8) -> Bool) -> Bool {
        bytes[start..<end].contains(where: predicate)
    }

    /// Whether the cursor is at the start of a line (only spaces and tabs before it).
    var atLineStart: Bool {
        var index = position - 1
        while index >= 0 {
            if bytes[index] == .newline { return true }
            if bytes[index] != .space && bytes[index] != .tab { return false }
            index -= 1
        }
        return true
    }

    /// The first byte after any spaces and tabs from `index`.
    func nextNonBlank(from index: Int) -> Int {
        var index = index
        while index < bytes.count, bytes[index] == .space || bytes[index] == .tab { index += 1 }
        return index
    }

    mutating func emit(_ kind: TokenClass, from start: Int) {
        guard position > start else { return }
        if count > 0, storage[count - 1].kind == kind, storage[count - 1].end == start {
            storage[count - 1].end = position
        } else {
            precondition(count < capacity, "tokens overlap")
            (storage + count).initialize(to: Token(start: start, end: position, kind: kind))
            count += 1
        }
    }

    mutating func emit(_ kind: TokenClass, length: Int) {
        let start = position
        position = min(limit, position + length)
        emit(kind, from: start)
    }

    /// Moves to the end of the line (not past the newline).
    mutating func skipToLineEnd() {
        skip(to: .newline, .newline, .newline, .newline)
    }

    /// Moves to the next `a`, `b`, `c` or `d` (repeat one to look for fewer), or to the limit.
    mutating func skip(to a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        let (start, limit) = (position, limit)
        position = bytes.withUnsafeBufferPointer { ByteWord.firstIndex(in: $0, from: start, to: limit, of: a, b, c, d) }
    }

    /// The loops run over a local index and raw bytes: moving `position` itself would store it
    /// to memory at every byte.
    @inline(__always) mutating func skipWhile(_ predicate: (UInt8) -> Bool) {
        let limit = limit
        var index = position
        bytes.withUnsafeBufferPointer { bytes in
            while index < limit, predicate(bytes[index]) { index += 1 }
        }
        position = index
    }

    /// Runs `body` with lexing stopped at `end`, then moves to `end`; whatever `body` left
    /// unlexed is plain text, so no byte is ever dropped.
    mutating func within(_ end: Int, _ body: (inout Scanner) -> Void) {
        let saved = limit
        limit = min(end, saved)
        body(&self)
        if position < limit {
            let rest = position
            position = limit
            emit(.text, from: rest)
        }
        limit = saved
    }

    /// Whitespace as plain text.
    mutating func whitespace() -> Bool {
        let start = position
        skipWhile { $0 == .space || $0 == .tab || $0 == .newline || $0 == .carriageReturn || $0 == 0x0C }
        if position > start { emit(.text, from: start); return true }
        return false
    }

    func text(_ start: Int, _ end: Int) -> Substring {
        Substring(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension UInt8 {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let backslash = UInt8(ascii: "\\")

    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isHexDigit: Bool { isDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66) }
    var isASCIILetter: Bool { (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) }
    /// Letters, `_`, and every byte of a multi-byte UTF-8 character (identifiers may use them).
    var isIdentifierStart: Bool { isASCIILetter || self == UInt8(ascii: "_") || self >= 0x80 }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }
    var isBlank: Bool { self == .space || self == .tab || self == .newline || self == .carriageReturn }
}

/// A set of bytes as a 256-bit mask: trivially copyable, so lookups in hot loops cost neither a
/// hash nor a reference count.
struct ByteSet: Sendable {
    private var low: (UInt64, UInt64) = (0, 0)
    private var high: (UInt64, UInt64) = (0, 0)

    init(_ characters: String) {
        for byte in characters.utf8 { insert(byte) }
    }

    init(_ bytes: Set<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    private mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: low.0 |= bit
        case 1: low.1 |= bit
        case 2: high.0 |= bit
        default: high.1 |= bit
        }
    }

    @inline(__always) func contains(_ byte: UInt8) -> Bool {
        let word = switch byte >> 6 {
        case 0: low.0
        case 1: low.1
        case 2: high.0
        default: high.1
        }
        return (word >> UInt64(byte & 63)) & 1 == 1
    }
}

/// Flags for every byte value, looked up with one load: the hot loops classify each byte with
/// this instead of a chain of comparisons.
final class ByteFlags: @unchecked Sendable {
    /// 256 entries, written once in `init` and only read after that.
    let table: UnsafeMutablePointer<UInt8>

    init(_ flags: (UInt8) -> UInt8) {
        table = .allocate(capacity: 256)
        for byte in 0...255 { table[byte] = flags(UInt8(byte)) }
    }

    deinit { table.deallocate() }
}
