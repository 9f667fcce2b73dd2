/// The two MurmurHash variants spaCy's tagging path depends on.
///
/// - `hash64A` is `murmurhash.hash64` (MurmurHash64A), which spaCy's `StringStore` uses with
///   seed 1 to turn strings into 64-bit ids.
/// - `x86_128` is thinc's `MurmurHash3_x86_128_uint64`: the 128-bit MurmurHash3 of one
///   64-bit key, returned as four 32-bit words; `HashEmbed` takes each word modulo the table
///   size as a row index.
enum MurmurHash {
    /// MurmurHash64A of `bytes` (little-endian blocks), as in `murmurhash/MurmurHash2.cpp`.
    static func hash64A<C: Collection>(_ bytes: C, seed: UInt64 = 1) -> UInt64 where C.Element == UInt8 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        let length = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: length) &* m)
        var iterator = bytes.makeIterator()
        var remaining = length
        while remaining >= 8 {
            var k: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) {
                k |= UInt64(iterator.next() ?? 0) << UInt64(shift)
            }
            k = k &* m
            k ^= k >> r
            k = k &* m
            h ^= k
            h = h &* m
            remaining -= 8
        }
        if remaining > 0 {
            var tail: UInt64 = 0
            for index in 0..<remaining {
                tail |= UInt64(iterator.next() ?? 0) << UInt64(8 * index)
            }
            h ^= tail
            h = h &* m
        }
        h ^= h >> r
        h = h &* m
        h ^= h >> r
        return h
    }

    /// thinc's specialised MurmurHash3_x86_128 of one 64-bit key.
    static func x86_128(_ value: UInt64, seed: UInt32) -> (UInt32, UInt32, UInt32, UInt32) {
        var h1 = value
        h1 = h1 &* 0x87c3_7b91_1142_53d5
        h1 = (h1 << 31) | (h1 >> 33)
        h1 = h1 &* 0x4cf5_ad43_2745_937f
        h1 ^= UInt64(seed)
        h1 ^= 8
        var h2 = UInt64(seed)
        h2 ^= 8
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        h1 = finalMix(h1)
        h2 = finalMix(h2)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        return (UInt32(truncatingIfNeeded: h1), UInt32(truncatingIfNeeded: h1 >> 32),
                UInt32(truncatingIfNeeded: h2), UInt32(truncatingIfNeeded: h2 >> 32))
    }

    private static func finalMix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
