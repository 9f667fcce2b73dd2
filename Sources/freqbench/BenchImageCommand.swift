import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench image`: image index build speed vs reading the probabilities.
struct BenchImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Image index build (5 thresholds, one pass) vs reading the same HDF5 dataset and doing nothing.",
        discussion: "Use a release build (swift build -c release). The synthetic file (~1.8 GB at the defaults) is generated once in the cache directory.")

    @Option(help: "Samples (rows) of the synthetic file.")
    var samples = 200_000

    @Option(help: "Tags (columns) of the synthetic file.")
    var tags = 4_585

    @Option(help: "float16 or float32.")
    var precision = "float16"

    @Option(help: "Rows per HDF5 chunk of the synthetic file.")
    var chunkRows = 256

    @Option(help: "Timed runs of each side (best kept).")
    var repetitions = 3

    @Option(help: "Bytes of probabilities per read (rounded to whole chunks), both sides.")
    var blockBytes = ImageIndexBuilder.defaultBlockBytes

    @Option(help: "Directory for the synthetic file.")
    var cache = "/tmp/freqbench-bench"

    @Option(help: "Also write the result as JSON here.")
    var out: String?

    func run() throws {
        var benchmark = try ImageBenchmark(cacheDirectory: URL(fileURLWithPath: cache))
        benchmark.samples = samples
        benchmark.tags = tags
        guard let precision = TagPrecision(rawValue: precision) else { throw ValidationError("--precision must be float16 or float32") }
        benchmark.precision = precision
        benchmark.chunkRows = chunkRows
        benchmark.repetitions = repetitions
        benchmark.blockBytes = blockBytes
        let result = try benchmark.run { message in FileHandle.standardError.write(Data((message + "\n").utf8)) }
        let gb = Double(result.bytes) / 1e9
        print("image index build, \(samples) samples × \(tags) tags \(precision), thresholds 0.5,0.55,0.6,0.65,0.7")
        print(String(format: "read only (baseline): %.3f s  %.2f GB/s", result.readSeconds, gb / result.readSeconds))
        print(String(format: "build (one pass):     %.3f s  %.2f GB/s  %d postings", result.buildSeconds, gb / result.buildSeconds, result.postings))
        print(String(format: "ratio build/read speed: %.3f (target >= 0.70)", result.ratio))
        if let out { try JSONWriter(indent: 2).write(result.json, to: URL(fileURLWithPath: out)) }
    }
}
