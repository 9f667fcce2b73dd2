import Foundation

/// Finds, in a block of stored tag probabilities, every (row, column) above a set of thresholds.
///
/// One pass serves all thresholds. Non-negative IEEE floats order like their bit patterns read
/// as unsigned integers, so the scan compares raw bits, never converting a value:
///
/// 1. Filter, 64 bytes (one cache line: 32 float16 or 16 float32 values) at a time, in
///    SIMD registers and without branches: `(bits + (signed max - limit)) | bits` has its sign
///    bit set in a lane exactly when the bits, read as an unsigned integer, exceed the smallest
///    threshold's — a value above it (every value above 1, infinity and NaN included) or any
///    value with the sign bit set (negative, -0).
///    The lines with such a lane are recorded (the write always happens, the count advances
///    by 0 or 1), one tile of lines at a time, so step 2 finds them still in the L1 cache.
/// 2. Decode each recorded line: its flagged lanes are gathered into a mask in lane order
///    (SWAR: add `limit`'s complement to each lane's low bits, so a lane's top bit is set
///    exactly when its bits exceed the limit or it is negative; a multiply gathers a word's
///    top bits) and visited in increasing order with `trailingZeroBitCount`. Each candidate is then compared exactly, in the storage
///    precision (see `TagThreshold`), against every threshold. A probability that is not in
///    [0, 1] is exactly one whose bits, read as an unsigned integer, exceed 1.0's (sign bit set,
///    or exponent and mantissa above 1.0's: above 1, infinite, NaN), -0 excepted (it is 0): such a
///    value throws, naming its row and column, or with `clamp` is read as 0 (NaN, negative:
///    never tagged) or 1 (above 1, +infinity: tagged at every threshold below 1), which is what
///    upstream's `probs > h` made of them. Since the filter already passes every such value on
///    (the unsigned comparison), the check costs the filter nothing (as many vector operations
///    as the magnitude test it replaces) and valid candidates one comparison.
///
/// Typical RAM++ rows have a few dozen values above 0.5 among thousands, so step 1 touches
/// every byte once and step 2 runs for a few lines per row.
struct TagThresholdScanner {
    /// Thresholds, ascending.
    let thresholds: [TagThreshold]
    let precision: TagPrecision
    /// Read probabilities outside [0, 1] as 0 (NaN, negative) or 1 (above 1) instead of throwing.
    let clamp: Bool
    /// Bit patterns of the thresholds in each precision (all >= +0, ascending).
    private let float16Bits: [UInt16]
    private let float32Bits: [UInt32]

    /// A hit: row (bits 32...63), column (bits 8...31) and the number of thresholds exceeded (bits 0...7).
    typealias Hit = UInt64

    /// Lines (64 bytes) filtered before their candidates are decoded.
    private static let tileLines = 64

    init(thresholds: [TagThreshold], precision: TagPrecision, clamp: Bool = false) {
        self.thresholds = thresholds.sorted()
        precondition(self.thresholds.count < 256, "at most 255 thresholds (a hit counts them in 8 bits)")
        self.precision = precision
        self.clamp = clamp
        float16Bits = self.thresholds.map(\.float16.bitPattern)
        float32Bits = self.thresholds.map(\.float32.bitPattern)
    }

    /// Writes to `hits` every value above the smallest threshold, in row-major order, with how
    /// many of the (ascending) thresholds it lies above, and returns how many it wrote; throws
    /// `invalid(row, column, value)` on a probability outside [0, 1] (NaN, negative, above 1,
    /// infinite) unless `clamp`. `bits` holds `rows * width` stored values, row-major;
    /// `width` < 2^24; `hits` has room for `rows * width`.
    func scan(_ bits: UnsafeRawBufferPointer, rows: Int, width: Int, into hits: UnsafeMutableBufferPointer<Hit>,
              invalid: (_ row: Int, _ column: Int, _ value: Double) -> FreqBenchError) throws -> Int {
        let count = rows * width
        guard count > 0, !thresholds.isEmpty, let base = bits.baseAddress, let output = hits.baseAddress else { return 0 }
        precondition(bits.count >= count * precision.byteWidth && hits.count >= count && width < 1 << 24)
        var sink = HitSink(output: output, width: width)
        switch precision {
        case .float16:
            try float16Bits.withUnsafeBufferPointer { limits in
                try scanLines(Float16Lines(limit: limits[0]), base, count: count, limits: limits, into: &sink, invalid: invalid)
            }
        case .float32:
            try float32Bits.withUnsafeBufferPointer { limits in
                try scanLines(Float32Lines(limit: limits[0]), base, count: count, limits: limits, into: &sink, invalid: invalid)
            }
        }
        return sink.written
    }

    /// Where decoded hits go: packs (row, column, exceeded), following the row with a cursor
    /// (candidates arrive in increasing index order, so no division per hit).
    private struct HitSink {
        let output: UnsafeMutablePointer<Hit>
        let width: Int
        var written = 0
        var row = 0
        var rowStart = 0

        @inline(__always)
        mutating func locate(_ index: Int) -> (row: Int, column: Int) {
            while index >= rowStart + width {
                row += 1
                rowStart += width
            }
            return (row, index - rowStart)
        }

        /// Writes the hit and advances only when `exceeded` > 0 (no branch).
        @inline(__always)
        mutating func append(index: Int, exceeded: Int) {
            let (row, column) = locate(index)
            output[written] = UInt64(row) << 32 | UInt64(column) << 8 | UInt64(exceeded)
            written &+= exceeded > 0 ? 1 : 0
        }
    }

    /// Steps 1 and 2 for one storage precision: filters the lines a tile at a time, then
    /// decodes the flagged ones; the values after the last whole line are tested one by one.
    private func scanLines<Lines: StoredLines>(_ lines: Lines, _ base: UnsafeRawPointer, count: Int,
                                               limits: UnsafeBufferPointer<Lines.Bits>, into sink: inout HitSink,
                                               invalid: (Int, Int, Double) -> FreqBenchError) throws {
        let lanes = Lines.lanesPerLine
        let lineCount = count / lanes
        try withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.tileLines) { flagged in
            var tile = 0
            while tile < lineCount {
                let end = min(tile + Self.tileLines, lineCount)
                var flaggedCount = 0
                for line in tile..<end {
                    flagged[flaggedCount] = Int32(truncatingIfNeeded: line)
                    flaggedCount &+= lines.flag(base + line * 64)
                }
                for position in 0..<flaggedCount {
                    let line = Int(flagged[position])
                    var mask = lines.candidates(base + line * 64)
                    while mask != 0 {
                        let lane = mask.trailingZeroBitCount
                        mask &= mask &- 1
                        try check(base, index: line * lanes + lane, limits: limits, into: &sink, invalid: invalid)
                    }
                }
                tile = end
            }
        }
        for index in (lineCount * lanes)..<count
        where base.loadUnaligned(fromByteOffset: index * Lines.Bits.bitWidth / 8, as: Lines.Bits.self) > limits[0] {
            try check(base, index: index, limits: limits, into: &sink, invalid: invalid)
        }
    }

    /// Exact test of one candidate. For a value in [0, 1] and thresholds >= +0 (`TagThreshold`
    /// guarantees it), `p > h` in the storage precision is the unsigned comparison of their bits.
    /// Bits above 1.0's are -0 (read as 0) or a value outside [0, 1] (see the type's notes).
    @inline(__always)
    private func check<Bits: FixedWidthInteger & UnsignedInteger>(
        _ base: UnsafeRawPointer, index: Int, limits: UnsafeBufferPointer<Bits>, into sink: inout HitSink,
        invalid: (Int, Int, Double) -> FreqBenchError
    ) throws {
        var bits = base.loadUnaligned(fromByteOffset: index * Bits.bitWidth / 8, as: Bits.self)
        let one = Self.oneBits(Bits.self)
        if bits > one {
            let sign = (Bits.max >> 1) &+ 1
            if bits == sign {
                bits = 0                                   // -0 is 0
            } else if clamp {
                // NaN and negative values are never above a threshold; above 1 and +infinity are 1.
                bits = bits & sign != 0 || bits > Self.infinityBits(Bits.self) ? 0 : one
            } else {
                let (row, column) = sink.locate(index)
                throw invalid(row, column, Self.value(of: bits))
            }
        }
        var exceeded = 0
        for limit in limits { exceeded &+= bits > limit ? 1 : 0 }
        sink.append(index: index, exceeded: exceeded)
    }

    /// The bit pattern of 1.0 in the precision `Bits` stores.
    @inline(__always)
    private static func oneBits<Bits: FixedWidthInteger>(_: Bits.Type) -> Bits {
        Bits.bitWidth == 16 ? Bits(truncatingIfNeeded: Float16(1).bitPattern) : Bits(truncatingIfNeeded: Float(1).bitPattern)
    }

    /// The bit pattern of +infinity in the precision `Bits` stores (above it in magnitude: NaN).
    @inline(__always)
    private static func infinityBits<Bits: FixedWidthInteger>(_: Bits.Type) -> Bits {
        Bits.bitWidth == 16 ? Bits(truncatingIfNeeded: Float16.infinity.bitPattern) : Bits(truncatingIfNeeded: Float.infinity.bitPattern)
    }

    /// The stored value, for messages.
    private static func value<Bits: FixedWidthInteger>(of bits: Bits) -> Double {
        Bits.bitWidth == 16 ? Double(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
                            : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
    }
}

/// The two per-line steps of the scan for one storage precision, on one 64-byte line.
private protocol StoredLines {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    /// Values per 64-byte line.
    static var lanesPerLine: Int { get }
    /// 1 when the bits of some value of the line, read as unsigned, exceed the smallest
    /// threshold's (a value above it, NaN, or a value with the sign bit set), else 0.
    func flag(_ line: UnsafeRawPointer) -> Int
    /// The lanes of the line whose bits exceed the smallest threshold's (values above it,
    /// NaN, negative values), as a mask in lane order.
    func candidates(_ line: UnsafeRawPointer) -> UInt64
}

/// float16: 32 lanes per line.
private struct Float16Lines: StoredLines {
    typealias Bits = UInt16
    static let lanesPerLine = 32
    /// `0x7FFF - limit` in every lane: added to bits <= limit it stays below the sign bit, added
    /// to bits in limit+1...0x7FFF it reaches it.
    let carryVector: SIMD16<Int16>
    /// Added to each lane's low 15 bits, it carries into the lane's top bit exactly when they exceed the limit.
    let add: UInt64

    init(limit: UInt16) {
        carryVector = SIMD16<Int16>(repeating: Int16(bitPattern: 0x7FFF - limit))
        add = UInt64(0x7FFF - limit) &* 0x0001_0001_0001_0001
    }

    @inline(__always)
    func flag(_ line: UnsafeRawPointer) -> Int {
        let low = line.loadUnaligned(as: SIMD16<Int16>.self)
        let high = line.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
        // Sign bit set in a lane: bits above the limit's as unsigned (above the limit, or sign set).
        let signs = unsafeBitCast((low &+ carryVector) | low | (high &+ carryVector) | high, to: SIMD4<UInt64>.self)
        var folded = (signs[0] | signs[1] | signs[2] | signs[3]) & 0x8000_8000_8000_8000
        folded |= folded >> 32
        folded |= folded >> 16
        return Int(truncatingIfNeeded: folded >> 15 & 1)
    }

    @inline(__always)
    func candidates(_ line: UnsafeRawPointer) -> UInt64 {
        var mask: UInt64 = 0
        for word in 0..<8 {
            let value = line.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
            let tops = (((value & 0x7FFF_7FFF_7FFF_7FFF) &+ add | value) & 0x8000_8000_8000_8000) &>> 15
            // Bits 0, 16, 32, 48 to bits 48...51 (the other products land below 48, apart).
            mask |= ((tops &* 0x0001_0002_0004_0008) &>> 48 & 0xF) &<< UInt64(4 * word)
        }
        return mask
    }
}

/// float32: 16 lanes per line.
private struct Float32Lines: StoredLines {
    typealias Bits = UInt32
    static let lanesPerLine = 16
    let carryVector: SIMD16<Int32>
    let add: UInt64

    init(limit: UInt32) {
        carryVector = SIMD16<Int32>(repeating: Int32(bitPattern: 0x7FFF_FFFF - limit))
        add = UInt64(0x7FFF_FFFF - limit) &* 0x0000_0001_0000_0001
    }

    @inline(__always)
    func flag(_ line: UnsafeRawPointer) -> Int {
        let value = line.loadUnaligned(as: SIMD16<Int32>.self)
        // Sign bit set in a lane: bits above the limit's as unsigned (above the limit, or sign set).
        let signs = unsafeBitCast((value &+ carryVector) | value, to: SIMD8<UInt64>.self)
        let pairs = signs.lowHalf | signs.highHalf
        var folded = (pairs[0] | pairs[1] | pairs[2] | pairs[3]) & 0x8000_0000_8000_0000
        folded |= folded >> 32
        return Int(truncatingIfNeeded: folded >> 31 & 1)
    }

    @inline(__always)
    func candidates(_ line: UnsafeRawPointer) -> UInt64 {
        var mask: UInt64 = 0
        for word in 0..<8 {
            let value = line.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
            let tops = ((value & 0x7FFF_FFFF_7FFF_FFFF) &+ add | value) & 0x8000_0000_8000_0000
            mask |= (tops &>> 31 & 1 | tops &>> 62) &<< UInt64(2 * word)
        }
        return mask
    }
}
