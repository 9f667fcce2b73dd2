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

    @OptionGroup var input: CorpusOrPlanArguments

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Annotator worker processes (default: one per core).")
    var workers: Int?

    @Option(help: "Captions per annotator batch.")
    var batchSize: Int = 1000

    @Option(help: "Output JSON Lines file (with --plan: the shard's output directory).")
    var out: String

    func validate() throws {
        if input.plan == nil, input.shard != nil { throw ValidationError("annotate --shard needs --plan (id-mod-N shards are for index text)") }
    }

    func run() throws {
        let made = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: workers, batchSize: batchSize))
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let batch = batchSize * max(1, workerCount) * 4
        if let plan = input.plan {
            let loaded = try CorpusPlan.read(from: URL(fileURLWithPath: plan))
            let index = try PlanShardArgument.index(input.shard ?? "", shardCount: loaded.shards.count)
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
        let reader = try CorpusReader(paths: input.paths, options: input.options)
        let summary = try NounsFile.write(reader, annotator: made, batchSize: batch, to: URL(fileURLWithPath: out),
                                          progress: ProgressBar("annotate"))
        CorpusReadingArguments.reportSkips(command: "annotate", skipped: summary.skippedRecords, reasons: summary.skipReasons,
                                           enabled: input.reading.skipBadRecords)
    }
}
