import Collections
import Foundation

/// Merges the shard indexes of one sharded build into the index a single build would have
/// written, byte for byte.
///
/// Shards must come from the same corpus (digest and record count), the same annotator
/// and format, and together be exactly shards 0..<N of N; each shard's content is checked
/// against its digest before merging. Range shards (a plan's: `index text --plan P --shard I`)
/// hold disjoint, consecutive id ranges, so each term's lists are concatenated in shard
/// order, streaming: memory stays bounded whatever the index size (`PostingsConcatenation`;
/// terms are met in order through a heap of shard cursors, and the writer spills its
/// dictionary). Modulo shards (`--shard I/N`) interleave ids, so each term's lists are decoded
/// and sorted together (memory: the longest merged list).
public enum TextIndexMerger {
    /// Merges `shards` (index directories) into `output`. Returns the written header.
    @discardableResult
    public static func merge(_ shards: [URL], into output: URL, progress: ProgressBar? = nil) throws -> TextIndexHeader {
        guard !shards.isEmpty else { throw FreqBenchError("index merge needs at least one shard") }
        try IndexKind.checkOutput(output)   // before the long part
        let opened = try shards.map { try TextIndex(directory: $0) }
        try checkCompatible(opened)
        // Version 3 shards are checked as they are read (header, dictionary and every list have
        // CRC32Cs, and the merge reads every list); older ones have only the body digest.
        for index in opened where index.header.version < 3 { try index.verify() }
        // Plan shards: a file whose records were all bad in every shard that read it.
        try ShardCompletion.checkEveryFileHasGoodRecords(shards.compactMap { ShardCompletion.read(in: $0) })
        // Shard order is id order for range shards.
        let indexes = opened.sorted { $0.header.shard.index < $1.header.shard.index }
        let first = indexes[0].header
        let concatenate = first.isRangeShard
        let header = TextIndexHeader(recordCount: first.recordCount,
                                     indexedRecordCount: indexes.reduce(0) { $0 + $1.header.indexedRecordCount },
                                     shard: .whole, corpusDigest: first.corpusDigest, annotator: first.annotator)
        // Source ids (`--id-column`): every shard has them or none; range shards concatenate.
        let sourceIDFiles = indexes.map { $0.directory.appendingPathComponent(SourceIDs.fileName) }
        let withSourceIDs = sourceIDFiles.filter { FileManager.default.fileExists(atPath: $0.path) }
        if !withSourceIDs.isEmpty, withSourceIDs.count != indexes.count || !concatenate {
            throw FreqBenchError("some shards have source ids (\(SourceIDs.fileName)) and others do not, or they are not range shards",
                                 file: withSourceIDs[0].deletingLastPathComponent().path)
        }
        let tables = try withSourceIDs.map { try SourceIDs.Table(url: $0) }
        return try TextIndexBuilder.writeIndexDirectory(output, header: header, finishing: { temporary in
            guard !tables.isEmpty else { return }
            try SourceIDs.merge(tables, into: temporary.appendingPathComponent(SourceIDs.fileName), directory: temporary)
        }) { writer in
            var heap = Heap<TermCursor>()
            var positions = [Int](repeating: 0, count: indexes.count)
            for shard in indexes.indices where indexes[shard].termCount > 0 {
                heap.insert(TermCursor(key: try indexes[shard].rawEntry(at: 0).key, shard: shard))
            }
            var group: [PostingList] = []
            var scratch: [UInt32] = []
            var output: [UInt8] = []
            var merged: [UInt32] = []
            var postingsSinceRelease = 0
            while let smallest = heap.popMin() {
                // Every shard that has this term, in shard order (the heap breaks ties by shard).
                let key = smallest.key
                group.removeAll(keepingCapacity: true)
                var cursor: TermCursor? = smallest
                while let current = cursor {
                    let shard = current.shard
                    group.append(try indexes[shard].rawEntry(at: positions[shard]).postings)
                    positions[shard] += 1
                    if positions[shard] < indexes[shard].termCount {
                        heap.insert(TermCursor(key: try indexes[shard].rawEntry(at: positions[shard]).key, shard: shard))
                    }
                    if let next = heap.min, next.key.elementsEqual(key) { cursor = heap.popMin() } else { cursor = nil }
                }
                if concatenate {
                    let concatenation = PostingsConcatenation(runs: group)
                    do {
                        try writer.append(termBytes: key, count: concatenation.count) { emit in
                            try concatenation.encode(scratch: &scratch, output: &output, emit: emit)
                        }
                    } catch let error as FreqBenchError where error.file == nil {
                        throw FreqBenchError("\(error.message) in term '\(String(decoding: key, as: UTF8.self))'", file: shards[0].path)
                    }
                } else {
                    merged.removeAll(keepingCapacity: true)
                    for list in group { merged.append(contentsOf: try list.decoded()) }
                    merged.sort()   // N sorted runs
                    for k in merged.indices.dropFirst() where merged[k] == merged[k - 1] {
                        throw FreqBenchError("shards overlap: record \(merged[k]) has term '\(String(decoding: key, as: UTF8.self))' in two shards",
                                             file: shards[0].path)
                    }
                    try merged.withUnsafeBufferPointer { try writer.append(termBytes: key, ids: $0) }
                }
                // Every 32M postings, the shards' pages read so far leave resident memory.
                postingsSinceRelease += group.reduce(0) { $0 + $1.count }
                if postingsSinceRelease >= 1 << 25 {
                    postingsSinceRelease = 0
                    for shard in indexes.indices { indexes[shard].releasePostingPages(before: positions[shard]) }
                }
                progress?.advance()
            }
        }
    }

    /// Refuses shards that do not belong to one build, naming the offending directory.
    static func checkCompatible(_ indexes: [TextIndex]) throws {
        let first = indexes[0].header
        let firstPath = indexes[0].directory.path
        var seen: [Int: String] = [:]
        for index in indexes {
            let header = index.header
            let path = index.directory.path
            if header.corpusDigest != first.corpusDigest || header.recordCount != first.recordCount {
                throw FreqBenchError("incompatible shard (another corpus or plan): corpus digest "
                    + "\(SHA256.hex(bytes: header.corpusDigest).prefix(16))… (\(header.recordCount) records) differs from \(firstPath) "
                    + "(\(SHA256.hex(bytes: first.corpusDigest).prefix(16))…, \(first.recordCount) records)", file: path)
            }
            if header.annotator != first.annotator {
                throw FreqBenchError("incompatible shard: annotator \(header.annotator) differs from \(first.annotator) of \(firstPath)",
                                     file: path)
            }
            if header.isRangeShard != first.isRangeShard {
                throw FreqBenchError("incompatible shard: \(header.shardDescription) cannot be merged with \(first.shardDescription) of \(firstPath)"
                    + " (range shards of a plan and id-mod-N shards do not mix)", file: path)
            }
            if header.shard.count != first.shard.count {
                throw FreqBenchError("incompatible shard: shard \(header.shard) is not one of \(first.shard.count) like \(firstPath)",
                                     file: path)
            }
            if let other = seen[header.shard.index] {
                throw FreqBenchError("shard \(header.shard) given twice (also \(other))", file: path)
            }
            seen[header.shard.index] = path
        }
        let missing = (0..<first.shard.count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            throw FreqBenchError("incomplete shard set: missing shard(s) "
                + missing.prefix(10).map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")
                + (missing.count > 10 ? " and \(missing.count - 10) more" : ""), file: firstPath)
        }
        guard first.isRangeShard else { return }
        // Range shards must tile 0..<recordCount in shard order.
        var expectedStart = 0
        for index in indexes.sorted(by: { $0.header.shard.index < $1.header.shard.index }) {
            let range = index.header.idRange
            guard range.lowerBound == expectedStart else {
                throw FreqBenchError("shard \(index.header.shardDescription) does not start where the shard before it ends "
                    + "(id \(expectedStart)): overlapping or foreign shard", file: index.directory.path)
            }
            expectedStart = range.upperBound
        }
        guard expectedStart == first.recordCount else {
            throw FreqBenchError("shards end at id \(expectedStart), the corpus has \(first.recordCount) records", file: firstPath)
        }
    }
}

/// A shard's next term in a merge: ordered by the term's bytes, then by shard.
private struct TermCursor: Comparable {
    let key: UnsafeRawBufferPointer
    let shard: Int

    static func < (lhs: TermCursor, rhs: TermCursor) -> Bool {
        let common = min(lhs.key.count, rhs.key.count)
        if common > 0, let left = lhs.key.baseAddress, let right = rhs.key.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 }
        }
        if lhs.key.count != rhs.key.count { return lhs.key.count < rhs.key.count }
        return lhs.shard < rhs.shard
    }

    static func == (lhs: TermCursor, rhs: TermCursor) -> Bool { lhs.shard == rhs.shard && lhs.key.elementsEqual(rhs.key) }
}
