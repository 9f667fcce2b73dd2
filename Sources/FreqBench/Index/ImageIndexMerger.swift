import Foundation

/// Merges image index shards (built with `--shard I/N`, or from different probability files)
/// into one index, list by list, so memory holds one merged list at a time.
///
/// Shards must agree on precision, thresholds and tags. A sample id found in two shards is an
/// error (naming the id and the shards) unless duplicates are allowed. The result is
/// byte-identical to a single build over the same rows.
public enum ImageIndexMerger {
    public static func merge(_ shardDirectories: [URL], to output: URL, allowDuplicateIDs: Bool = false) throws {
        guard !shardDirectories.isEmpty else { throw FreqBenchError("no image index shards to merge") }
        try IndexKind.checkOutput(output)   // before the long part
        let shards = try shardDirectories.map { try ImageIndex.open($0) }
        let first = shards[0]
        for shard in shards.dropFirst() {
            guard shard.precision == first.precision else {
                throw FreqBenchError("shard is \(shard.precision.rawValue) but \(first.url.path) is \(first.precision.rawValue)", file: shard.url.path)
            }
            guard shard.thresholds == first.thresholds else {
                throw FreqBenchError("shard has thresholds \(shard.thresholds.map(\.label)) but \(first.url.path) has \(first.thresholds.map(\.label))", file: shard.url.path)
            }
            guard shard.tags == first.tags else {
                throw FreqBenchError("shard has a different tag list than \(first.url.path)", file: shard.url.path)
            }
        }
        let allowed = allowDuplicateIDs || shards.contains { $0.duplicateIDsAllowed }
        let layout = ImageIndexLayout(precision: first.precision, thresholds: first.thresholds, tags: first.tags,
                                      sampleCount: shards.reduce(0) { $0 + $1.sampleCount }, duplicateIDsAllowed: allowed)
        let tagCount = first.tags.count
        let listCount = first.thresholds.count * tagCount
        let sizes = (0..<listCount).map { key in
            shards.reduce(0) { $0 + $1.postingCount(threshold: key / tagCount, tag: key % tagCount) }
        }
        try ImageIndexWriter.write(layout: layout, listSizes: sizes, to: output) { key in
            let t = key / tagCount, j = key % tagCount
            var merged: [UInt32] = []
            merged.reserveCapacity(sizes[key])
            for shard in shards { merged += try shard.postings(threshold: t, tag: j) }
            if !ImagePostings.isSorted(merged) { merged.sort() }
            if !allowed, let repeated = ImagePostings.firstRepeat(merged) {
                let holders = try shards.filter { try $0.postings(threshold: t, tag: j).contains(repeated) }.map(\.url.path)
                throw FreqBenchError(
                    "sample id \(repeated) occurs more than once across shards (\(holders.joined(separator: ", "))); sample ids must be unique across shards (--allow-duplicate-ids counts such a sample as upstream did)")
            }
            return merged[...]
        }
    }
}
