import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench corpus`: parquet reading vs pandas, and indexing parquet vs TSV.
struct BenchCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Parquet read speed vs upstream's pandas loader, and index text from parquet vs the same captions as TSV.",
        discussion: """
            Needs ci/setup-arrow (pyarrow and pandas in .venv-arrow). Use a release build.

            Example:
              swift build -c release && .build/release/freqbench bench corpus --rows 1000000
            """)

    @Option(help: "Rows of the synthetic img2dataset parquet.") var rows = 1_000_000
    @Option(help: "Alternating read runs of each side.") var repetitions = 3
    @Option(help: "Alternating index runs of each format.") var indexRepetitions = 1
    @Option(help: "Annotator for the index runs.") var annotator = "builtin"
    @Option(help: "Cache directory.") var cache = "/tmp/freqbench-bench"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let root = DataPaths.repositoryRoot
        var configuration = CorpusBenchmark.Configuration(
            cacheDirectory: URL(fileURLWithPath: cache),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
            python: root.appendingPathComponent(".venv-arrow/bin/python"),
            script: root.appendingPathComponent("scripts/bench_parquet.py"))
        configuration.rows = rows
        configuration.repetitions = repetitions
        configuration.indexRepetitions = indexRepetitions
        configuration.annotator = annotator
        let figures = try CorpusBenchmark(configuration: configuration).run { FileHandle.standardError.write(Data(("bench corpus: " + $0 + "\n").utf8)) }
        if json {
            print(JSONWriter(indent: 2).string(BenchmarkFigure.document(figures)))
        } else {
            for figure in figures { print(figure.line(significantDigits: 3)) }
        }
    }
}
