import Foundation

/// Finds, in a block of stored tag probabilities, every (row, column) above a set of thresholds.
///
/// One pass serves all thresholds. Non-negative IEEE floats order like their bit patterns read
/// as unsigned integers, so the scan tests the raw bits against the smallest threshold's bits,
/// four float16 (or two float32) values per 64-bit word at a time (SWAR: add `0x7FFF - limit` to
/// each lane's low 15 bits, so the lane's top bit ends up set exactly when the value's bits
/// exceed the limit or the value is negative). Only the few candidates (values above the limit,
/// negative values, NaN) are decoded and compared exactly, in the storage precision
/// (see `TagThreshold`).
struct TagThresholdScanner {
    /// Thresholds, ascending.
    let thresholds: [TagThreshold]
    let precision: TagPrecision
    /// Bit patterns of the thresholds in each precision (all >= +0, ascending).
    private let float16Bits: [UInt16]
    private let float32Bits: [UInt32]

    /// A hit: row (bits 32...63), column (bits 8...31) and the number of thresholds exceeded (bits 0...7).
    typealias Hit = UInt64

    init(thresholds: [TagThreshold], precision: TagPrecision) {
        self.thresholds = thresholds.sorted()
        self.precision = precision
        float16Bits = self.thresholds.map(\.float16.bitPattern)
        float32Bits = self.thresholds.map(\.float32.bitPattern)
    }

    /// Appends to `hits` every value above the smallest threshold, with how many of the
    /// (ascending) thresholds it lies above; throws `notANumber(row, column)` on NaN.
    /// `bits` holds `rows * width` stored values, row-major; `width` < 2^24.
    func scan(_ bits: UnsafeRawBufferPointer, rows: Int, width: Int, into hits: inout [Hit],
              notANumber: (_ row: Int, _ column: Int) -> FreqBenchError) throws {
        let count = rows * width
        guard count > 0, let smallest = thresholds.first, let base = bits.baseAddress else { return }
        switch precision {
        case .float16:
            let limit = smallest.float16.bitPattern
            let lanes = bits.count / 2
            precondition(lanes >= count)
            let words = count / 4
            let low: UInt64 = 0x7FFF_7FFF_7FFF_7FFF
            let tops: UInt64 = 0x8000_8000_8000_8000
            let add = UInt64(0x7FFF - limit) &* 0x0001_0001_0001_0001
            var word = 0
            // Sixteen words (128 bytes) per step in 32-byte vectors without branches; in a
            // flagged step, each flagged 32-byte quarter word by word.
            let lowVector = SIMD4<UInt64>(repeating: low), addVector = SIMD4<UInt64>(repeating: add)
            while word + 16 <= words {
                if Self.anyFlagged(base, word: word, low: lowVector, add: addVector) & tops != 0 {
                    for quarter in stride(from: word, to: word + 16, by: 4)
                    where Self.anyFlagged(base, word: quarter, count: 1, low: lowVector, add: addVector) & tops != 0 {
                        for offset in 0..<4 {
                            try flagged16(base, word: quarter + offset, low: low, add: add, tops: tops, width: width, into: &hits, notANumber: notANumber)
                        }
                    }
                }
                word += 16
            }
            while word < words {
                try flagged16(base, word: word, low: low, add: add, tops: tops, width: width, into: &hits, notANumber: notANumber)
                word += 1
            }
            for index in (words * 4)..<count {
                if base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self) > limit {
                    try check16(base, index: index, width: width, into: &hits, notANumber: notANumber)
                }
            }
        case .float32:
            let limit = smallest.float32.bitPattern
            precondition(bits.count / 4 >= count)
            let words = count / 2
            let low: UInt64 = 0x7FFF_FFFF_7FFF_FFFF
            let tops: UInt64 = 0x8000_0000_8000_0000
            let add = UInt64(0x7FFF_FFFF - limit) &* 0x0000_0001_0000_0001
            var word = 0
            // Sixteen words (128 bytes) per step in 32-byte vectors without branches; in a
            // flagged step, each flagged 32-byte quarter word by word.
            let lowVector = SIMD4<UInt64>(repeating: low), addVector = SIMD4<UInt64>(repeating: add)
            while word + 16 <= words {
                if Self.anyFlagged(base, word: word, low: lowVector, add: addVector) & tops != 0 {
                    for quarter in stride(from: word, to: word + 16, by: 4)
                    where Self.anyFlagged(base, word: quarter, count: 1, low: lowVector, add: addVector) & tops != 0 {
                        for offset in 0..<4 {
                            try flagged32(base, word: quarter + offset, low: low, add: add, tops: tops, width: width, into: &hits, notANumber: notANumber)
                        }
                    }
                }
                word += 16
            }
            while word < words {
                try flagged32(base, word: word, low: low, add: add, tops: tops, width: width, into: &hits, notANumber: notANumber)
                word += 1
            }
            for index in (words * 2)..<count {
                if base.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self) > limit {
                    try check32(base, index: index, width: width, into: &hits, notANumber: notANumber)
                }
            }
        }
    }

    /// The OR of the SWAR flag words of `4 * count` words from `word` on (only the lane tops matter).
    @inline(__always)
    private static func anyFlagged(_ base: UnsafeRawPointer, word: Int, count: Int = 4, low: SIMD4<UInt64>, add: SIMD4<UInt64>) -> UInt64 {
        var accumulated = SIMD4<UInt64>()
        for quarter in 0..<count {
            let value = base.loadUnaligned(fromByteOffset: (word + 4 * quarter) * 8, as: SIMD4<UInt64>.self)
            accumulated |= ((value & low) &+ add) | value
        }
        return accumulated[0] | accumulated[1] | accumulated[2] | accumulated[3]
    }

    @inline(__always)
    private func flagged16(_ base: UnsafeRawPointer, word: Int, low: UInt64, add: UInt64, tops: UInt64, width: Int,
                           into hits: inout [Hit], notANumber: (Int, Int) -> FreqBenchError) throws {
        let value = base.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
        var flags = (((value & low) &+ add) | value) & tops
        while flags != 0 {
            let lane = flags.trailingZeroBitCount / 16
            flags &= flags &- 1
            try check16(base, index: word * 4 + lane, width: width, into: &hits, notANumber: notANumber)
        }
    }

    @inline(__always)
    private func flagged32(_ base: UnsafeRawPointer, word: Int, low: UInt64, add: UInt64, tops: UInt64, width: Int,
                           into hits: inout [Hit], notANumber: (Int, Int) -> FreqBenchError) throws {
        let value = base.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
        var flags = (((value & low) &+ add) | value) & tops
        while flags != 0 {
            let lane = flags.trailingZeroBitCount / 32
            flags &= flags &- 1
            try check32(base, index: word * 2 + lane, width: width, into: &hits, notANumber: notANumber)
        }
    }

    /// Exact test of one float16 candidate. For a non-negative, non-NaN value and thresholds
    /// >= +0 (`TagThreshold` guarantees it), `Float16(p) > Float16(h)` is the unsigned comparison
    /// of their bits, which avoids a float conversion per candidate; negative values are never above.
    @inline(__always)
    private func check16(_ base: UnsafeRawPointer, index: Int, width: Int, into hits: inout [Hit],
                         notANumber: (Int, Int) -> FreqBenchError) throws {
        let bits = base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)
        if bits & 0x7FFF > 0x7C00 { throw notANumber(index / width, index % width) }
        if bits & 0x8000 != 0 { return }
        var exceeded = 0
        while exceeded < float16Bits.count, bits > float16Bits[exceeded] { exceeded += 1 }
        if exceeded > 0 { hits.append(Self.hit(index: index, width: width, exceeded: exceeded)) }
    }

    /// Exact test of one float32 candidate (bit comparison, as `check16`).
    @inline(__always)
    private func check32(_ base: UnsafeRawPointer, index: Int, width: Int, into hits: inout [Hit],
                         notANumber: (Int, Int) -> FreqBenchError) throws {
        let bits = base.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { throw notANumber(index / width, index % width) }
        if bits & 0x8000_0000 != 0 { return }
        var exceeded = 0
        while exceeded < float32Bits.count, bits > float32Bits[exceeded] { exceeded += 1 }
        if exceeded > 0 { hits.append(Self.hit(index: index, width: width, exceeded: exceeded)) }
    }

    @inline(__always)
    private static func hit(index: Int, width: Int, exceeded: Int) -> Hit {
        UInt64(index / width) << 32 | UInt64(index % width) << 8 | UInt64(exceeded)
    }
}
