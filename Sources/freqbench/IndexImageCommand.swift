import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index image PROBS.h5... --thresholds 0.5,0.7 --out DIR`
struct IndexImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Build an image index (tag → sample ids) from RAM++ tag probabilities, for several thresholds in one pass.",
        discussion: """
        Each PROBS.h5 holds `probs` (N×T float16 or float32), `sample_ids` (N integers) and `tags` \
        (T UTF-8 strings); see docs/FORMATS.md. A sample has a tag at threshold h when p > h, \
        compared in the storage precision against h rounded to it (as upstream's torch code).
        """)

    @Argument(help: "Tag-probability HDF5 files, read in order.")
    var probabilities: [String]

    @Option(help: "Comma-separated thresholds in [0, 1), each once, e.g. 0.5,0.55,0.6,0.65,0.7.")
    var thresholds: String = "0.7"

    @Option(help: "Output index directory.")
    var out: String

    @Option(help: "Build only shard I/N: the I-th of N contiguous row ranges of all inputs together (merge with `index merge`).")
    var shard: String?

    @Flag(help: "Keep a sample id that occurs twice (upstream's behaviour: image counts count it twice, integrated counts once).")
    var allowDuplicateIds = false

    @Flag(help: "Read probabilities outside [0, 1] as upstream's p > h did (NaN and negative: never tagged; above 1 and +infinity: always) instead of stopping with an error.")
    var clampProbabilities = false

    @Option(help: "Hits held in memory before a partial run is written and merged at the end (bounds memory: 8 bytes per hit, plus 4 per posting while a run is written).")
    var hitBudget = 16 << 20

    func run() throws {
        var builder = ImageIndexBuilder(thresholds: try TagThreshold.list(parsing: thresholds))
        builder.allowDuplicateIDs = allowDuplicateIds
        builder.clampProbabilities = clampProbabilities
        builder.hitBudget = hitBudget
        if let shard { builder.shard = try RowShard(parsing: shard) }
        let files = probabilities.map { URL(fileURLWithPath: $0) }
        let progress = ProgressBar("index image")
        try builder.build(files, to: URL(fileURLWithPath: out), progress: progress)
        progress.finish()
    }
}
