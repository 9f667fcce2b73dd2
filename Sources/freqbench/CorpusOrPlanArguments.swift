import ArgumentParser
import Foundation
import FreqBench

/// What a shard-capable command reads: a corpus named on the command line (CORPUS... --format F,
/// `--shard I/N` for id-mod-N shards), or one shard of a plan (--plan PLAN.json --shard I).
/// Declared once for `annotate` and `index text`, checked the same way.
struct CorpusOrPlanArguments: ParsableArguments {
    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), read in order; sample ids are global across them. Not with --plan.")
    var corpus: [String] = []

    @Option(help: "Corpus format (not with --plan, which records it).")
    var format: CorpusFormat?

    @OptionGroup var reading: CorpusReadingArguments

    @Option(help: "A plan from `freqbench plan`: work on its shard --shard I.")
    var plan: String?

    @Option(help: "With --plan: shard I of the plan. Without (index text): I/N, the records with id mod N == I.")
    var shard: String?

    func validate() throws {
        if plan != nil {
            guard corpus.isEmpty, format == nil else { throw ValidationError("give either CORPUS --format F or --plan PLAN.json, not both") }
            guard shard != nil else { throw ValidationError("--plan needs --shard I") }
        } else {
            guard !corpus.isEmpty else { throw ValidationError("give the corpus (CORPUS... --format F) or --plan PLAN.json --shard I") }
            guard format != nil else { throw ValidationError("missing --format (the corpus format)") }
        }
    }

    /// The corpus paths, in order.
    var paths: [URL] { corpus.map { URL(fileURLWithPath: $0) } }

    /// The reader options of the corpus (`validate()` made sure --format is there).
    var options: CorpusOptions { reading.options(format: format ?? .tsv) }
}

/// `--shard I` (or `I/N`, N the plan's shard count) of a plan with `shardCount` shards.
enum PlanShardArgument {
    static func index(_ text: String, shardCount: Int) throws -> Int {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = Int(parts[0]), parts.count <= 2, index >= 0, index < shardCount,
              parts.count == 1 || Int(parts[1]) == shardCount else {
            throw ValidationError("--shard \(text): the plan has shards 0..<\(shardCount); give I (or I/\(shardCount))")
        }
        return index
    }
}
