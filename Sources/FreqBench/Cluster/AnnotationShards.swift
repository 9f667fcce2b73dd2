import Foundation

/// The shards of an annotate run over a plan (`annotate --plan P --shard I --out DIR`: DIR
/// holds `nouns.jsonl` and its completion record) and their merge: the shards' lines
/// concatenated in shard order, which is the `annotate` output of the whole corpus, byte for
/// byte (every line carries its global id).
public enum AnnotationShards {
    /// Annotates shard `shard` of `plan` into the directory `output` (atomically, with its
    /// completion record).
    public static func write(plan: CorpusPlan, shard: Int, annotator: any Annotator, batchSize: Int, to output: URL,
                             progress: ProgressBar? = nil) throws -> NounsFile.Summary {
        let start = ContinuousClock.now
        let reader = try CorpusReader(pieces: try plan.readerPieces(shard: shard), options: plan.options)
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = AtomicFile.temporaryURL(for: output)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        let nouns = temporary.appendingPathComponent(ShardCompletion.nounsFileName)
        let summary = try NounsFile.write(reader, annotator: annotator, batchSize: batchSize, to: nouns, progress: progress)
        var completion = ShardCompletion(planDigest: plan.digest, shard: shard, shardCount: plan.shards.count,
                                         records: summary.records, bytesRead: reader.bytesRead, annotator: annotator.identity)
        completion.outputDigest = try SHA256.digest(ofFile: nouns)
        let elapsed = ContinuousClock.now - start
        completion.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        completion.peakResidentBytes = ProcessMemory.peakResidentBytes ?? 0
        completion.pieces = ShardCompletion.PieceRecords.of(reader.summaries)
        try completion.write(into: temporary)
        try AtomicFile.replace(output, with: temporary)
        return summary
    }

    /// Whether `directory` is an annotate shard (a nouns file and a completion record).
    public static func isShard(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(ShardCompletion.nounsFileName).path)
            && FileManager.default.fileExists(atPath: directory.appendingPathComponent(ShardCompletion.fileName).path)
    }

    /// Concatenates the nouns of `shards` (all shards of one plan, any order) into `output`.
    /// Refuses a shard that is incomplete, from another plan or annotator, given twice, or
    /// missing, naming it. Returns the SHA-256 of the output.
    @discardableResult
    public static func merge(_ shards: [URL], into output: URL) throws -> [UInt8] {
        var completions: [(URL, ShardCompletion)] = []
        for directory in shards {
            guard let completion = ShardCompletion.read(in: directory),
                  ShardCompletion.isComplete(directory, planDigest: completion.planDigest, shard: completion.shard,
                                             annotator: completion.annotator) else {
                throw FreqBenchError("not a complete annotate shard (its nouns.jsonl does not match its shard.json)", file: directory.path)
            }
            completions.append((directory, completion))
        }
        guard let first = completions.first?.1 else { throw FreqBenchError("merge needs at least one shard") }
        var seen: [Int: String] = [:]
        for (directory, completion) in completions {
            guard completion.planDigest == first.planDigest, completion.shardCount == first.shardCount else {
                throw FreqBenchError("foreign shard: from another plan than \(completions[0].0.path)", file: directory.path)
            }
            guard completion.annotator == first.annotator else {
                throw FreqBenchError("incompatible shard: annotator \(completion.annotator) differs from \(first.annotator)", file: directory.path)
            }
            if let other = seen[completion.shard] { throw FreqBenchError("shard \(completion.shard) given twice (also \(other))", file: directory.path) }
            seen[completion.shard] = directory.path
        }
        let missing = (0..<first.shardCount).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            throw FreqBenchError("incomplete shard set: missing shard(s) " + missing.prefix(10).map { "\($0)/\(first.shardCount)" }.joined(separator: ", "),
                                 file: completions[0].0.path)
        }
        try ShardCompletion.checkEveryFileHasGoodRecords(completions.map(\.1))
        let ordered = completions.sorted { $0.1.shard < $1.1.shard }.map { $0.0.appendingPathComponent(ShardCompletion.nounsFileName) }
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = AtomicFile.temporaryURL(for: output)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let spill = try SpillFile(url: temporary)
        var hasher = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        for file in ordered {
            let descriptor = open(file.path, O_RDONLY)
            guard descriptor >= 0 else { throw FreqBenchError("cannot open: \(String(cString: strerror(errno)))", file: file.path) }
            defer { close(descriptor) }
            while true {
                let count = read(descriptor, chunk.baseAddress, chunk.count)
                if count == 0 { break }
                guard count > 0 else { throw FreqBenchError("cannot read: \(String(cString: strerror(errno)))", file: file.path) }
                let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<count])
                hasher.update(bytes: bytes)
                try spill.append(contentsOf: bytes)
            }
        }
        try spill.finish()
        try AtomicFile.replace(output, with: temporary)
        return hasher.digest()
    }
}
