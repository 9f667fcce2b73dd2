/// The sorted caption ids of one term, read in place from a memory-mapped index
/// (encoding: `PostingsCodec`). Valid while its `TextIndex` (or `ImageIndex`) is alive.
///
/// A list read from a file is made with `checked`, which bounds every byte the decoder
/// reads; decoding then checks the ids themselves (strictly ascending, inside the 32-bit
/// range and the index's id range), so a corrupted file gives a `FreqBenchError` naming the
/// file and the list, never a crash or an unsorted list handed to an intersection kernel.
public struct PostingList: @unchecked Sendable {
    /// Number of ids (the term's document frequency).
    public let count: Int
    public let blockCount: Int
    private let firstIds: UnsafeRawPointer
    private let widths: UnsafePointer<UInt8>
    private let packed: UnsafeRawPointer
    /// Where the list comes from, for messages: the index file and e.g. "term 12".
    private let origin: Origin
    /// Ids must lie in `lowestID..<idLimit` (the index's id range).
    private let lowestID: UInt64
    private let idLimit: UInt64

    /// Names the list in errors.
    struct Origin {
        var file: String?
        /// "text" or "image".
        var index: StaticString
        /// "term" or "list".
        var kind: StaticString
        var position: Int
        static let unknown = Origin(file: nil, index: "", kind: "list", position: -1)
    }

    /// `bytes` must hold the whole encoded list plus `PostingsCodec.readPadding` bytes, with
    /// block widths of at most 32 bits: lists this process encoded, or ones `checked` accepted.
    init(count: Int, bytes: UnsafeRawPointer) {
        self.init(count: count, bytes: bytes, origin: .unknown, ids: 0..<(UInt64(UInt32.max) + 1))
    }

    private init(count: Int, bytes: UnsafeRawPointer, origin: Origin, ids: Range<UInt64>) {
        self.count = count
        self.blockCount = PostingsCodec.blockCount(count)
        self.firstIds = bytes
        self.widths = (bytes + 4 * blockCount).assumingMemoryBound(to: UInt8.self)
        self.packed = bytes + 5 * blockCount
        self.origin = origin
        self.lowestID = ids.lowerBound
        self.idLimit = ids.upperBound
    }

    /// A list of `count` ids read from a file: `length` bytes at `bytes` (followed by at least
    /// `PostingsCodec.readPadding` readable bytes), whose ids must lie in `ids`. Throws
    /// "corrupted ... index" naming `file` and the list unless the block table fits in `length`,
    /// every block width is 0...32 and the packed gaps fill exactly `length` bytes.
    static func checked(count: Int, bytes: UnsafeRawPointer, length: Int, ids: Range<UInt64>,
                        file: String, index: StaticString, kind: StaticString, position: Int) throws -> PostingList {
        let origin = Origin(file: file, index: index, kind: kind, position: position)
        let blocks = PostingsCodec.blockCount(count)
        guard count > 0, length >= 5 * blocks else {
            throw origin.error("corrupted \(origin.index) index: a list of \(count) ids cannot fit in \(length) bytes")
        }
        let widths = (bytes + 4 * blocks).assumingMemoryBound(to: UInt8.self)
        var size = 5 * blocks
        for block in 0..<blocks {
            let width = Int(widths[block])
            guard width <= 32 else {
                throw origin.error("corrupted \(origin.index) index: block \(block) has a gap width of \(width) bits (at most 32)")
            }
            let blockCount = block == blocks - 1 ? count - block * PostingsCodec.blockSize : PostingsCodec.blockSize
            size += PostingsCodec.packedBytes(count: blockCount, width: width)
        }
        guard size == length else {
            throw origin.error("corrupted \(origin.index) index: posting list size \(size) does not match its entry (\(length) bytes)")
        }
        return PostingList(count: count, bytes: bytes, origin: origin, ids: ids)
    }

    /// The packed gaps of the blocks, in order.
    var packedData: UnsafeRawPointer { packed }

    /// Encoded size in bytes (computed from the block widths).
    public var encodedSize: Int {
        var size = 5 * blockCount
        for block in 0..<blockCount { size += PostingsCodec.packedBytes(count: blockLength(block), width: Int(widths[block])) }
        return size
    }

    /// The first (smallest) id of `block`.
    @inline(__always)
    public func firstId(ofBlock block: Int) -> UInt32 {
        UInt32(littleEndian: firstIds.loadUnaligned(fromByteOffset: 4 * block, as: UInt32.self))
    }

    @inline(__always)
    func blockLength(_ block: Int) -> Int {
        block == blockCount - 1 ? count - block * PostingsCodec.blockSize : PostingsCodec.blockSize
    }

    @inline(__always)
    func width(ofBlock block: Int) -> Int { Int(widths[block]) }

    /// Decodes all ids into `output`, which must have room for `count` ids. Throws when the
    /// ids are not strictly ascending or leave the index's id range (a corrupted list).
    public func decode(into output: UnsafeMutablePointer<UInt32>) throws {
        var offset = 0
        var floor = lowestID          // every next id must be at least this
        for block in 0..<blockCount {
            let length = blockLength(block)
            let width = Int(widths[block])
            let first = firstId(ofBlock: block)
            guard UInt64(first) >= floor else { throw outOfOrder(block: block) }
            let last = PostingsCodec.decodeBlock(first: first, width: width, count: length,
                                                 data: packed + offset, into: output + block * PostingsCodec.blockSize)
            guard last < idLimit else { throw outOfOrder(block: block) }
            floor = last + 1
            offset += PostingsCodec.packedBytes(count: length, width: width)
        }
    }

    /// All ids as an array.
    public func decoded() throws -> [UInt32] {
        try [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { try decode(into: base) }
            initialized = count
        }
    }

    /// A cursor that decodes one block at a time, for probing a long list with few ids.
    public func makeProbe() -> PostingProbe { PostingProbe(list: self, packed: packed) }

    /// Checks one block decoded alone (by `PostingProbe`): its first id at or above the id
    /// range's start, its last id below the next block's first id and the range's end.
    func checkBlock(_ block: Int, first: UInt32, last: UInt64) throws {
        var end = idLimit
        if block + 1 < blockCount { end = min(end, UInt64(firstId(ofBlock: block + 1))) }
        guard UInt64(first) >= lowestID, last < end else { throw outOfOrder(block: block) }
    }

    private func outOfOrder(block: Int) -> FreqBenchError {
        origin.error("corrupted \(origin.index) index: the ids of block \(block) are not ascending or lie outside \(lowestID)..<\(idLimit)")
    }
}

extension PostingList.Origin {
    func error(_ message: String) -> FreqBenchError {
        FreqBenchError(message, file: file, location: position >= 0 ? "\(kind) \(position)" : nil)
    }
}

/// Answers "is id x in the list?" for ascending x, decoding only the blocks it lands in
/// (found through the first-id skip table).
public struct PostingProbe {
    private let list: PostingList
    private let packed: UnsafeRawPointer
    private var block = -1
    private var blockOffset = 0          // byte offset of `block`'s packed data
    private var nextOffset = 0           // byte offset of the block after it
    private var position = 0
    private var length = 0
    private var buffer = [UInt32](repeating: 0, count: PostingsCodec.blockSize)

    init(list: PostingList, packed: UnsafeRawPointer) {
        self.list = list
        self.packed = packed
    }

    /// Whether `id` is in the list. Successive calls must pass non-decreasing ids. Throws when
    /// a block it decodes is corrupted (see `PostingList.decode`).
    public mutating func contains(_ id: UInt32) throws -> Bool {
        guard list.count > 0, id >= list.firstId(ofBlock: 0) else { return false }
        // Advance to the last block whose first id <= id.
        var target = max(block, 0)
        while target + 1 < list.blockCount && list.firstId(ofBlock: target + 1) <= id { target += 1 }
        if target != block {
            var offset = block < 0 ? 0 : nextOffset
            var current = block < 0 ? 0 : block + 1
            while current < target {
                offset += PostingsCodec.packedBytes(count: list.blockLength(current), width: list.width(ofBlock: current))
                current += 1
            }
            block = target
            blockOffset = offset
            length = list.blockLength(block)
            let width = list.width(ofBlock: block)
            nextOffset = offset + PostingsCodec.packedBytes(count: length, width: width)
            let first = list.firstId(ofBlock: block)
            let data = packed + blockOffset
            let decodedLength = length
            let last = buffer.withUnsafeMutableBufferPointer { output -> UInt64 in
                guard let base = output.baseAddress else { return 0 }
                return PostingsCodec.decodeBlock(first: first, width: width, count: decodedLength, data: data, into: base)
            }
            position = 0
            try list.checkBlock(block, first: first, last: last)
        }
        while position < length && buffer[position] < id { position += 1 }
        return position < length && buffer[position] == id
    }
}
