import Foundation

/// Tag hits in arrival (file) order, turned at the end into the threshold-major posting lists
/// of an image index.
///
/// Columns are split into up to 64 contiguous ranges ("buckets"). Appending writes one packed
/// word (column << 40 | id << 8 | thresholds exceeded) to the end of its bucket's chain of
/// 32 KB chunks: 64 write fronts stay in the L1 cache while the probabilities stream through,
/// so the scanning thread pays almost nothing. `postings()` then works bucket by bucket, on
/// `parts` threads (the reading thread is idle by then): it counts each column's hits per
/// number of thresholds exceeded, sets every list's place, and for each bucket (a few hundred
/// KB, cache-resident) groups its hits by column in arrival order and copies each column's
/// group once per threshold into that list, without branches. The result does not depend on
/// `parts`. Memory: 8 bytes per hit held plus one partly filled chunk per bucket, and the lists
/// (4 bytes per posting) while `postings()` runs.
struct TagHitColumns {
    /// Columns (tags); < 2^24.
    let width: Int
    /// Number of thresholds; a hit exceeds 1...thresholdCount of them (< 256).
    let thresholdCount: Int
    /// Hits held.
    private(set) var count = 0

    private static let chunkEntries = 4096
    /// First column of each bucket, and `width` at the end.
    private let bucketStart: [Int]
    /// Per bucket: its chunks in order.
    private var chunks: [[UnsafeMutablePointer<UInt64>]]
    private let storage: Storage

    /// Owns the memory: chunks (in 2 MiB slabs advised for huge pages, reused after
    /// `removeAll()`) and the per-bucket write fronts, read on every append.
    private final class Storage {
        let bucketOfColumn: UnsafeMutablePointer<UInt8>
        /// Per bucket: where the next hit goes, and the room left in its last chunk.
        let fronts: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
        let room: UnsafeMutablePointer<Int>
        let sentinel: UnsafeMutablePointer<UInt64>
        var slabs: [UnsafeMutableRawPointer] = []
        var free: [UnsafeMutablePointer<UInt64>] = []
        var unused = 0 // chunks not yet handed out in the last slab

        init(bucketOfColumn: [UInt8], buckets: Int) {
            self.bucketOfColumn = .allocate(capacity: max(1, bucketOfColumn.count))
            self.bucketOfColumn.initialize(from: bucketOfColumn, count: bucketOfColumn.count)
            room = .allocate(capacity: buckets)
            room.initialize(repeating: 0, count: buckets)
            // Never written through: a bucket with no room starts a chunk first.
            sentinel = .allocate(capacity: 1)
            fronts = .allocate(capacity: buckets)
            fronts.initialize(repeating: sentinel, count: buckets)
        }

        func take() -> UnsafeMutablePointer<UInt64> {
            if let chunk = free.popLast() { return chunk }
            let chunksPerSlab = HugePages.size / (TagHitColumns.chunkEntries * 8)
            if unused == 0 {
                slabs.append(HugePages.allocate(byteCount: HugePages.size))
                unused = chunksPerSlab
            }
            unused -= 1
            guard let slab = slabs.last else { preconditionFailure("no slab") }
            return (slab + (chunksPerSlab - 1 - unused) * TagHitColumns.chunkEntries * 8).assumingMemoryBound(to: UInt64.self)
        }

        deinit {
            slabs.forEach { $0.deallocate() }
            bucketOfColumn.deallocate()
            fronts.deallocate()
            room.deallocate()
            sentinel.deallocate()
        }
    }

    init(width: Int, thresholdCount: Int) {
        self.width = width
        self.thresholdCount = thresholdCount
        let buckets = max(1, min(64, width))
        bucketStart = (0...buckets).map { $0 * width / buckets }
        var bucketOfColumn = [UInt8](repeating: 0, count: width)
        for bucket in 0..<buckets {
            for column in bucketStart[bucket]..<bucketStart[bucket + 1] { bucketOfColumn[column] = UInt8(bucket) }
        }
        storage = Storage(bucketOfColumn: bucketOfColumn, buckets: buckets)
        chunks = Array(repeating: [], count: buckets)
    }

    /// Appends sample `id` to `column`'s hits (column < `width`), exceeding the first `exceeded`
    /// thresholds (>= 1).
    @inline(__always)
    mutating func append(column: Int, id: UInt32, exceeded: Int) {
        let bucket = Int(storage.bucketOfColumn[column])
        if storage.room[bucket] == 0 { startChunk(bucket) }
        storage.fronts[bucket].pointee = UInt64(truncatingIfNeeded: column) << 40 | UInt64(id) << 8 | UInt64(truncatingIfNeeded: exceeded)
        storage.fronts[bucket] += 1
        storage.room[bucket] &-= 1
        count &+= 1
    }

    private mutating func startChunk(_ bucket: Int) {
        let chunk = storage.take()
        chunks[bucket].append(chunk)
        storage.fronts[bucket] = chunk
        storage.room[bucket] = Self.chunkEntries
    }

    /// Forgets all hits (keeping the memory for the next ones).
    mutating func removeAll() {
        for bucket in chunks.indices {
            storage.free.append(contentsOf: chunks[bucket].reversed())
            chunks[bucket].removeAll(keepingCapacity: true)
            storage.room[bucket] = 0
        }
        count = 0
    }

    /// The hits in `chunks` in arrival order (`lastUsed` entries of the last chunk).
    @inline(__always)
    private static func forEachHit(_ chunks: [UncheckedConstBuffer<UInt64>], lastUsed: Int, _ body: (UInt64) -> Void) {
        for (number, chunk) in chunks.enumerated() {
            guard let entries = chunk.base else { continue }
            let used = number == chunks.count - 1 ? lastUsed : chunkEntries
            for slot in 0..<used { body(entries[slot]) }
        }
    }

    /// The threshold-major lists (list `t * width + c`: the ids of column `c`'s hits that
    /// exceed more than `t` thresholds, in arrival order) and their `thresholdCount * width + 1`
    /// boundaries, computed on `parts` threads.
    func postings(parts requestedParts: Int = TagHitColumns.defaultParts) -> (ids: [UInt32], offsets: [Int]) {
        let buckets = chunks.count
        let parts = max(1, min(requestedParts, buckets, count / 65_536 + 1))
        let width = width, thresholdCount = thresholdCount, levels = thresholdCount + 1
        let bucketStart = bucketStart
        // 1. Hits per (column, thresholds exceeded); buckets hold disjoint columns.
        let histogramBuffer = UnsafeMutableBufferPointer<Int>.allocate(capacity: width * levels)
        defer { histogramBuffer.deallocate() }
        histogramBuffer.initialize(repeating: 0)
        let histogram = UncheckedBuffer(base: histogramBuffer.baseAddress)
        let chunkLists = chunks.map { $0.map { UncheckedConstBuffer(base: UnsafePointer($0)) } }
        let lastUsed = (0..<buckets).map { Self.chunkEntries - storage.room[$0] }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            guard let histogram = histogram.base else { return }
            for bucket in stride(from: part, to: buckets, by: parts) {
                Self.forEachHit(chunkLists[bucket], lastUsed: lastUsed[bucket]) { hit in
                    histogram[Int(truncatingIfNeeded: hit >> 40) * levels + Int(truncatingIfNeeded: hit & 0xFF)] &+= 1
                }
            }
        }
        // List (t, c) holds column c's hits exceeding more than t thresholds, i.e. exactly
        // t+1...thresholdCount of them.
        var offsets = [Int](repeating: 0, count: thresholdCount * width + 1)
        var columnSize = [Int](repeating: 0, count: width)
        for threshold in 0..<thresholdCount {
            for column in 0..<width {
                var size = 0
                for exceeded in (threshold + 1)..<levels { size += histogramBuffer[column * levels + exceeded] }
                offsets[threshold * width + column + 1] = size
                if threshold == 0 { columnSize[column] = size }
            }
        }
        for key in 0..<(thresholdCount * width) { offsets[key + 1] += offsets[key] }
        let total = offsets[thresholdCount * width]
        let listBounds = offsets, columnSizes = columnSize
        let largestBucket = (0..<buckets).map { bucket in
            (bucketStart[bucket]..<bucketStart[bucket + 1]).reduce(0) { $0 + columnSizes[$1] }
        }.max() ?? 0

        // 2. Per bucket: group its hits by column (arrival order kept) in a cache-resident
        //    scratch buffer, then copy each column's group once per threshold into that list.
        //    A hit not in a list is written to its part's spare slot past the end (no branch).
        let ids = [UInt32](unsafeUninitializedCapacity: total + parts) { idBuffer, initialized in
            if let base = idBuffer.baseAddress { HugePages.advise(base, byteCount: idBuffer.count * 4) }
            let ids = UncheckedBuffer(base: idBuffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                guard let ids = ids.base else { return }
                let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, largestBucket))
                defer { scratch.deallocate() }
                var cursor = [Int](repeating: 0, count: width / buckets + 2)
                let spare = total + part
                for bucket in stride(from: part, to: buckets, by: parts) {
                    let columns = bucketStart[bucket]..<bucketStart[bucket + 1]
                    var start = 0
                    for column in columns {
                        cursor[column - columns.lowerBound] = start
                        start += columnSizes[column]
                    }
                    Self.forEachHit(chunkLists[bucket], lastUsed: lastUsed[bucket]) { hit in
                        let local = Int(truncatingIfNeeded: hit >> 40) - columns.lowerBound
                        scratch[cursor[local]] = hit & 0xFF_FFFF_FFFF
                        cursor[local] &+= 1
                    }
                    var groupStart = 0
                    for column in columns {
                        let group = groupStart..<(groupStart + columnSizes[column])
                        groupStart = group.upperBound
                        for threshold in 0..<thresholdCount {
                            var position = listBounds[threshold * width + column]
                            for index in group {
                                let entry = scratch[index]
                                // -1 when the hit exceeds at most `threshold` thresholds, else 0.
                                let excluded = (Int(truncatingIfNeeded: entry & 0xFF) &- threshold &- 1) &>> 63
                                ids[position &+ ((spare &- position) & excluded)] = UInt32(truncatingIfNeeded: entry >> 8)
                                position = position &+ 1 &+ excluded
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return (ids, offsets)
    }

    /// Threads for `postings()`: the cores, at most 4.
    static var defaultParts: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }
}
