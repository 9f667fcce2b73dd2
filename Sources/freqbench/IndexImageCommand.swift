import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index image PROBS.h5... --thresholds 0.5,0.7 --out DIR`, or one shard of a plan:
/// `freqbench index image --plan PLAN.json --shard I --thresholds ... --out DIR`.
struct IndexImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Build an image index (tag → sample ids) from RAM++ tag probabilities, for several thresholds in one pass.",
        discussion: """
        Each PROBS.h5 holds `probs` (N×T float16 or float32), `sample_ids` (N integers) and `tags` \
        (T UTF-8 strings); see docs/FORMATS.md. A sample has a tag at threshold h when p > h, \
        compared in the storage precision against h rounded to it (as upstream's torch code).

        A shard of a plan (`freqbench plan PROBS.h5... --format hdf5 --shards N`): --plan PLAN.json \
        --shard I reads only shard I's rows, after checking the files against the plan, and writes \
        the shard with a completion record (a rerun of a complete shard does nothing); merge with \
        `freqbench index merge`, or run all with `freqbench cluster run PLAN.json --job index-image`.

        Examples:
          freqbench index image rampp.h5 --thresholds 0.5,0.55,0.6,0.65,0.7 --out cc3m.image-index
          freqbench index image --plan rampp.plan.json --shard 3 --thresholds 0.7 --out shards/shard-00003
        """)

    @Argument(help: "Tag-probability HDF5 files, read in order (not with --plan).")
    var probabilities: [String] = []

    @Option(help: "Comma-separated thresholds in [0, 1), each once, e.g. 0.5,0.55,0.6,0.65,0.7.")
    var thresholds: String = "0.7"

    @Option(help: "Output index directory.")
    var out: String

    @Option(help: "Without --plan: build only shard I/N, the I-th of N contiguous row ranges of all inputs together. With --plan: shard I of the plan.")
    var shard: String?

    @Option(help: "A tag-probability plan from `freqbench plan ... --format hdf5`.")
    var plan: String?

    @Flag(help: "Keep a sample id that occurs twice (upstream's behaviour: image counts count it twice, integrated counts once).")
    var allowDuplicateIds = false

    @Flag(help: "Read probabilities outside [0, 1] as upstream's p > h did (NaN and negative: never tagged; above 1 and +infinity: always) instead of stopping with an error.")
    var clampProbabilities = false

    @Option(help: "Hits held in memory before a partial run is written and merged at the end (bounds memory: 8 bytes per hit, plus 4 per posting while a run is written).")
    var hitBudget = 16 << 20

    func validate() throws {
        if plan != nil {
            guard probabilities.isEmpty else { throw ValidationError("give either PROBS.h5... or --plan PLAN.json, not both") }
            guard shard != nil else { throw ValidationError("--plan needs --shard I") }
        } else if probabilities.isEmpty {
            throw ValidationError("give the tag-probability files (PROBS.h5...) or --plan PLAN.json --shard I")
        }
    }

    func run() throws {
        let parsedThresholds = try TagThreshold.list(parsing: thresholds)
        var builder = ImageIndexBuilder(thresholds: parsedThresholds)
        builder.allowDuplicateIDs = allowDuplicateIds
        builder.clampProbabilities = clampProbabilities
        builder.hitBudget = hitBudget
        let output = URL(fileURLWithPath: out)
        let progress = ProgressBar("index image")
        guard let plan else {
            if let shard { builder.shard = try RowShard(parsing: shard) }
            try builder.build(probabilities.map { URL(fileURLWithPath: $0) }, to: output, progress: progress)
            progress.finish()
            return
        }
        let loaded = try TagProbabilityPlan.read(from: URL(fileURLWithPath: plan))
        let index = try PlanShardArgument.index(shard ?? "", shardCount: loaded.shards.count)
        let identity = ShardCompletion.imageIdentity(thresholds: builder.thresholds)
        if ShardCompletion.isComplete(output, planDigest: loaded.digest, shard: index, annotator: identity) {
            FileHandle.standardError.write(Data("index image: shard \(index) of \(plan) is already complete in \(out); nothing to do\n".utf8))
            return
        }
        try loaded.checkFiles()
        builder.rowRange = loaded.shards[index]
        let start = ContinuousClock.now
        // Built under a temporary name with its completion record, then renamed into place.
        let temporary = AtomicFile.temporaryURL(for: output)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try builder.build(loaded.files.map(\.path), to: temporary, progress: progress)
        progress.finish()
        var completion = ShardCompletion(planDigest: loaded.digest, shard: index, shardCount: loaded.shards.count,
                                         records: loaded.shards[index].count, bytesRead: 0, annotator: identity)
        completion.outputDigest = try SHA256.digest(ofFile: temporary.appendingPathComponent(ImageIndex.fileName))
        let elapsed = ContinuousClock.now - start
        completion.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        completion.peakResidentBytes = ProcessMemory.peakResidentBytes ?? 0
        try completion.write(into: temporary)
        try AtomicFile.replace(output, with: temporary)
        FileHandle.standardError.write(Data("index image: rows \(loaded.shards[index].lowerBound)..<\(loaded.shards[index].upperBound) of \(loaded.rowCount) (shard \(index)/\(loaded.shards.count)) -> \(out)\n".utf8))
    }
}
