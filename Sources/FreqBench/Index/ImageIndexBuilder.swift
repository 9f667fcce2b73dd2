import Foundation

/// Builds an image index (tag → sample ids, per threshold) from tag-probability files in one
/// pass over the probabilities, for any number of thresholds at once.
///
/// Files are read in order, in blocks of whole HDF5 chunks (`blockBytes`), so memory holds one
/// block plus the postings. A sample id that occurs twice (in one file or in two, in any rows,
/// whether or not they have tags: `SampleIDUniqueness` checks all of `sample_ids` first) is bad
/// input unless `allowDuplicateIDs` is set, in which case it is kept twice, as upstream's
/// concatenation of shard hits did (image counts count it twice, integrated counts once).
public struct ImageIndexBuilder: Sendable {
    /// Thresholds to index (any order; stored ascending).
    public var thresholds: [TagThreshold]
    /// Keep repeated sample ids instead of failing.
    public var allowDuplicateIDs = false
    /// Read probabilities outside [0, 1] as upstream's `p > h` treated them (NaN and negative
    /// values never tagged, values above 1 and +infinity always) instead of failing.
    public var clampProbabilities = false
    /// Build only this shard of the rows of all files together.
    public var shard: RowShard?
    /// Build only these rows of all files together (a plan's shard; overrides `shard`).
    public var rowRange: Range<Int>?
    /// Approximate bytes of probabilities read per block (rounded to whole HDF5 chunks).
    public var blockBytes = ImageIndexBuilder.defaultBlockBytes
    /// Small enough that a block stays in the CPU cache between the read and the scan.
    public static let defaultBlockBytes = 1 << 20

    public init(thresholds: [TagThreshold]) {
        self.thresholds = Array(Set(thresholds)).sorted()
    }

    /// Hits held in memory before `build(_:to:)` writes them out as a temporary run (a partial
    /// index) to merge at the end, so memory is bounded by this and the block size, not by N:
    /// 8 bytes per hit held, plus 4 per posting (a hit is a posting at each threshold it
    /// exceeds) while a run is turned into lists (default: 16M hits).
    public var hitBudget = 16 << 20

    /// Reads `files` (in order; their rows form one sequence for `shard`) and returns the postings
    /// (all in memory; `build(_:to:)` bounds memory).
    public func build(_ files: [URL], progress: ProgressBar? = nil) throws -> ImagePostings {
        var result: ImagePostings?
        try build(files, budget: Int.max, progress: progress) { result = $0 }
        guard let result else { throw FreqBenchError("internal: no postings built") }
        return result
    }

    /// Reads `files` and writes the index to `directory`. Whenever more than `hitBudget` hits
    /// are held, they are written as a run (a partial index of the rows so far) into a temporary
    /// directory beside `directory`; the runs are merged at the end (`ImageIndexMerger`), which
    /// gives the bytes of a single in-memory build.
    public func build(_ files: [URL], to directory: URL, progress: ProgressBar? = nil) throws {
        try IndexKind.checkOutput(directory)   // before the long part
        let runs = AtomicFile.temporaryURL(for: directory.appendingPathExtension("runs"))
        defer { try? FileManager.default.removeItem(at: runs) }
        var runDirectories: [URL] = []
        var single: ImagePostings?
        try build(files, budget: hitBudget, progress: progress) { postings in
            if runDirectories.isEmpty, single == nil {
                single = postings // written directly if it stays the only run
                return
            }
            if let first = single {
                try ImageIndexWriter.write(first, to: runs.appendingPathComponent("run-0"))
                runDirectories.append(runs.appendingPathComponent("run-0"))
                single = nil
            }
            let run = runs.appendingPathComponent("run-\(runDirectories.count)")
            try ImageIndexWriter.write(postings, to: run)
            runDirectories.append(run)
        }
        if let single {
            try ImageIndexWriter.write(single, to: directory)
        } else {
            try ImageIndexMerger.merge(runDirectories, to: directory, allowDuplicateIDs: allowDuplicateIDs)
        }
    }

    /// The scan: calls `run` with the postings of consecutive row ranges, each time more than
    /// `budget` hits are held and once at the end.
    private func build(_ files: [URL], budget: Int, progress: ProgressBar?, run: (ImagePostings) throws -> Void) throws {
        guard !files.isEmpty else { throw FreqBenchError("no tag-probability files given") }
        guard !thresholds.isEmpty else { throw FreqBenchError("no thresholds given") }
        guard thresholds.count < 256 else { throw FreqBenchError("\(thresholds.count) thresholds given; at most 255 are indexed at once") }
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
        // The ids themselves, all rows of all files (a shard's too: a repeat may lie in another
        // shard's rows), before the long scan; independent of which rows have tags.
        if !allowDuplicateIDs, let repeated = try SampleIDUniqueness.firstRepeat(in: sources) {
            throw try duplicateError(repeated, sources: sources)
        }
        let width = first.tags.count
        let totalRows = sources.reduce(0) { $0 + $1.sampleCount }
        let selected = rowRange?.clamped(to: 0..<totalRows) ?? shard?.rows(of: totalRows) ?? 0..<totalRows
        var runRows = 0
        var emitted = false
        var columns = TagHitColumns(width: width, thresholdCount: thresholds.count)
        var lastID: UInt32?
        var idsIncrease = true
        var stopReading: () -> Void = {}
        /// Hands the hits so far to `run` as postings of the rows read since the last run.
        func emit() throws {
            guard runRows > 0 || !emitted else { return }
            var postings = ImagePostings(precision: first.precision, thresholds: thresholds, tags: first.tags,
                                         sampleCount: runRows, duplicateIDsAllowed: allowDuplicateIDs)
            (postings.ids, postings.offsets) = columns.postings()
            columns.removeAll()
            if !idsIncrease, let duplicate = postings.sortAndFindDuplicate(), !allowDuplicateIDs {
                stopReading() // libhdf5 is not thread-safe: no read beside the reader's
                throw try duplicateError(duplicate, sources: sources)
            }
            try run(postings)
            runRows = 0
            emitted = true
        }
        let scanner = TagThresholdScanner(thresholds: thresholds, precision: first.precision, clamp: clampProbabilities)
        guard width < 1 << 24 else { throw FreqBenchError("more than 2^24 tags", file: first.url.path, location: "dataset tags") }
        // The reads: whole chunks of each file's share of the selected rows, in order.
        var plans: [TagProbabilityBlockReader.Plan] = []
        var fileStart = 0
        for (number, source) in sources.enumerated() {
            let fileRows = fileStart..<(fileStart + source.sampleCount)
            fileStart += source.sampleCount
            let local = selected.clamped(to: fileRows)
            guard !local.isEmpty else { continue }
            let rows = (local.lowerBound - fileRows.lowerBound)..<(local.upperBound - fileRows.lowerBound)
            let step = source.blockRows(targetBytes: blockBytes)
            var start = rows.lowerBound
            while start < rows.upperBound {
                plans.append(.init(source: number, rows: start..<min(start + step, rows.upperBound)))
                start += step
            }
        }
        let maximumBlockRows = sources.map { $0.blockRows(targetBytes: blockBytes) }.max() ?? 1
        let reader = TagProbabilityBlockReader(sources: sources, plans: plans,
                                               bufferBytes: maximumBlockRows * width * first.precision.byteWidth)
        defer { reader.finish() }
        stopReading = reader.finish
        // Room for every value of the largest block (pages are touched only as hits are written).
        let hits = UnsafeMutableBufferPointer<TagThresholdScanner.Hit>.allocate(capacity: max(1, maximumBlockRows * width))
        defer { hits.deallocate() }
        while let block = try reader.next() {
            let source = sources[block.plan.source]
            let rows = block.plan.rows
            let found = try scanner.scan(block.bits, rows: rows.count, width: width, into: hits) { row, column, value in
                Self.invalidProbability(value, row: rows.lowerBound + row, column: column, source: source)
            }
            // Hits in file order, grouped by tag as they come (the reader is reading meanwhile).
            block.ids.withUnsafeBufferPointer { ids in
                for hit in hits[..<found] {
                    columns.append(column: Int(hit >> 8 & 0xFF_FFFF), id: ids[Int(hit >> 32)], exceeded: Int(hit & 0xFF))
                }
            }
            // Strictly increasing ids make every list sorted and free of repeats.
            for id in block.ids {
                if let lastID, id <= lastID { idsIncrease = false }
                lastID = id
            }
            reader.recycle()
            progress?.advance(by: rows.count)
            runRows += rows.count
            if columns.count > budget { try emit() }
        }
        try emit()
    }

    /// The error for a probability outside [0, 1], naming the file, row, column and tag.
    static func invalidProbability(_ value: Double, row: Int, column: Int, source: TagProbabilities) -> FreqBenchError {
        let what = value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-infinity" : "+infinity")
            : value < 0 ? "negative (\(value))" : "above 1 (\(value))"
        return FreqBenchError(
            "probability is \(what) at row \(row), column \(column) (tag '\(source.tags[column])'); expected a number in [0, 1] "
                + "(--clamp-probabilities reads NaN and negative values as 0 and values above 1 as 1, as upstream's p > h did)",
            file: source.url.path, location: "dataset \(TagProbabilities.probabilitiesDataset)")
    }

    /// An error naming where a repeated sample id occurs (read again only on this error path).
    private func duplicateError(_ id: UInt32, sources: [TagProbabilities]) throws -> FreqBenchError {
        var places: [String] = []
        for source in sources {
            var start = 0
            while start < source.sampleCount, places.count < 10 {
                let end = min(start + SampleIDUniqueness.chunkRows, source.sampleCount)
                for (offset, value) in try source.readSampleIDs(start..<end).enumerated() where value == id && places.count < 10 {
                    places.append("\(source.url.lastPathComponent) row \(start + offset)")
                }
                start = end
            }
        }
        return FreqBenchError(
            "sample id \(id) occurs more than once (\(places.joined(separator: ", "))); sample ids must be unique across all inputs (--allow-duplicate-ids counts such a sample as upstream did)",
            file: sources.count == 1 ? sources[0].url.path : nil,
            location: "dataset \(TagProbabilities.sampleIDsDataset)")
    }
}
