import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench scale`: plan → shards → merge on a synthetic corpus, measured step by
/// step, and a projection for LAION-400M and LAION-2B.
struct BenchScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Plan, shard jobs and merge on a synthetic corpus, each step measured (throughput, peak memory); a LAION projection.",
        discussion: """
            Use a release build. Each step runs as a child process of this binary, measured on its own. \
            The synthetic corpus (CC3M-val captions sampled with replacement into cc3m TSV files) is \
            cached. --slurm runs the shard jobs and the merge through `cluster run --wait` (run \
            ci/setup-slurm first); --merge-postings also times a merge of that many synthetic postings.

            Examples:
              swift build -c release && .build/release/freqbench bench scale --captions 1000000 --shards 32
              .build/release/freqbench bench scale --captions 4000000 --shards 16 --jobs-per-shard 2 --slurm --merge-postings 100000000
            """)

    @Option(help: "Captions of the synthetic corpus.") var captions = 1_000_000
    @Option(help: "Files the corpus is written in.") var files = 8
    @Option(help: "Shards of the plan.") var shards = 32
    @Option(help: "Annotator of the shard jobs.") var annotator = "builtin"
    @Option(help: "Annotator threads per shard job (--jobs; --cpus-per-task through Slurm).") var jobsPerShard = 1
    @Flag(help: "Run the shard jobs and the merge through Slurm (`cluster run --wait`).") var slurm = false
    @Option(help: "Also time the merge of this many synthetic postings (0: skip).") var mergePostings = 0
    @Option(help: "Shards of the synthetic merge.") var mergeShards = 32
    @Option(help: "Cache directory.") var cache = "/tmp/freqbench-bench"
    @Flag(help: "Keep the work directory (CACHE/scale-run: plan, shards, merged indexes).") var keepWork = false
    @Option(help: "Also write the result as JSON here.") var out: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard captions >= 1, files >= 1, shards >= 1, jobsPerShard >= 1, mergeShards >= 1, mergePostings >= 0 else {
            throw ValidationError("sizes and counts must be positive")
        }
    }

    func run() throws {
        var configuration = ScaleBenchmark.Configuration(
            source: DataPaths.corpora.appendingPathComponent("cc3m_val.tsv"),
            nouns: DataPaths.reference.appendingPathComponent("cc3m_val/nouns.jsonl"),
            cacheDirectory: URL(fileURLWithPath: cache),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        configuration.captions = captions
        configuration.files = files
        configuration.shards = shards
        configuration.annotator = annotator
        configuration.jobsPerShard = jobsPerShard
        configuration.slurm = slurm
        configuration.mergePostings = mergePostings
        configuration.mergeShards = mergeShards
        configuration.keepWork = keepWork
        let result = try ScaleBenchmark(configuration: configuration).run { FileHandle.standardError.write(Data(("bench scale: " + $0 + "\n").utf8)) }
        if let out { try JSONWriter(indent: 2).write(result.json, to: URL(fileURLWithPath: out)) }
        if json {
            print(JSONWriter(indent: 2).string(result.json))
            return
        }
        print("| step | seconds | rate | peak memory | detail |\n|---|---|---|---|---|")
        for step in result.steps {
            print(String(format: "| %@ | %.2f | %.1f %@ | %.0f MiB | %@ |", step.name, step.seconds, step.rate, step.unit,
                         Double(step.peakResidentBytes) / 1_048_576, step.detail))
        }
        print(String(format: "largest shard read / its range: %.4f", result.shardBytesRatio))
        print("\n| corpus | nodes × cores | plan h | shards h | merge h | total h | index GB |\n|---|---|---|---|---|---|---|")
        for row in result.projections {
            print(String(format: "| %@ | %d × %d | %.2f | %.2f | %.2f | %.2f | %.0f |", row.corpus, row.nodes, row.coresPerNode,
                         row.planHours, row.shardHours, row.mergeHours, row.totalHours, row.indexGigabytes))
        }
        print("\nAssumptions:")
        for assumption in result.assumptions { print("- \(assumption)") }
    }
}
