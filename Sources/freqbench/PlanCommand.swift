import ArgumentParser
import Foundation
import FreqBench

/// What `freqbench plan` plans: a caption corpus format, or `hdf5` tag probabilities.
enum PlanInputFormat: String, ExpressibleByArgument, CaseIterable {
    case cc3m, cc12m, tsv, csv, jsonl, wds, parquet, hdf5
    case clipRocket = "clip-rocket"

    /// The caption corpus format, or nil for tag probabilities.
    var corpusFormat: CorpusFormat? { CorpusFormat(rawValue: rawValue) }
}

/// `freqbench plan CORPUS... --format F --shards N --out PLAN.json`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a sharded run: count and digest the corpus once, cut it into N contiguous shards balanced by bytes.",
        discussion: """
            The plan (JSON, docs/FORMATS.md "Plans") lists the files in order with size, modification \
            time, SHA-256, record count and first global id, and N shards as contiguous id ranges made \
            of whole files or byte ranges that start at records. Shard jobs (`index text --plan PLAN.json \
            --shard I`) read only their own bytes and check them against the plan; `cluster run` runs \
            them all on Slurm and merges. With --format hdf5 the inputs are RAM++ tag-probability files: \
            the plan reads their metadata only and cuts the rows of all files into N ranges \
            (`index image --plan PLAN.json --shard I`, `cluster run --job index-image`).

            Examples:
              freqbench plan laion/ --format parquet --shards 64 --out laion.plan.json
              freqbench cluster run laion.plan.json --job index-text --annotator builtin --out laion.index --wait
              freqbench plan rampp/*.h5 --format hdf5 --shards 16 --out rampp.plan.json
            """)

    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), or tag-probability HDF5 files.")
    var corpus: [String]

    @Option(help: "Input format: a caption corpus format, or hdf5 (tag probabilities).")
    var format: PlanInputFormat

    @OptionGroup var reading: CorpusReadingArguments

    @Option(help: "Number of shards.")
    var shards: Int

    @Option(help: "Output plan file (JSON).")
    var out: String

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        let paths = corpus.map { URL(fileURLWithPath: $0) }
        guard let corpusFormat = format.corpusFormat else {
            let plan = try TagProbabilityPlan.plan(paths: paths, shardCount: shards)
            try plan.write(to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data(("plan: \(plan.files.count) tag-probability files, \(plan.rowCount) rows, "
                + "\(plan.shards.count) shards of \(plan.shards.map(\.count).min() ?? 0)–\(plan.shards.map(\.count).max() ?? 0) rows -> \(out)\n").utf8))
            return
        }
        let start = ContinuousClock.now
        let plan = try CorpusPlanner.plan(paths: paths, options: reading.options(format: corpusFormat), shardCount: shards,
                                          progress: ProgressBar("plan"))
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        try plan.write(to: URL(fileURLWithPath: out))
        let sizes = plan.shards.map(\.bytes)
        let megabytes = Double(plan.totalBytes) / 1e6
        FileHandle.standardError.write(Data(("plan: \(plan.files.count) files, \(plan.recordCount) records, "
            + String(format: "%.1f MB in %.2f s (%.0f MB/s); ", megabytes, seconds, seconds > 0 ? megabytes / seconds : 0)
            + "\(plan.shards.count) shards of \(sizes.min() ?? 0)–\(sizes.max() ?? 0) bytes -> \(out)\n").utf8))
    }
}
