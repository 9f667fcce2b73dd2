/// Encodes the concatenation of several posting lists whose ids follow each other (every id
/// of a list above every id of the lists before it: the lists of one term in range shards)
/// as one list, without holding it whole.
///
/// The encoding (`PostingsCodec`) starts with every block's first id and width, so the ids
/// are decoded twice, a chunk at a time: once for the block headers, once for the packed
/// gaps. Memory is one chunk plus 5 bytes per 128 ids for the headers. Short lists, the
/// common case, are decoded once into memory and encoded as usual: same bytes either way.
struct PostingsConcatenation {
    /// Lists of up to this many ids in total are concatenated in memory.
    static let inMemoryLimit = 1 << 23
    /// Ids decoded at a time (a multiple of the block size).
    static let chunkIDs = 1 << 20

    let runs: [PostingList]
    /// Total ids.
    let count: Int

    init(runs: [PostingList]) {
        self.runs = runs
        count = runs.reduce(0) { $0 + $1.count }
    }

    /// Hands the encoding, in pieces, to `emit`. Throws when a list does not start above the
    /// previous list's last id (shards out of order or overlapping).
    func encode(scratch: inout [UInt32], output: inout [UInt8], emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if count <= Self.inMemoryLimit {
            if scratch.count < count { scratch = [UInt32](repeating: 0, count: count) }
            try scratch.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var filled = 0
                for run in runs {
                    try run.decode(into: base + filled)
                    if filled > 0, base[filled] <= base[filled - 1] { throw Self.orderError(base[filled - 1], base[filled]) }
                    filled += run.count
                }
                output.removeAll(keepingCapacity: true)
                PostingsCodec.encode(UnsafeBufferPointer(start: base, count: count), into: &output)
            }
            try output.withUnsafeBytes { try emit($0) }
            return
        }
        var firsts: [UInt32] = []
        var widths: [UInt8] = []
        firsts.reserveCapacity(PostingsCodec.blockCount(count))
        widths.reserveCapacity(PostingsCodec.blockCount(count))
        try forEachChunk(scratch: &scratch) { ids in
            PostingsCodec.appendBlockHeaders(ids, firsts: &firsts, widths: &widths)
        }
        try firsts.withUnsafeBytes { try emit($0) }   // little-endian hosts (PostingsCodec checks)
        try widths.withUnsafeBytes { try emit($0) }
        var block = 0
        try widths.withUnsafeBufferPointer { allWidths in
            try forEachChunk(scratch: &scratch) { ids in
                let blocks = PostingsCodec.blockCount(ids.count)
                output.removeAll(keepingCapacity: true)
                PostingsCodec.packGaps(ids, widths: UnsafeBufferPointer(rebasing: allWidths[block..<(block + blocks)]), into: &output)
                block += blocks
                try output.withUnsafeBytes { try emit($0) }
            }
        }
    }

    /// Calls `body` with the concatenated ids in chunks of `chunkIDs` (the last may be shorter).
    private func forEachChunk(scratch: inout [UInt32], _ body: (UnsafeBufferPointer<UInt32>) throws -> Void) throws {
        let capacity = Self.chunkIDs + PostingsCodec.blockSize
        if scratch.count < capacity { scratch = [UInt32](repeating: 0, count: capacity) }
        try scratch.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var filled = 0
            var last: UInt32?
            for run in runs {
                var packedOffset = 0
                for block in 0..<run.blockCount {
                    let length = run.blockLength(block)
                    let width = run.width(ofBlock: block)
                    let lastID = PostingsCodec.decodeBlock(first: run.firstId(ofBlock: block), width: width, count: length,
                                                           data: run.packedData + packedOffset, into: base + filled)
                    guard lastID <= UInt64(UInt32.max) else {
                        throw FreqBenchError("corrupted text index: the ids of block \(block) of a list overflow 32 bits")
                    }
                    packedOffset += PostingsCodec.packedBytes(count: length, width: width)
                    if block == 0, let last, base[filled] <= last { throw Self.orderError(last, base[filled]) }
                    last = base[filled + length - 1]
                    filled += length
                    if filled >= Self.chunkIDs {
                        try body(UnsafeBufferPointer(start: base, count: Self.chunkIDs))
                        let rest = filled - Self.chunkIDs
                        if rest > 0 { (base).update(from: base + Self.chunkIDs, count: rest) }
                        filled = rest
                    }
                }
            }
            if filled > 0 { try body(UnsafeBufferPointer(start: base, count: filled)) }
        }
    }

    private static func orderError(_ previous: UInt32, _ next: UInt32) -> FreqBenchError {
        FreqBenchError("shards overlap or are out of order: id \(next) follows id \(previous)")
    }
}
