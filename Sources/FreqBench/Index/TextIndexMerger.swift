import Foundation

/// Merges the shard indexes of one sharded build (`--shard I/N` for every I) into the
/// index a single build would have written, byte for byte.
///
/// Shards must come from the same corpus (digest and record count), the same annotator
/// and format, and together be exactly shards 0..<N of N; each shard's content is checked
/// against its digest before merging.
public enum TextIndexMerger {
    /// Merges `shards` (index directories) into `output`. Returns the written header.
    @discardableResult
    public static func merge(_ shards: [URL], into output: URL, progress: ProgressBar? = nil) throws -> TextIndexHeader {
        guard !shards.isEmpty else { throw FreqBenchError("index merge needs at least one shard") }
        let indexes = try shards.map { try TextIndex(directory: $0) }
        try checkCompatible(indexes)
        for index in indexes { try index.verify() }
        let first = indexes[0].header
        var header = TextIndexHeader(recordCount: first.recordCount,
                                     indexedRecordCount: indexes.reduce(0) { $0 + $1.header.indexedRecordCount },
                                     shard: .whole, corpusDigest: first.corpusDigest, annotator: first.annotator)
        header.recordCount = first.recordCount
        return try TextIndexBuilder.writeIndexDirectory(output, header: header) { writer in
            var positions = [Int](repeating: 0, count: indexes.count)
            var current: [(term: String, postings: PostingList)?] = try indexes.map { $0.termCount > 0 ? try $0.entry(at: 0) : nil }
            var merged: [UInt32] = []
            while true {
                // The smallest current term in byte order, and every shard that has it.
                var smallest: String?
                for case let entry? in current {
                    if let candidate = smallest, !entry.term.utf8.lexicographicallyPrecedes(candidate.utf8) { continue }
                    smallest = entry.term
                }
                guard let term = smallest else { break }
                merged.removeAll(keepingCapacity: true)
                for shard in indexes.indices {
                    guard let entry = current[shard], entry.term == term else { continue }
                    merged.append(contentsOf: entry.postings.decoded())
                    positions[shard] += 1
                    current[shard] = positions[shard] < indexes[shard].termCount ? try indexes[shard].entry(at: positions[shard]) : nil
                }
                merged.sort()   // N sorted runs: the stable sort merges them
                for k in merged.indices.dropFirst() where merged[k] == merged[k - 1] {
                    throw FreqBenchError("shards overlap: record \(merged[k]) has term '\(term)' in two shards",
                                         file: shards[0].path)
                }
                try merged.withUnsafeBufferPointer { try writer.append(term: term, ids: $0) }
                progress?.advance()
            }
        }
    }

    /// Refuses shards that do not belong to one build, naming the offending directory.
    static func checkCompatible(_ indexes: [TextIndex]) throws {
        let first = indexes[0].header
        let firstPath = indexes[0].directory.path
        var seen = Set<Int>()
        for index in indexes {
            let header = index.header
            let path = index.directory.path
            if header.corpusDigest != first.corpusDigest || header.recordCount != first.recordCount {
                throw FreqBenchError("incompatible shard: corpus digest \(SHA256.hex(bytes: header.corpusDigest).prefix(16))… "
                    + "(\(header.recordCount) records) differs from \(firstPath) "
                    + "(\(SHA256.hex(bytes: first.corpusDigest).prefix(16))…, \(first.recordCount) records)", file: path)
            }
            if header.annotator != first.annotator {
                throw FreqBenchError("incompatible shard: annotator \(header.annotator) differs from \(first.annotator) of \(firstPath)",
                                     file: path)
            }
            if header.shard.count != first.shard.count {
                throw FreqBenchError("incompatible shard: shard \(header.shard) is not one of \(first.shard.count) like \(firstPath)",
                                     file: path)
            }
            if !seen.insert(header.shard.index).inserted {
                throw FreqBenchError("shard \(header.shard) given twice", file: path)
            }
        }
        let missing = (0..<first.shard.count).filter { !seen.contains($0) }
        if !missing.isEmpty {
            throw FreqBenchError("incomplete shard set: missing shard(s) "
                + missing.prefix(10).map { "\($0)/\(first.shard.count)" }.joined(separator: ", "), file: firstPath)
        }
    }
}
