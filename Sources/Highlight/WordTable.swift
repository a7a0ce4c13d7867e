/// Keywords and other special words, looked up straight from the source bytes: no `String` is
/// built, nothing is hashed with SipHash and nothing is reference counted, which matters at one
/// lookup per identifier.
struct WordTable: Sendable {
    struct Entry: Sendable {
        let kind: TokenClass
        /// The class of the next name after this word (`func` → function, `class` → class).
        let introduces: TokenClass?
    }

    /// A word's place in `text`, and what it is; length 0 marks an empty slot.
    private struct Slot {
        var offset: Int32 = 0
        var length: Int32 = 0
        var entry = Entry(kind: .text, introduces: nil)
    }

    private let slots: [Slot]
    private let text: [UInt8]
    private let mask: Int
    /// The bits set in every byte before hashing: `0x20` when case does not matter.
    let fold: UInt8

    init(words: [String: TokenClass], functionIntroducers: Set<String>, classIntroducers: Set<String>,
         namespaceIntroducers: Set<String> = [], caseInsensitive: Bool) {
        var size = 16
        while size < words.count * 3 { size *= 2 }
        var slots = [Slot](repeating: Slot(), count: size)
        var text: [UInt8] = []
        let mask = size - 1
        let fold: UInt8 = caseInsensitive ? 0x20 : 0
        for (word, kind) in words.sorted(by: { $0.key < $1.key }) {
            let bytes = Array((caseInsensitive ? word.lowercased() : word).utf8)
            let introduces: TokenClass? = functionIntroducers.contains(word) ? .nameFunction
                : classIntroducers.contains(word) ? .nameClass : namespaceIntroducers.contains(word) ? .nameNamespace : nil
            var index = Self.hash(bytes, fold: fold) & mask
            while slots[index].length != 0 { index = (index + 1) & mask }
            slots[index] = Slot(offset: Int32(text.count), length: Int32(bytes.count), entry: Entry(kind: kind, introduces: introduces))
            text += bytes
        }
        self.slots = slots
        self.text = text
        self.mask = mask
        self.fold = fold
    }

    /// The entry for `source[start..<end]`, if it is one of the words; the caller hashed the
    /// word while finding its end (``mix(_:_:)`` over each byte with ``fold`` set, from ``seed``,
    /// then ``finish(_:)``).
    func lookup(_ source: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: Int) -> Entry? {
        let length = end - start
        return slots.withUnsafeBufferPointer { slots in
            text.withUnsafeBufferPointer { text in
                var index = hash & mask
                while slots[index].length != 0 {
                    let slot = slots[index]
                    if Int(slot.length) == length {
                        var same = true
                        for offset in 0..<length {
                            let byte = fold != 0 ? Self.lower(source[start + offset]) : source[start + offset]
                            if byte != text[Int(slot.offset) + offset] { same = false; break }
                        }
                        if same { return slot.entry }
                    }
                    index = (index + 1) & mask
                }
                return nil
            }
        }
    }

    @inline(__always) private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// FNV-1a over a table word; the lexer hashes each word of the source the same way while
    /// finding its end. Without case, every byte has its 0x20 bit set rather than only letters
    /// lowered: no branch per byte.
    private static func hash(_ word: [UInt8], fold: UInt8) -> Int {
        finish(word.reduce(seed) { mix($0, $1 | fold) })
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    @inline(__always) static func finish(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
