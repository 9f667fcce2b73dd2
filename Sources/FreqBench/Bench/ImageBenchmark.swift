import Foundation

/// `freqbench bench image`: how fast the image index builder reads tag probabilities,
/// as a ratio to reading the same HDF5 dataset into memory and doing nothing with it.
///
/// Both sides read the same blocks of whole chunks into the same buffer; the builder also
/// scans them for every threshold and collects the postings. Runs alternate (baseline,
/// build, baseline, ...) after a warm-up read, and the best time of each side is kept, so
/// the file is in the page cache for both and background load affects both alike.
public struct ImageBenchmark: Sendable {
    public var samples = 200_000
    public var tags = 4_585
    public var precision = TagPrecision.float16
    public var thresholds: [TagThreshold]
    public var chunkRows = 256
    public var repetitions = 3
    /// Bytes of probabilities read per block (both sides).
    public var blockBytes = ImageIndexBuilder.defaultBlockBytes
    /// Where the synthetic probability file is cached (generated once per shape).
    public var cacheDirectory: URL

    public init(cacheDirectory: URL) throws {
        self.cacheDirectory = cacheDirectory
        thresholds = try TagThreshold.list(parsing: "0.5,0.55,0.6,0.65,0.7")
    }

    /// One measurement.
    public struct Result: Sendable {
        public var file: URL
        public var bytes: Int
        public var readSeconds: Double
        public var buildSeconds: Double
        public var postings: Int
        /// Builder speed relative to the plain read (1 = as fast as reading).
        public var ratio: Double { readSeconds / buildSeconds }

        public var json: JSONValue {
            .object([
                "file": .string(file.path),
                "bytes": .int(bytes),
                "read_seconds": .double(readSeconds),
                "build_seconds": .double(buildSeconds),
                "read_gb_per_s": .double(Double(bytes) / readSeconds / 1e9),
                "build_gb_per_s": .double(Double(bytes) / buildSeconds / 1e9),
                "postings": .int(postings),
                "ratio_build_to_read": .double(ratio),
                "provenance": Provenance.current().json,
            ])
        }
    }

    /// The cached synthetic file for this shape, generated when absent.
    public func syntheticFile(log: (String) -> Void = { _ in }) throws -> URL {
        let name = "tagprobs-\(samples)x\(tags)-\(precision.rawValue)-c\(chunkRows).h5"
        let url = cacheDirectory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        log("generating \(url.path) (\(samples * tags * precision.byteWidth / 1_000_000) MB)")
        let temporary = AtomicFile.temporaryURL(for: url)
        do {
            try SyntheticTagProbabilities(samples: samples, tags: tags, precision: precision, chunkRows: chunkRows).write(to: temporary)
            try AtomicFile.replace(url, with: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return url
    }

    /// Generates (if needed) and measures.
    public func run(log: (String) -> Void = { _ in }) throws -> Result {
        let url = try syntheticFile(log: log)
        let source = try TagProbabilities.open(url)
        let bytes = source.sampleCount * source.tags.count * source.precision.byteWidth
        var builder = ImageIndexBuilder(thresholds: thresholds)
        builder.blockBytes = blockBytes
        _ = try Self.readOnly(source, blockBytes: builder.blockBytes) // warm the page cache
        var read = Double.infinity, build = Double.infinity
        var postings = 0
        for repetition in 0..<repetitions {
            let readTime = try Self.seconds { _ = try Self.readOnly(source, blockBytes: builder.blockBytes) }
            var built: ImagePostings?
            let buildTime = try Self.seconds { built = try builder.build([url]) }
            postings = built?.postingCount ?? 0
            log("run \(repetition + 1): read \(String(format: "%.3f", readTime)) s, build \(String(format: "%.3f", buildTime)) s")
            read = min(read, readTime)
            build = min(build, buildTime)
        }
        return Result(file: url, bytes: bytes, readSeconds: read, buildSeconds: build, postings: postings)
    }

    /// The baseline: read every block of `probs` into one buffer and do nothing with it.
    static func readOnly(_ source: TagProbabilities, blockBytes: Int) throws -> Int {
        let step = source.blockRows(targetBytes: blockBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: step * source.tags.count * source.precision.byteWidth, alignment: 64)
        defer { buffer.deallocate() }
        var start = 0
        while start < source.sampleCount {
            let block = start..<min(start + step, source.sampleCount)
            try source.readProbabilityBits(block, into: buffer)
            start = block.upperBound
        }
        return start
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// A synthetic tag-probability file shaped like RAM++ output: most probabilities small, and
/// about 25 tags per sample drawn between 0.4 and 1.0 (a few above each threshold).
struct SyntheticTagProbabilities {
    var samples: Int
    var tags: Int
    var precision: TagPrecision
    var chunkRows: Int

    func write(to url: URL) throws {
        let file = try HDF5File.create(url)
        let probs = try file.createFloatDataset(TagProbabilities.probabilitiesDataset, float16: precision == .float16,
                                                shape: [samples, tags], chunkRows: chunkRows)
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let blockRows = max(1, (8 << 20) / (tags * precision.byteWidth)) / chunkRows * chunkRows
        let rowsPerBlock = max(chunkRows, blockRows)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: rowsPerBlock * tags * precision.byteWidth, alignment: 64)
        defer { buffer.deallocate() }
        var start = 0
        while start < samples {
            let rows = start..<min(start + rowsPerBlock, samples)
            for row in 0..<rows.count {
                for column in 0..<tags {
                    let low = Float(next() % 3000) / 10_000 // [0, 0.3)
                    store(low, at: row * tags + column, in: buffer)
                }
                for _ in 0..<25 {
                    let column = Int(next() % UInt64(tags))
                    let high = 0.4 + Float(next() % 6000) / 10_000 // [0.4, 1.0)
                    store(high, at: row * tags + column, in: buffer)
                }
            }
            try probs.writeRawFloatRows(rows, from: UnsafeRawBufferPointer(buffer))
            start = rows.upperBound
        }
        try file.write(TagProbabilities.sampleIDsDataset, int64: (0..<Int64(samples)).map { $0 }, shape: [samples])
        try file.write(TagProbabilities.tagsDataset, strings: (0..<tags).map { "tag\($0)" })
        file.flush()
    }

    private func store(_ value: Float, at index: Int, in buffer: UnsafeMutableRawBufferPointer) {
        switch precision {
        case .float16: buffer.storeBytes(of: Float16(value).bitPattern, toByteOffset: index * 2, as: UInt16.self)
        case .float32: buffer.storeBytes(of: value.bitPattern, toByteOffset: index * 4, as: UInt32.self)
        }
    }
}
