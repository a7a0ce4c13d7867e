/// Eight bytes looked at as one `UInt64` ("SIMD within a register"): the way the hot loops find
/// the next interesting byte without a compare and a branch for every byte.
enum ByteWord {
    /// The eight bytes at `offset`, first byte lowest.
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of every byte of `word` equal to `byte`, and no other bit.
    @inline(__always) static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The sixteen bytes at `offset`, as one vector register (compares compile to `pcmpeqb`).
    @inline(__always) static func load16(_ base: UnsafeRawPointer, _ offset: Int) -> SIMD16<UInt8> {
        base.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
    }

    /// The sixteen bytes as two words, first byte lowest. (`any()` and `.>=` on a `SIMD16` compile
    /// to a generic reduction call and a loop over the lanes; this is two moves.)
    @inline(__always) static func halves(_ block: SIMD16<UInt8>) -> (UInt64, UInt64) {
        let words = unsafeBitCast(block, to: SIMD2<UInt64>.self)
        return (words[0], words[1])
    }

    /// Whether any byte of a compare's result is set.
    @inline(__always) static func any(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let (low, high) = halves(unsafeBitCast(mask, to: SIMD16<UInt8>.self))
        return low | high != 0
    }

    /// The index of the first byte in `bytes[start..<end]` that is `a`, `b`, `c` or `d`, or `end`.
    /// (Sixteen bytes at a time with `SIMD16` was measured: no fewer instructions, most runs end
    /// within the first word.)
    @inline(__always) static func firstIndex(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, of a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8
    ) -> Int {
        var index = start
        guard let base = bytes.baseAddress else { return index }
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= end {
            let word = load(raw, index)
            let found = equal(word, a) | equal(word, b) | equal(word, c) | equal(word, d)
            if found != 0 { return index &+ found.trailingZeroBitCount >> 3 }
            index &+= 8
        }
        while index < end {
            let byte = bytes[index]
            if byte == a || byte == b || byte == c || byte == d { break }
            index &+= 1
        }
        return index
    }
}
