import CChecksum

/// CRC32C (Castagnoli) of bytes, with the CPU's crc32 instruction where it has one: the
/// checksum a text index keeps for each posting list and for its header and dictionary,
/// checked as they are read (a flipped byte is an error, not a wrong count).
public enum CRC32C {
    /// The CRC32C of `bytes`, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return fb_crc32c(crc, base, bytes.count)
    }

    /// The same, a byte at a time (the reference the fast path is tested against).
    static func bytewiseChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return fb_crc32c_bytewise(crc, base, bytes.count)
    }
}
