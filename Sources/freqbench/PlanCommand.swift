import ArgumentParser
import Foundation
import FreqBench

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
            them all on Slurm and merges.

            Example:
              freqbench plan laion/ --format tsv --caption-column caption --shards 64 --out laion.plan.json
              freqbench cluster run laion.plan.json --job index-text --annotator builtin --out laion.index --wait
            """)

    @OptionGroup var input: CorpusArguments

    @Option(help: "Number of shards.")
    var shards: Int

    @Option(help: "Output plan file (JSON).")
    var out: String

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let plan = try CorpusPlanner.plan(paths: input.paths, options: input.options, shardCount: shards,
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
