import Foundation

/// A set of byte strings, each numbered in insertion order (0, 1, ...): an open-addressing
/// hash table over one byte arena. Looking a string up hashes and compares its bytes only, with
/// no `String` made or hashed, which is what the WordNet lemmatizer and its memo do per token.
struct ByteStringTable: Sendable {
    /// The strings' bytes, back to back; string `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// Per slot, 0 when empty, else the string's number + 1 in the low 32 bits and the high 32
    /// bits of its hash above them (most mismatches are seen without reading `hashes`); the
    /// count is a power of two, at most half used.
    private var slots: [UInt64]

    /// Room for `capacity` strings of `bytes` bytes in all before growing.
    init(capacity: Int = 1024, bytes byteCapacity: Int = 0) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        bytes.reserveCapacity(byteCapacity)
        starts.reserveCapacity(capacity + 1)
        hashes.reserveCapacity(capacity)
    }

    var count: Int { hashes.count }

    /// The number of `key`, or nil when it is not in the table.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        return slots.withUnsafeBufferPointer { slots -> Int32? in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let value = slots[slot]
                if value == 0 { return nil }
                let number = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                if value & 0xFFFF_FFFF_0000_0000 == tag && equal(number, key) { return Int32(number) }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The number of `key`, inserting it (as the next number) when it is new.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (number: Int32, inserted: Bool) {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let value = slots[slot]
            if value == 0 { break }
            let number = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
            if hashes[number] == hash && equal(number, key) { return (Int32(number), false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let number = hashes.count
        bytes.append(contentsOf: key)
        starts.append(Int32(bytes.count))
        hashes.append(hash)
        slots[slot] = Self.slotValue(number: number, hash: hash)
        if hashes.count * 2 > slots.count { grow() }
        return (Int32(number), true)
    }

    func contains(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { find($0) != nil }
    }

    /// Calls `body` with string `number`'s bytes.
    func withBytes<Result>(_ number: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let start = Int(starts[Int(number)]), end = Int(starts[Int(number) + 1])
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    private func equal(_ number: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[number]), length = Int(starts[number + 1]) - start
        guard length == key.count else { return false }
        guard let keyBase = key.baseAddress else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, keyBase, length) == 0 }
    }

    /// Doubles the slots and places every string again.
    private mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for number in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[number]) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Self.slotValue(number: number, hash: hashes[number])
        }
        slots = bigger
    }

    @inline(__always)
    private static func slotValue(number: Int, hash: UInt64) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(number + 1)
    }

    /// 8 bytes at a time (little-endian words, the last one zero-padded), multiplied and
    /// folded, then a final mix so that the low bits (the slot) depend on all of them.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(base[index]) << (8 * (index - offset)) }
            hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }
}
