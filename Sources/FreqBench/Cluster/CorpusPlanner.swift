import Foundation

/// Makes a `CorpusPlan`: one pass over the corpus that counts each file's records (bad
/// records included, as a build numbers them), digests its bytes (SHA-256 per file, for the
/// corpus digest; XXH3-128 per piece, for the shard jobs' check), and cuts the corpus into
/// N contiguous shards balanced by bytes.
///
/// Cut points are the byte positions k·total/N (k = 1..N-1), moved to a file boundary when
/// one lies within 5 % of a shard's share (so shards take whole files where they can), and
/// otherwise to the first record that starts at or after them. WebDataset shards are never
/// split (a cut inside one moves to its nearer end). Records are found, not decoded: the
/// pass runs the readers' own record splitting, so a shard that starts at a cut reads exactly
/// the records a single build reads there.
public enum CorpusPlanner {
    /// The plan of `paths` read with `options`, in `shardCount` shards.
    public static func plan(paths: [URL], options: CorpusOptions, shardCount: Int,
                            progress: ProgressBar? = nil) throws -> CorpusPlan {
        guard shardCount >= 1, shardCount <= 1_000_000 else {
            throw FreqBenchError("--shards must be between 1 and 1000000, got \(shardCount)")
        }
        let reader = try CorpusReader(paths: paths, options: options)   // checks options, expands directories
        let urls = reader.files.map { $0.standardizedFileURL }
        var sizes: [Int] = []
        var times: [Int] = []
        for url in urls {
            let status = try FileStatus(of: url)
            sizes.append(status.size)
            times.append(status.modificationTime)
        }
        var fileStarts: [Int] = [0]
        for size in sizes { fileStarts.append(fileStarts[fileStarts.count - 1] + size) }
        let total = fileStarts[fileStarts.count - 1]
        // WebDataset and compressed files are read whole: cuts inside them move to their ends.
        // (Parquet files are cut between row groups.)
        let wholeFiles = [.wds, .clipRocket].contains(options.format) || urls.contains { DecompressingFile.compression(of: $0) != nil }
        let targets = cutTargets(total: total, shardCount: shardCount, fileStarts: fileStarts, splittable: !wholeFiles)

        var files: [CorpusPlan.File] = []
        var shards: [CorpusPlan.Shard] = []
        var pieces: [CorpusPlan.Piece] = []
        var shardFirstID = 0
        var nextID = 0
        /// Ends the current shard at id `nextID` (its pieces so far) and starts the next.
        func closeShard() {
            shards.append(CorpusPlan.Shard(index: shards.count, idRange: shardFirstID..<nextID, pieces: pieces))
            pieces = []
            shardFirstID = nextID
        }
        for (fileIndex, url) in urls.enumerated() {
            let fileStart = fileStarts[fileIndex], fileEnd = fileStarts[fileIndex + 1]
            // Cuts at this file's start.
            while shards.count < targets.count, targets[shards.count] <= fileStart { closeShard() }
            let source = try CorpusReader.openSource(CorpusPiece(file: url), options: options, countOnly: true)
            let cutsInside = !wholeFiles && shards.count < targets.count && targets[shards.count] < fileEnd
            source.startSegmentDigests()
            let fileFirstID = nextID
            var piece = (start: 0, firstID: nextID, line: 1)
            var sinceProgress = 0
            while let record = try source.next() {
                if case let .bad(error, consumesID) = record {
                    guard options.skipBadRecords else { throw error }
                    if consumesID { nextID += 1 }
                } else {
                    nextID += 1
                }
                sinceProgress += 1
                if sinceProgress == 65_536 { progress?.advance(by: sinceProgress); sinceProgress = 0 }
                guard cutsInside, shards.count < targets.count, let position = source.position,
                      fileStart + position.offset >= targets[shards.count], position.offset < sizes[fileIndex] else { continue }
                pieces.append(CorpusPlan.Piece(file: fileIndex, byteRange: piece.start..<position.offset, firstID: piece.firstID,
                                               records: nextID - piece.firstID, firstLine: piece.line,
                                               checksum: try source.takeSegmentDigest()))
                while shards.count < targets.count, fileStart + position.offset >= targets[shards.count] { closeShard() }
                piece = (position.offset, nextID, position.line)
            }
            progress?.advance(by: sinceProgress)
            let fileDigest = try source.consumedDigest()
            pieces.append(CorpusPlan.Piece(file: fileIndex, byteRange: piece.start..<sizes[fileIndex], firstID: piece.firstID,
                                           records: nextID - piece.firstID, firstLine: piece.line,
                                           checksum: try source.takeSegmentDigest()))
            guard source.bytesRead == sizes[fileIndex] else {
                throw FreqBenchError("corpus file changed while it was planned: read \(source.bytesRead) bytes, its size was \(sizes[fileIndex])",
                                     file: url.path)
            }
            files.append(CorpusPlan.File(path: url, size: sizes[fileIndex], modificationTime: times[fileIndex], sha256: fileDigest,
                                         records: nextID - fileFirstID, firstID: fileFirstID))
        }
        while shards.count < shardCount { closeShard() }
        progress?.finish()
        return CorpusPlan(options: options, files: files, shards: shards)
    }

    /// The N-1 byte positions where shards 1..<N start: k·total/N, moved to a file boundary
    /// within 5 % of a share (any boundary for unsplittable files).
    static func cutTargets(total: Int, shardCount: Int, fileStarts: [Int], splittable: Bool) -> [Int] {
        guard shardCount > 1 else { return [] }
        let share = Double(total) / Double(shardCount)
        var targets: [Int] = []
        for k in 1..<shardCount {
            let ideal = Int((Double(total) * Double(k) / Double(shardCount)).rounded(.down))
            // The nearest file boundary (binary search over the sorted starts).
            var low = 0, high = fileStarts.count - 1
            while low < high {
                let middle = (low + high) / 2
                if fileStarts[middle] < ideal { low = middle + 1 } else { high = middle }
            }
            var nearest = fileStarts[low]
            if low > 0, ideal - fileStarts[low - 1] < nearest - ideal { nearest = fileStarts[low - 1] }
            let near = Double(abs(nearest - ideal)) <= 0.05 * share
            targets.append(near || !splittable ? nearest : ideal)
        }
        // Keep them non-decreasing (snapping can reorder neighbours of tiny shares).
        for k in targets.indices.dropFirst() where targets[k] < targets[k - 1] { targets[k] = targets[k - 1] }
        return targets
    }
}
