import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index text CORPUS --format F --annotator A --out INDEX_DIR [--shard I/N]`, or
/// `freqbench index text --plan PLAN.json --shard I --out SHARD_DIR`.
struct IndexTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Annotate captions and index their terms (term -> sorted caption ids).",
        discussion: """
            A shard of a plan (`freqbench plan`): --plan PLAN.json --shard I reads only shard I's bytes, \
            checks them against the plan, and writes a range shard with a completion record; run again, \
            a completed shard is left as it is. Merge the N shards with `freqbench index merge` (or run \
            everything with `freqbench cluster run`).

            Without a plan, --shard I/N annotates the records whose id is I mod N (every shard still \
            reads the whole corpus; kept for small corpora). With --annotations the term sets come from \
            `freqbench annotate` output instead of annotating.

            Examples:
              freqbench index text cc3m_val.tsv --format cc3m --annotator builtin --out cc3m.index
              freqbench index text --plan laion.plan.json --shard 7 --out shards/shard-00007
            """)

    @OptionGroup var input: CorpusOrPlanArguments

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).") var annotator: String = AnnotatorRegistry.defaultName
    @Option(help: "Index precomputed term sets (annotate output, NOUNS.jsonl) instead of annotating.") var annotations: String?
    @Option(help: "Output index directory.") var out: String
    @Option(help: "Annotator workers (default: one per core; wordnet: 1).") var jobs: Int?
    @Option(help: "Captions per annotation batch.") var batchSize = 4000
    @Flag(help: "Print a JSON summary (records, terms, postings, bytes read) on stdout.") var json = false

    func validate() throws {
        if input.plan != nil, annotations != nil { throw ValidationError("--annotations is not supported with --plan") }
    }

    func run() throws {
        let output = URL(fileURLWithPath: out)
        let progress = ProgressBar("index text")
        var statistics = TextIndexer.ReadStatistics(bytesRead: 0, records: 0)
        let header: TextIndexHeader
        if let plan = input.plan {
            let planURL = URL(fileURLWithPath: plan)
            let loaded = try CorpusPlan.read(from: planURL)
            let index = try PlanShardArgument.index(input.shard ?? "", shardCount: loaded.shards.count)
            let made = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: jobs))
            if ShardCompletion.isComplete(output, planDigest: loaded.digest, shard: index, annotator: made.identity) {
                FileHandle.standardError.write(Data("index text: shard \(index) of \(plan) is already complete in \(out); nothing to do\n".utf8))
                return
            }
            header = try TextIndexer.build(planShard: try TextIndexer.PlanShard(plan: loaded, index: index), annotators: [made],
                                           output: output, batchSize: batchSize, progress: progress,
                                           statistics: { statistics = $0 },
                                           skipped: { CorpusReadingArguments.reportSkips(command: "index text", skipped: $0, reasons: $1, enabled: loaded.options.skipBadRecords) })
        } else {
            let options = input.options
            let shardSpec = try input.shard.map(ShardSpec.init(parsing:)) ?? .whole
            let paths = input.paths
            if let annotations {
                let identity = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: 1)).identity
                header = try TextIndexer.build(corpus: paths, options: options, annotations: URL(fileURLWithPath: annotations),
                                               annotator: identity, shard: shardSpec, output: output, progress: progress,
                                               skipped: { CorpusReadingArguments.reportSkips(command: "index text", skipped: $0, reasons: $1, enabled: input.reading.skipBadRecords) })
            } else {
                let made = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: jobs))
                header = try TextIndexer.build(corpus: paths, options: options, annotators: [made], shard: shardSpec,
                                               output: output, batchSize: batchSize, progress: progress,
                                               statistics: { statistics = $0 },
                                               skipped: { CorpusReadingArguments.reportSkips(command: "index text", skipped: $0, reasons: $1, enabled: input.reading.skipBadRecords) })
            }
        }
        FileHandle.standardError.write(Data(("index text: \(header.indexedRecordCount) of \(header.recordCount) records (shard \(header.shardDescription)), "
            + "\(header.termCount) terms, \(header.postingCount) postings, \(statistics.bytesRead) bytes read, annotator \(header.annotator) -> \(output.path)\n").utf8))
        if json {
            print(JSONWriter(indent: 1).string(.object([
                "records": .int(header.recordCount),
                "indexed_records": .int(header.indexedRecordCount),
                "shard": .string(header.shardDescription),
                "id_range": .array([.int(header.idRange.lowerBound), .int(header.idRange.upperBound)]),
                "terms": .int(header.termCount),
                "postings": .int(header.postingCount),
                "bytes_read": .int(statistics.bytesRead),
            ])))
        }
    }
}
