import Foundation

/// A set of byte strings, each numbered in insertion order (0, 1, ...): an open-addressing
/// hash table over one byte arena. Looking a string up hashes and compares its bytes only, with
/// no `String` made or hashed, which is what the WordNet lemmatizer and its memo do per token.
struct ByteStringTable: Sendable {
    /// The strings' bytes, back to back; string `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// String number + 1 per slot (0: empty); the count is a power of two, at most half used.
    private var slots: [Int32]

    init(capacity: Int = 1024) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
    }

    var count: Int { hashes.count }

    /// The number of `key`, or nil when it is not in the table.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let number = Int(slots[slot]) - 1
            if number < 0 { return nil }
            if hashes[number] == hash && equal(number, key) { return Int32(number) }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    /// The number of `key`, inserting it (as the next number) when it is new.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (number: Int32, inserted: Bool) {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while true {
            let number = Int(slots[slot]) - 1
            if number < 0 { break }
            if hashes[number] == hash && equal(number, key) { return (Int32(number), false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let number = hashes.count
        bytes.append(contentsOf: key)
        starts.append(Int32(bytes.count))
        hashes.append(hash)
        slots[slot] = Int32(number + 1)
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
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for number in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[number]) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(number + 1)
        }
        slots = bigger
    }

    /// FNV-1a over the bytes, then a final mix so that the low bits (the slot) depend on all of them.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }
}
