import Foundation

/// `freqbench bench scale`: a synthetic corpus through plan → N shard jobs → merge on this
/// machine, each step a child process measured on its own (wall time, peak resident memory),
/// and from those figures a projection of wall time and storage for LAION-400M and LAION-2B
/// on K nodes × C cores.
///
/// The corpus is CC3M-val's captions sampled with replacement (fixed seed) into `files`
/// cc3m TSV files, cached. Shard jobs run one after another (`index text --plan --shard I
/// --jobs J`), or all through Slurm (`cluster run --wait`, wall time of the whole run).
/// Separately, `mergePostings` > 0 builds that many postings as range shards directly from
/// sampled term sets (no annotation) and times their merge alone, for the merge's
/// throughput and memory bound at a size annotation would take too long to reach here.
public struct ScaleBenchmark {
    public struct Configuration {
        public var captions = 1_000_000
        public var files = 8
        public var shards = 32
        public var annotator = "builtin"
        /// Annotator threads per shard job (`--jobs`, and `--cpus-per-task` through Slurm).
        public var jobsPerShard = 1
        public var slurm = false
        public var mergePostings = 0
        public var mergeShards = 32
        /// CC3M-val captions (the sampling source).
        public var source: URL
        /// Per-caption term sets for the synthetic merge (nouns JSONL).
        public var nouns: URL
        public var cacheDirectory: URL
        public var executable: URL
        public var seed: UInt64 = 0x5CA1E
        /// Keep the work directory (plan, shards, merged indexes) for a look afterwards.
        public var keepWork = false

        public init(source: URL, nouns: URL, cacheDirectory: URL, executable: URL) {
            self.source = source
            self.nouns = nouns
            self.cacheDirectory = cacheDirectory
            self.executable = executable
        }
    }

    /// One measured step.
    public struct Step: Sendable {
        public var name: String
        public var seconds: Double
        public var peakResidentBytes: Int
        public var rate: Double
        public var unit: String
        public var detail: String
    }

    /// One row of the projection.
    public struct Projection: Sendable {
        public var corpus: String
        public var nodes: Int
        public var coresPerNode: Int
        public var planHours: Double
        public var shardHours: Double
        public var mergeHours: Double
        public var indexGigabytes: Double
        public var totalHours: Double { planHours + shardHours + mergeHours }
    }

    public struct Result: Sendable {
        public var steps: [Step]
        public var projections: [Projection]
        public var assumptions: [String]
        public var shardBytesRatio: Double
    }

    public let configuration: Configuration
    public init(configuration: Configuration) { self.configuration = configuration }

    private var fileManager: FileManager { .default }

    /// The cached synthetic corpus (generated when absent): `files` cc3m TSV files.
    func corpus(log: (String) -> Void) throws -> [URL] {
        let c = configuration
        let directory = c.cacheDirectory.appendingPathComponent("scale-corpus-\(c.captions)-\(c.files)-\(String(c.seed, radix: 16))")
        let names = (0..<c.files).map { String(format: "part-%05d.tsv", $0) }
        let urls = names.map { directory.appendingPathComponent($0) }
        if urls.allSatisfy({ fileManager.fileExists(atPath: $0.path) }) { return urls }
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        log("generating \(c.captions) captions in \(c.files) files under \(directory.path)")
        let reader = try CorpusReader(paths: [c.source], options: CorpusOptions(format: .cc3m))
        var captions: [String] = []
        while let record = try reader.next() {
            // Plain captions only, so the TSV needs no quoting.
            if !record.caption.isEmpty, !record.caption.contains(where: { $0 == "\"" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                captions.append(record.caption)
            }
        }
        guard !captions.isEmpty else { throw FreqBenchError("no captions to sample", file: c.source.path) }
        var generator = SplitMix64(seed: c.seed)
        for (index, url) in urls.enumerated() {
            let first = index * c.captions / c.files, end = (index + 1) * c.captions / c.files
            var text = ""
            text.reserveCapacity((end - first) * 120)
            for id in first..<end {
                text += captions[Int(generator.next() % UInt64(captions.count))]
                text += "\thttp://images.invalid/\(id).jpg\n"
            }
            try AtomicFile.write(text, to: url)
        }
        return urls
    }

    private func measure(_ name: String, _ arguments: [String], log: (String) -> Void) throws -> ChildProcess.Measurement {
        let logFile = configuration.cacheDirectory.appendingPathComponent("scale.log")
        log("\(name): freqbench \(arguments.joined(separator: " "))")
        let measurement = try ChildProcess.run(configuration.executable, arguments, log: logFile)
        guard measurement.status == 0 else {
            throw FreqBenchError("\(name) failed (exit \(measurement.status)); see the log", file: logFile.path)
        }
        return measurement
    }

    public func run(log: (String) -> Void = { _ in }) throws -> Result {
        let c = configuration
        let work = c.cacheDirectory.appendingPathComponent("scale-run")
        try? fileManager.removeItem(at: work)
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { if !c.keepWork { try? fileManager.removeItem(at: work) } }
        let files = try corpus(log: log)
        let totalBytes = try files.reduce(0) { $0 + (try CorpusReader.fileSize($1)) }
        var steps: [Step] = []

        // 1. Plan (one core).
        let planURL = work.appendingPathComponent("plan.json")
        let plan = try measure("plan", ["plan"] + files.map(\.path) + ["--format", "cc3m", "--shards", "\(c.shards)", "--out", planURL.path], log: log)
        let loaded = try CorpusPlan.read(from: planURL)
        steps.append(Step(name: "plan", seconds: plan.seconds, peakResidentBytes: plan.peakResidentBytes,
                          rate: Double(totalBytes) / plan.seconds / 1e6, unit: "MB/s",
                          detail: "\(files.count) files, \(totalBytes) bytes, \(loaded.recordCount) records, one core"))

        // 2. Shards.
        let shardsDirectory = work.appendingPathComponent("shards")
        let merged = work.appendingPathComponent("merged.index")
        var shardDirectories = loaded.shards.indices.map { shardsDirectory.appendingPathComponent(String(format: "shard-%05d", $0)) }
        var largestShardRead = 0.0
        if c.slurm {
            let run = try measure("shards+merge through Slurm", ["cluster", "run", planURL.path, "--job", "index-text", "--annotator", c.annotator,
                                                                  "--cpus-per-task", "\(c.jobsPerShard)", "--out", merged.path, "--wait"], log: log)
            let clusterShards = ClusterRun.defaultWorkDirectory(for: merged).appendingPathComponent("shards")
            shardDirectories = loaded.shards.indices.map { clusterShards.appendingPathComponent(String(format: "shard-%05d", $0)) }
            let completions = shardDirectories.compactMap(ShardCompletion.read(in:))
            let shardSeconds = completions.map(\.seconds).reduce(0, +)
            steps.append(Step(name: "shards+merge (Slurm, wall)", seconds: run.seconds, peakResidentBytes: 0,
                              rate: Double(loaded.recordCount) / run.seconds, unit: "captions/s",
                              detail: "\(c.shards) array tasks × \(c.jobsPerShard) CPUs and the afterok merge, sbatch to merged index"))
            steps.append(Step(name: "shard jobs", seconds: shardSeconds, peakResidentBytes: completions.map(\.peakResidentBytes).max() ?? 0,
                              rate: Double(loaded.recordCount) / max(shardSeconds * Double(c.jobsPerShard), 1e-9), unit: "captions/s per core",
                              detail: "sum of the shard jobs' own times (their completion records), \(c.annotator)"))
            largestShardRead = loaded.shards.indices.map { shard in
                Double(completions.first { $0.shard == shard }?.bytesRead ?? 0) / Double(max(loaded.shards[shard].bytes, 1))
            }.max() ?? 0
        } else {
            var seconds = 0.0, peak = 0
            for (shard, directory) in shardDirectories.enumerated() {
                let measurement = try measure("shard \(shard)", ["index", "text", "--plan", planURL.path, "--shard", "\(shard)",
                                                                 "--annotator", c.annotator, "--jobs", "\(c.jobsPerShard)", "--out", directory.path], log: log)
                seconds += measurement.seconds
                peak = max(peak, measurement.peakResidentBytes)
                if let completion = ShardCompletion.read(in: directory) {
                    largestShardRead = max(largestShardRead, Double(completion.bytesRead) / Double(max(loaded.shards[shard].bytes, 1)))
                }
            }
            steps.append(Step(name: "shard jobs", seconds: seconds, peakResidentBytes: peak,
                              rate: Double(loaded.recordCount) / (seconds * Double(c.jobsPerShard)), unit: "captions/s per core",
                              detail: "\(c.shards) jobs one after another, --jobs \(c.jobsPerShard), \(c.annotator), process start and model load included"))
        }

        // 3. Merge (one core), into a fresh output.
        let mergedAgain = work.appendingPathComponent("merged-again.index")
        let merge = try measure("merge", ["index", "merge", "--plan", planURL.path] + shardDirectories.map(\.path) + ["--out", mergedAgain.path], log: log)
        let index = try TextIndex(directory: mergedAgain)
        steps.append(Step(name: "merge", seconds: merge.seconds, peakResidentBytes: merge.peakResidentBytes,
                          rate: Double(index.header.postingCount) / merge.seconds / 1e6, unit: "M postings/s",
                          detail: "\(index.header.postingCount) postings, \(index.fileSize) bytes written "
                              + String(format: "(%.0f MB/s)", Double(index.fileSize) / merge.seconds / 1e6)))
        // The disk's own speed for the merge's output: the same number of bytes written to a
        // new file in the same folder (1 MiB writes, then fsync, as the merge's writer does).
        let disk = try Self.timeNewFileWrite(bytes: index.fileSize, in: work)
        steps.append(Step(name: "baseline: write a new file", seconds: disk, peakResidentBytes: 0,
                          rate: Double(index.fileSize) / disk / 1e6, unit: "MB/s",
                          detail: "\(index.fileSize) bytes beside the merged index, 1 MiB writes + fsync (what the merge's output rate compares with)"))
        let postingsPerCaption = Double(index.header.postingCount) / Double(max(loaded.recordCount, 1))
        let bytesPerPosting = Double(index.fileSize) / Double(max(index.header.postingCount, 1))

        // 4. The merge alone at a larger size.
        var mergeRate = Double(index.header.postingCount) / merge.seconds
        if c.mergePostings > 0 {
            let step = try syntheticMerge(work: work, log: log)
            steps.append(step)
            mergeRate = step.rate * 1e6
        }

        // Projection.
        let planRate = Double(totalBytes) / plan.seconds
        let shardStep = steps.first { $0.name == "shard jobs" }
        let perCore = shardStep?.rate ?? 1
        let assumptions = [
            "LAION-400M: 413,871,335 captions, 50 GB of caption metadata; LAION-2B-en: 2,322,161,808 captions, 280 GB (the same bytes per caption)",
            String(format: "plan: %.0f MB/s on one core (measured); shard jobs: %.0f captions/s per core (measured, %@ annotator); merge: %.0f M postings/s on one core (measured)",
                   planRate / 1e6, perCore, c.annotator, mergeRate / 1e6),
            String(format: "%.2f postings per caption and %.2f bytes per posting (measured on the synthetic CC3M-style corpus; LAION alt-text may differ)",
                   postingsPerCaption, bytesPerPosting),
            "nodes read the corpus from a shared filesystem at least as fast as the plan reads it; shards ≥ nodes × cores; no queue wait",
        ]
        var projections: [Projection] = []
        for (name, captions, bytes) in [("LAION-400M", 413_871_335.0, 50e9), ("LAION-2B-en", 2_322_161_808.0, 280e9)] {
            for (nodes, cores) in [(1, 2), (1, 64), (10, 64), (100, 64)] {
                let postings = captions * postingsPerCaption
                projections.append(Projection(corpus: name, nodes: nodes, coresPerNode: cores,
                                              planHours: bytes / planRate / 3600,
                                              shardHours: captions / (perCore * Double(nodes * cores)) / 3600,
                                              mergeHours: postings / mergeRate / 3600,
                                              indexGigabytes: postings * bytesPerPosting / 1e9))
            }
        }
        return Result(steps: steps, projections: projections, assumptions: assumptions, shardBytesRatio: largestShardRead)
    }

    /// Builds `mergePostings` postings as `mergeShards` range shards straight from sampled
    /// term sets, then times their merge in a child process.
    private func syntheticMerge(work: URL, log: (String) -> Void) throws -> Step {
        let c = configuration
        let source = try SyntheticNounsCorpus(source: c.nouns, size: 1, seed: c.seed)
        let meanTerms = Double(source.sourceTerms.reduce(0) { $0 + $1.count }) / Double(source.sourceTerms.count)
        let records = Int(Double(c.mergePostings) / meanTerms)
        log("building \(c.mergeShards) synthetic range shards of \(records) records (~\(c.mergePostings) postings)")
        var generator = SplitMix64(seed: c.seed)
        var digestSource = SHA256()
        digestSource.update(Data("synthetic \(records) \(c.seed)".utf8))
        let digest = digestSource.digest()
        let identity = AnnotatorIdentity(name: "reference", version: c.nouns.lastPathComponent)
        var directories: [URL] = []
        for shard in 0..<c.mergeShards {
            let range = (shard * records / c.mergeShards)..<((shard + 1) * records / c.mergeShards)
            let builder = TextIndexBuilder()
            for id in range {
                try builder.add(id: id, terms: source.sourceTerms[Int(generator.next() % UInt64(source.sourceTerms.count))])
            }
            let url = work.appendingPathComponent(String(format: "synthetic-%05d", shard))
            try builder.write(to: url, header: TextIndexHeader(rangeShard: try ShardSpec(index: shard, count: c.mergeShards), idRange: range,
                                                               recordCount: records, indexedRecordCount: 0, corpusDigest: digest,
                                                               annotator: identity))
            directories.append(url)
        }
        let output = work.appendingPathComponent("synthetic-merged.index")
        let merge = try measure("synthetic merge", ["index", "merge"] + directories.map(\.path) + ["--out", output.path], log: log)
        let index = try TextIndex(directory: output)
        let disk = try Self.timeNewFileWrite(bytes: index.fileSize, in: work)
        let inputBytes = try directories.reduce(0) { $0 + (try TextIndex(directory: $1)).fileSize }
        if !c.keepWork { for directory in directories { try? fileManager.removeItem(at: directory) } }
        return Step(name: "merge (synthetic, \(c.mergeShards) shards)", seconds: merge.seconds, peakResidentBytes: merge.peakResidentBytes,
                    rate: Double(index.header.postingCount) / merge.seconds / 1e6, unit: "M postings/s",
                    detail: "\(index.header.postingCount) postings, \(index.header.termCount) terms; read \(inputBytes) bytes, wrote \(index.fileSize) "
                        + String(format: "(%.0f MB/s in, %.0f MB/s out; a plain write of a new file of that size here: %.0f MB/s)",
                                 Double(inputBytes) / merge.seconds / 1e6, Double(index.fileSize) / merge.seconds / 1e6, Double(index.fileSize) / disk / 1e6))
    }

    /// Seconds to write `bytes` zero bytes to a new file in `directory` (1 MiB writes, fsync).
    static func timeNewFileWrite(bytes: Int, in directory: URL) throws -> Double {
        let url = directory.appendingPathComponent("disk-baseline.bin")
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw FreqBenchError("cannot create: \(String(cString: strerror(errno)))", file: url.path) }
        defer { close(descriptor); unlink(url.path) }
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        let start = ContinuousClock.now
        var written = 0
        while written < bytes {
            let count = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, min($0.count, bytes - written)) }
            guard count > 0 else { throw FreqBenchError("cannot write: \(String(cString: strerror(errno)))", file: url.path) }
            written += count
        }
        fsync(descriptor)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension ScaleBenchmark.Result {
    public var json: JSONValue {
        .object([
            "steps": .array(steps.map { step in
                .object([
                    "name": .string(step.name), "seconds": .double(step.seconds), "peak_resident_bytes": .int(step.peakResidentBytes),
                    "rate": .double(step.rate), "unit": .string(step.unit), "detail": .string(step.detail),
                ])
            }),
            "largest_shard_read_ratio": .double(shardBytesRatio),
            "projections": .array(projections.map { row in
                .object([
                    "corpus": .string(row.corpus), "nodes": .int(row.nodes), "cores_per_node": .int(row.coresPerNode),
                    "plan_hours": .double(row.planHours), "shard_hours": .double(row.shardHours), "merge_hours": .double(row.mergeHours),
                    "total_hours": .double(row.totalHours), "index_gigabytes": .double(row.indexGigabytes),
                ])
            }),
            "assumptions": .array(assumptions.map(JSONValue.string)),
            "provenance": Provenance.current().json,
        ])
    }
}
