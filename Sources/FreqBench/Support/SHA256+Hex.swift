extension SHA256 {
    /// The 32 raw bytes of a hex digest (as `hexDigest()` writes it).
    public static func bytes(ofHex hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(hexDigit(high) << 4 | hexDigit(low)))
        }
        return bytes
    }

    /// Lower-case hexadecimal form of raw digest bytes.
    public static func hex(bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    private static func hexDigit(_ character: UInt8) -> Int {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(character - UInt8(ascii: "a")) + 10
        default: return Int(character - UInt8(ascii: "A")) + 10
        }
    }
}
