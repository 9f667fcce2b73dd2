import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench`: speed measurements, as ratios to a baseline measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed as ratios to a baseline in the same run.",
        subcommands: [BenchEvalCommand.self, BenchTextCommand.self, BenchImageCommand.self, BenchScaleCommand.self, BenchCorpusCommand.self,
                      BenchMetaCLIPCommand.self, BenchBeyondTailCommand.self])
}

/// `freqbench bench eval`: zero-shot scoring vs bare sgemm on the same shapes.
struct BenchEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Zero-shot scoring throughput as a share of bare sgemm throughput (same shapes, same run).")

    @Option(help: "Image feature rows.") var samples = 50_000
    @Option(help: "Feature dimension.") var dimension = 512
    @Option(help: "Classes.") var classes = 1_000
    @Option(help: "Timed repetitions (best kept).") var repetitions = 5
    @Option(help: "Image rows the scorer multiplies and ranks per batch.") var batchRows = ZeroShotScorer().batchRows
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let benchmark = EvalBenchmark(samples: samples, dimension: dimension, classes: classes, repetitions: repetitions,
                                      batchRows: batchRows)
        let result = try benchmark.run()
        if json {
            print(JSONWriter(indent: 2).string(.object([
                "samples": .int(samples), "dimension": .int(dimension), "classes": .int(classes),
                "blas_threads": .int(BLAS.threads), "batch_rows": .int(batchRows),
                "sgemm_seconds": .double(result.sgemmSeconds), "scoring_seconds": .double(result.scoringSeconds),
                "ratio": .double(result.ratio), "provenance": Provenance.current().json,
            ])))
        } else {
            print(String(format: "sgemm %d×%d·%d: %.3f s; scoring: %.3f s; ratio %.1f%% (BLAS threads %d, batch rows %d)",
                         samples, dimension, classes, result.sgemmSeconds, result.scoringSeconds, 100 * result.ratio, BLAS.threads, batchRows))
        }
    }
}
