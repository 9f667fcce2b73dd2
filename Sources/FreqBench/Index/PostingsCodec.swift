#if _endian(big)
#error("the postings encoding is little-endian; this codec assumes a little-endian host")
#endif

/// FreqBench's postings encoding: sorted distinct `UInt32` ids in blocks of 128, each
/// block stored as its first id plus the gaps `id[k] - id[k-1] - 1` bit-packed at the
/// block's own width (the bits of its largest gap).
///
/// Layout of one posting list of `n` ids, `b = ceil(n / 128)` blocks:
///
///     b × UInt32 LE   first id of each block (a skip table: binary-searchable)
///     b × UInt8       bit width of each block's gaps (0...32)
///     b × packed gaps block k holds count(k) - 1 gaps, LSB first, ceil(w·(count-1)/8) bytes
///
/// The decoder reads unaligned 64-bit words, so up to 7 bytes past a list's end may be
/// read: the index file keeps 8 zero bytes after its postings section.
public enum PostingsCodec {
    public static let blockSize = 128
    /// Bytes the decoder may read past the end of a list.
    public static let readPadding = 8

    /// Number of blocks of a list of `count` ids.
    @inline(__always)
    public static func blockCount(_ count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Appends the encoding of `ids` (sorted ascending, distinct) to `output`.
    public static func encode(_ ids: UnsafeBufferPointer<UInt32>, into output: inout [UInt8]) {
        let blocks = blockCount(ids.count)
        guard blocks > 0 else { return }
        var firsts: [UInt32] = []
        var widths: [UInt8] = []
        firsts.reserveCapacity(blocks)
        widths.reserveCapacity(blocks)
        appendBlockHeaders(ids, firsts: &firsts, widths: &widths)
        firsts.withUnsafeBytes { output.append(contentsOf: $0) }   // little-endian hosts (index writers check)
        output.append(contentsOf: widths)
        widths.withUnsafeBufferPointer { packGaps(ids, widths: $0, into: &output) }
    }

    /// The skip-table entries and gap widths of the blocks of `ids` (a list, or a piece of one
    /// that starts at a block boundary), appended to `firsts` and `widths`.
    static func appendBlockHeaders(_ ids: UnsafeBufferPointer<UInt32>, firsts: inout [UInt32], widths: inout [UInt8]) {
        let count = ids.count
        var start = 0
        while start < count {
            let end = min(start + blockSize, count)
            firsts.append(ids[start])
            // The OR of the gaps has the bit length of their maximum.
            var bits: UInt32 = 0
            var index = start + 1
            while index < end {
                bits |= ids[index] &- ids[index - 1] &- 1
                index += 1
            }
            widths.append(UInt8(32 - bits.leadingZeroBitCount))
            start = end
        }
    }

    /// Appends the packed gaps of the blocks of `ids` (starting at a block boundary), block k
    /// at `widths[k]` bits.
    static func packGaps(_ ids: UnsafeBufferPointer<UInt32>, widths: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let count = ids.count
        guard count > 0, let base = ids.baseAddress else { return }
        // Room for every block's bytes plus 4 bytes of slack for the 32-bit stores.
        var total = 0
        var start = 0, block = 0
        while start < count {
            let end = min(start + blockSize, count)
            total += packedBytes(count: end - start, width: Int(widths[block]))
            block += 1
            start = end
        }
        let origin = output.count
        output.append(contentsOf: repeatElement(0, count: total + 4))
        output.withUnsafeMutableBytes { raw in
            guard let destination = raw.baseAddress else { return }
            var cursor = destination + origin
            start = 0
            block = 0
            while start < count {
                let end = min(start + blockSize, count)
                let width = UInt64(widths[block])
                block += 1
                if width > 0 {
                    // Gaps LSB-first into a 64-bit accumulator, stored 32 bits at a time (a
                    // width is at most 32, so the accumulator never holds more than 63 bits).
                    var accumulator: UInt64 = 0
                    var filled: UInt64 = 0
                    var previous = base[start]
                    var index = start + 1
                    while index < end {
                        let id = base[index]
                        accumulator |= UInt64(id &- previous &- 1) << filled
                        previous = id
                        filled += width
                        if filled >= 32 {
                            cursor.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, as: UInt32.self)
                            cursor += 4
                            accumulator >>= 32
                            filled -= 32
                        }
                        index += 1
                    }
                    // The last 0-4 bytes (the 32-bit store may write zeros past them: the slack).
                    if filled > 0 {
                        cursor.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, as: UInt32.self)
                        cursor += Int((filled + 7) / 8)
                    }
                }
                start = end
            }
        }
        output.removeLast(4)
    }

    /// Encoded size in bytes of a block of `count` ids at gap width `width`.
    @inline(__always)
    static func packedBytes(count: Int, width: Int) -> Int { (width * (count - 1) + 7) / 8 }

    /// Decodes `count` ids of one block whose packed gaps start at `data`, into `output`, and
    /// returns its last id computed without wrapping: above `UInt32.max` exactly when the gaps
    /// of a corrupted block overflow 32 bits (the stored ids are then truncated and must not be
    /// used). `width` must be 0...32 (`PostingList.checked` ensures it for lists read from a file).
    @inline(__always)
    @discardableResult
    static func decodeBlock(first: UInt32, width: Int, count: Int, data: UnsafeRawPointer,
                            into output: UnsafeMutablePointer<UInt32>) -> UInt64 {
        output[0] = first
        if width == 0 {
            var previous = first
            for k in 1..<max(count, 1) {
                previous &+= 1
                output[k] = previous
            }
            return UInt64(first) + UInt64(max(count, 1) - 1)
        }
        let mask: UInt64 = width >= 64 ? .max : (1 << UInt64(width)) &- 1
        // Summed in 64 bits: 127 gaps of at most 32 bits cannot overflow, so a block whose ids
        // leave the 32-bit range is seen at its end instead of wrapping silently.
        var previous = UInt64(first)
        var bit = 0
        for k in 1..<max(count, 1) {
            let word = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            let gap = (word >> UInt64(bit & 7)) & mask
            previous = previous &+ 1 &+ gap
            output[k] = UInt32(truncatingIfNeeded: previous)
            bit &+= width
        }
        return previous
    }

}
