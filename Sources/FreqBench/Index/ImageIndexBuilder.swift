import Foundation

/// Builds an image index (tag → sample ids, per threshold) from tag-probability files in one
/// pass over the probabilities, for any number of thresholds at once.
///
/// Files are read in order, in blocks of whole HDF5 chunks (`blockBytes`), so memory holds one
/// block plus the postings. A sample id that occurs twice (in one file or in two) is bad input
/// unless `allowDuplicateIDs` is set, in which case it is kept twice, as upstream's
/// concatenation of shard hits did (image counts count it twice, integrated counts once).
public struct ImageIndexBuilder: Sendable {
    /// Thresholds to index (any order; stored ascending).
    public var thresholds: [TagThreshold]
    /// Keep repeated sample ids instead of failing.
    public var allowDuplicateIDs = false
    /// Build only this shard of the rows of all files together.
    public var shard: RowShard?
    /// Approximate bytes of probabilities read per block (rounded to whole HDF5 chunks).
    public var blockBytes = ImageIndexBuilder.defaultBlockBytes
    /// Small enough that a block stays in the CPU cache between the read and the scan.
    public static let defaultBlockBytes = 1 << 20

    public init(thresholds: [TagThreshold]) {
        self.thresholds = Array(Set(thresholds)).sorted()
    }

    /// Reads `files` (in order; their rows form one sequence for `shard`) and returns the postings.
    public func build(_ files: [URL], progress: ProgressBar? = nil) throws -> ImagePostings {
        guard !files.isEmpty else { throw FreqBenchError("no tag-probability files given") }
        guard !thresholds.isEmpty else { throw FreqBenchError("no thresholds given") }
        let sources = try files.map { try TagProbabilities.open($0) }
        let first = sources[0]
        for source in sources.dropFirst() {
            guard source.precision == first.precision else {
                throw FreqBenchError("probabilities are \(source.precision.rawValue) but \(first.url.path) has \(first.precision.rawValue)",
                                     file: source.url.path, location: "dataset \(TagProbabilities.probabilitiesDataset)")
            }
            guard source.tags == first.tags else {
                throw FreqBenchError("tag list differs from the one in \(first.url.path)",
                                     file: source.url.path, location: "dataset \(TagProbabilities.tagsDataset)")
            }
        }
        let width = first.tags.count
        let totalRows = sources.reduce(0) { $0 + $1.sampleCount }
        let selected = shard?.rows(of: totalRows) ?? 0..<totalRows
        var postings = ImagePostings(precision: first.precision, thresholds: thresholds, tags: first.tags,
                                     sampleCount: selected.count, duplicateIDsAllowed: allowDuplicateIDs)
        let scanner = TagThresholdScanner(thresholds: thresholds, precision: first.precision)
        let maximumBlockRows = sources.map { $0.blockRows(targetBytes: blockBytes) }.max() ?? 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(1, maximumBlockRows * width * first.precision.byteWidth), alignment: 64)
        defer { buffer.deallocate() }
        var hits: [TagThresholdScanner.Hit] = []
        var allHits: [UInt64] = []
        guard width < 1 << 24 else { throw FreqBenchError("more than 2^24 tags", file: first.url.path, location: "dataset tags") }

        var fileStart = 0
        for source in sources {
            let fileRows = fileStart..<(fileStart + source.sampleCount)
            fileStart += source.sampleCount
            let local = selected.clamped(to: fileRows)
            guard !local.isEmpty else { continue }
            let rows = (local.lowerBound - fileRows.lowerBound)..<(local.upperBound - fileRows.lowerBound)
            let step = source.blockRows(targetBytes: blockBytes)
            var start = rows.lowerBound
            while start < rows.upperBound {
                let block = start..<min(start + step, rows.upperBound)
                let ids = try source.readSampleIDs(block)
                try source.readProbabilityBits(block, into: buffer)
                hits.removeAll(keepingCapacity: true)
                try scanner.scan(UnsafeRawBufferPointer(buffer), rows: block.count, width: width, into: &hits) { row, column in
                    FreqBenchError("probability is NaN at row \(block.lowerBound + row), column \(column) (tag '\(source.tags[column])')",
                                   file: source.url.path, location: "dataset \(TagProbabilities.probabilitiesDataset)")
                }
                // Hits in file order, packed (column << 40 | id << 8 | thresholds exceeded);
                // distributed to the tags' lists once at the end (cache-friendly counting sort).
                for hit in hits {
                    let id = UInt64(ids[Int(hit >> 32)])
                    allHits.append((hit >> 8 & 0xFF_FFFF) << 40 | id << 8 | (hit & 0xFF))
                }
                progress?.advance(by: block.count)
                start = block.upperBound
            }
        }
        (postings.ids, postings.offsets) = Self.distribute(allHits, width: width, thresholdCount: thresholds.count)
        allHits = []
        if let duplicate = postings.sortAndFindDuplicate(), !allowDuplicateIDs {
            throw try duplicateError(duplicate, sources: sources)
        }
        return postings
    }

    /// Splits packed hits (column << 40 | id << 8 | thresholds exceeded) into the
    /// threshold-major lists, keeping hit order within a list (the exceeded thresholds of a
    /// hit are a prefix of the ascending thresholds).
    static func distribute(_ hits: [UInt64], width: Int, thresholdCount: Int) -> (ids: [UInt32], offsets: [Int]) {
        let listCount = thresholdCount * width
        var offsets = [Int](repeating: 0, count: listCount + 1)
        for hit in hits {
            let column = Int(hit >> 40)
            for threshold in 0..<Int(hit & 0xFF) { offsets[threshold * width + column + 1] += 1 }
        }
        for key in 0..<listCount { offsets[key + 1] += offsets[key] }
        var next = Array(offsets.dropLast())
        let ids = [UInt32](unsafeUninitializedCapacity: offsets[listCount]) { buffer, initialized in
            for hit in hits {
                let column = Int(hit >> 40)
                let id = UInt32(truncatingIfNeeded: hit >> 8)
                for threshold in 0..<Int(hit & 0xFF) {
                    let key = threshold * width + column
                    buffer[next[key]] = id
                    next[key] += 1
                }
            }
            initialized = offsets[listCount]
        }
        return (ids, offsets)
    }

    /// An error naming where a repeated sample id occurs (read again only on this error path).
    private func duplicateError(_ id: UInt32, sources: [TagProbabilities]) throws -> FreqBenchError {
        var places: [String] = []
        for source in sources {
            let ids = try source.readSampleIDs(0..<source.sampleCount)
            for (row, value) in ids.enumerated() where value == id {
                places.append("\(source.url.lastPathComponent) row \(row)")
            }
        }
        return FreqBenchError(
            "sample id \(id) occurs more than once (\(places.joined(separator: ", "))); sample ids must be unique across all inputs (--allow-duplicate-ids counts such a sample as upstream did)",
            file: sources.count == 1 ? sources[0].url.path : nil,
            location: "dataset \(TagProbabilities.sampleIDsDataset)")
    }
}
