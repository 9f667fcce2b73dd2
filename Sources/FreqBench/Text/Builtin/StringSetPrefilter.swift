/// A Bloom filter over a fixed set of strings, compared by their UTF-8 bytes: `mayContain`
/// is false for every string whose bytes are not those of a member, and true for members
/// (and for about 1 in 100 other strings).
///
/// It is the cheap first test before a `[String: …]` lookup that usually misses: one
/// MurmurHash64A pass over the bytes instead of a SipHash of the string and a probe. The tokenizer
/// asks about every chunk and token whether it is a special case, and almost none is.
///
/// Bytes, not `String` equality: a text that is only canonically equivalent to a member
/// (`e` + U+0301 for `é`) is not one, as in Python, whose dictionaries spaCy's rules are.
struct StringSetPrefilter: Sendable {
    private let bits: [UInt64]
    private let mask: UInt64

    /// A filter of `members` with `1 << bitCountLog2` bits (two bits set per member).
    init(_ members: some Sequence<String>, bitCountLog2: Int = 17) {
        var bits = [UInt64](repeating: 0, count: (1 << bitCountLog2) / 64)
        let mask = UInt64(1 << bitCountLog2) - 1
        for member in members {
            let (first, second) = StringSetPrefilter.bitPositions(StringSetPrefilter.hash(member), mask: mask)
            bits[Int(first >> 6)] |= 1 << (first & 63)
            bits[Int(second >> 6)] |= 1 << (second & 63)
        }
        self.bits = bits
        self.mask = mask
    }

    /// Whether `string` may be a member: false means certainly not.
    func mayContain(_ string: String) -> Bool {
        let (first, second) = StringSetPrefilter.bitPositions(StringSetPrefilter.hash(string), mask: mask)
        return bits.withUnsafeBufferPointer { words in
            words[Int(first >> 6)] & (1 << (first & 63)) != 0 && words[Int(second >> 6)] & (1 << (second & 63)) != 0
        }
    }

    /// MurmurHash64A of the UTF-8 bytes (the string-id hash; seed 0, as ids use 1).
    static func hash(_ string: String) -> UInt64 {
        MurmurHash.hash64A(string.utf8, seed: 0)
    }

    /// Two bit positions from one hash, its low and high halves, within `mask`.
    private static func bitPositions(_ hash: UInt64, mask: UInt64) -> (UInt64, UInt64) {
        (hash & mask, (hash >> 32) & mask)
    }
}
