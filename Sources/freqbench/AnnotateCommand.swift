import ArgumentParser
import Foundation
import FreqBench

/// `freqbench annotate`: caption terms of a corpus as JSON Lines (or of one shard of a plan).
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Write the noun terms of every caption of a corpus, one JSON line per caption.",
        discussion: """
            Each output line is {"id": N, "nouns": [sorted terms]} (Python json.dumps format).

            A shard of a plan (`freqbench plan`): --plan PLAN.json --shard I --out DIR writes DIR/nouns.jsonl \
            (shard I's lines, global ids) with its completion record DIR/shard.json; `freqbench index merge \
            SHARD_DIR... --out NOUNS.jsonl` concatenates the shards into the whole corpus's file, byte for \
            byte (or run all with `freqbench cluster run PLAN.json --job annotate`).

            Examples:
              freqbench annotate cc3m_val.tsv --format cc3m --annotator spacy --out nouns.jsonl
              freqbench annotate laion/*.parquet --format parquet --out nouns.jsonl
              freqbench annotate --plan laion.plan.json --shard 3 --out shards/shard-00003
            """)

    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), read in order; sample ids are global across them. Not with --plan.")
    var corpus: [String] = []

    @Option(help: "Corpus format (not with --plan, which records it).")
    var format: CorpusFormat?

    @OptionGroup var reading: CorpusReadingArguments

    @Option(help: "A plan from `freqbench plan`: annotate its shard --shard I into the directory --out.")
    var plan: String?

    @Option(help: "With --plan: the shard to annotate.")
    var shard: String?

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Annotator worker processes (default: one per core).")
    var workers: Int?

    @Option(help: "Captions per annotator batch.")
    var batchSize: Int = 1000

    @Option(help: "Output JSON Lines file (with --plan: the shard's output directory).")
    var out: String

    func validate() throws {
        if plan != nil {
            guard corpus.isEmpty, format == nil else { throw ValidationError("give either CORPUS --format F or --plan PLAN.json, not both") }
            guard shard != nil else { throw ValidationError("--plan needs --shard I") }
        } else {
            guard !corpus.isEmpty else { throw ValidationError("give the corpus (CORPUS... --format F) or --plan PLAN.json --shard I") }
            guard format != nil else { throw ValidationError("missing --format (the corpus format)") }
        }
    }

    func run() throws {
        let made = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: workers, batchSize: batchSize))
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = batchSize * max(1, workerCount) * 4
        if let plan {
            let loaded = try CorpusPlan.read(from: URL(fileURLWithPath: plan))
            let index = try IndexTextCommand.shardIndex(shard ?? "", plan: loaded)
            let output = URL(fileURLWithPath: out)
            if ShardCompletion.isComplete(output, planDigest: loaded.digest, shard: index, annotator: made.identity) {
                FileHandle.standardError.write(Data("annotate: shard \(index) of \(plan) is already complete in \(out); nothing to do\n".utf8))
                return
            }
            let summary = try AnnotationShards.write(plan: loaded, shard: index, annotator: made, batchSize: batch, to: output,
                                                     progress: ProgressBar("annotate"))
            CorpusReadingArguments.reportSkips(command: "annotate", skipped: summary.skippedRecords, reasons: summary.skipReasons,
                                               enabled: loaded.options.skipBadRecords)
            return
        }
        let reader = try CorpusReader(paths: corpus.map { URL(fileURLWithPath: $0) }, options: reading.options(format: format ?? .tsv))
        let summary = try NounsFile.write(reader, annotator: made, batchSize: batch, to: URL(fileURLWithPath: out),
                                          progress: ProgressBar("annotate"))
        CorpusReadingArguments.reportSkips(command: "annotate", skipped: summary.skippedRecords, reasons: summary.skipReasons,
                                           enabled: reading.skipBadRecords)
    }
}
