import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index text CORPUS --format F --annotator A --out INDEX_DIR [--shard I/N]`.
struct IndexTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Annotate captions and index their terms (term -> sorted caption ids).",
        discussion: """
            With --shard I/N only the records whose id is I mod N are annotated (ids stay global); \
            merge the N shard indexes with `freqbench index merge`. With --annotations the term sets \
            come from `freqbench annotate` output instead of annotating (the corpus is still read \
            for its digest and to check the ids).
            """)

    @OptionGroup var input: CorpusArguments
    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).") var annotator: String = AnnotatorRegistry.defaultName
    @Option(help: "Index precomputed term sets (annotate output, NOUNS.jsonl) instead of annotating.") var annotations: String?
    @Option(help: "Output index directory.") var out: String
    @Option(help: "Build shard I of N (records with id mod N == I).") var shard: String?
    @Option(help: "Annotator workers (default: one per core).") var jobs: Int?
    @Option(help: "Captions per annotation batch.") var batchSize = 4000

    func run() throws {
        let options = input.options
        let shardSpec = try shard.map(ShardSpec.init(parsing:)) ?? .whole
        let paths = input.paths
        let output = URL(fileURLWithPath: out)
        let progress = ProgressBar("index text")
        let header: TextIndexHeader
        if let annotations {
            let identity = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: 1)).identity
            header = try TextIndexer.build(corpus: paths, options: options, annotations: URL(fileURLWithPath: annotations),
                                           annotator: identity, shard: shardSpec, output: output, progress: progress,
                                           skipped: { input.reportSkips(command: "index text", skipped: $0, reasons: $1) })
        } else {
            let made = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: jobs))
            header = try TextIndexer.build(corpus: paths, options: options, annotators: [made], shard: shardSpec,
                                           output: output, batchSize: batchSize, progress: progress,
                                           skipped: { input.reportSkips(command: "index text", skipped: $0, reasons: $1) })
        }
        FileHandle.standardError.write(Data(("index text: \(header.indexedRecordCount) of \(header.recordCount) records (shard \(header.shard)), "
            + "\(header.termCount) terms, \(header.postingCount) postings, annotator \(header.annotator) -> \(output.path)\n").utf8))
    }
}
