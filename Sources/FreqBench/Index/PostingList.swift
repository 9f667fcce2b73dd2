/// The sorted caption ids of one term, read in place from a memory-mapped index
/// (encoding: `PostingsCodec`). Valid while its `TextIndex` is alive.
public struct PostingList: @unchecked Sendable {
    /// Number of ids (the term's document frequency).
    public let count: Int
    public let blockCount: Int
    private let firstIds: UnsafeRawPointer
    private let widths: UnsafePointer<UInt8>
    private let packed: UnsafeRawPointer

    /// `bytes` must hold the whole encoded list plus `PostingsCodec.readPadding` bytes;
    /// `TextIndex` checks the sizes before making one.
    init(count: Int, bytes: UnsafeRawPointer) {
        self.count = count
        self.blockCount = PostingsCodec.blockCount(count)
        self.firstIds = bytes
        self.widths = (bytes + 4 * blockCount).assumingMemoryBound(to: UInt8.self)
        self.packed = bytes + 5 * blockCount
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

    /// Decodes all ids into `output`, which must have room for `count` ids.
    public func decode(into output: UnsafeMutablePointer<UInt32>) {
        var offset = 0
        for block in 0..<blockCount {
            let length = blockLength(block)
            let width = Int(widths[block])
            PostingsCodec.decodeBlock(first: firstId(ofBlock: block), width: width, count: length,
                                      data: packed + offset, into: output + block * PostingsCodec.blockSize)
            offset += PostingsCodec.packedBytes(count: length, width: width)
        }
    }

    /// All ids as an array.
    public func decoded() -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { decode(into: base) }
            initialized = count
        }
    }

    /// A cursor that decodes one block at a time, for probing a long list with few ids.
    public func makeProbe() -> PostingProbe { PostingProbe(list: self, packed: packed) }
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

    /// Whether `id` is in the list. Successive calls must pass non-decreasing ids.
    public mutating func contains(_ id: UInt32) -> Bool {
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
            buffer.withUnsafeMutableBufferPointer { output in
                if let base = output.baseAddress {
                    PostingsCodec.decodeBlock(first: first, width: width, count: length, data: data, into: base)
                }
            }
            position = 0
        }
        while position < length && buffer[position] < id { position += 1 }
        return position < length && buffer[position] == id
    }
}
