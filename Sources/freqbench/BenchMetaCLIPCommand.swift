import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench metaclip`: MetaCLIP substring-matching counts against MetaCLIP's own
/// Python loop on the same captions and entries, and counting MB/s per core.
struct BenchMetaCLIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metaclip",
        abstract: "search metaclip vs MetaCLIP's substr_matching loop (same captions, same entries, identical counts); MB/s per core.",
        discussion: """
            Captions: CC3M-val repeated to --captions; entries: the 3,811 default concept names plus the most frequent \
            caption tokens, to --entries. The Python side is scripts/metaclip_substr_counts.py (MetaCLIP's own loop, one \
            process); the two sides run alternately and must write byte-identical counts. Use a release build; the Python \
            loop takes about 75 s per 200,000 captions with 5,000 entries.

            Examples:
              swift build -c release
              .build/release/freqbench bench metaclip --large-entries 500000
              .build/release/freqbench bench metaclip --no-baseline --repetitions 5
            """)

    @Option(help: "Captions (the corpus repeated in order).") var captions = 200_000
    @Option(help: "Entries (default concept names, then the most frequent caption tokens).") var entries = 5_000
    @Option(help: "Alternating runs of each side (and best-of count for the in-process figures, at least 3).") var repetitions = 3
    @Option(help: "Also build and time a synthetic MetaCLIP-sized entry set of this many entries (0: skip).") var largeEntries = 0
    @Option(help: "Threads of search metaclip (default: one per core).") var threads: Int?
    @Option(help: "Corpus (cc3m format; default: CC3M-val from the shared corpora).") var corpus: String?
    @Option(help: "Python interpreter for MetaCLIP's loop.") var python = "python3"
    @Option(help: "Cache directory for the captions and entries files.") var cache = "/tmp/freqbench-bench"
    @Flag(inversion: .prefixedNo, help: "Run MetaCLIP's Python loop and search metaclip as processes and compare (--no-baseline: only the in-process figures).")
    var baseline = true
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let root = DataPaths.repositoryRoot
        var configuration = SubstringMatchBenchmark.Configuration(
            corpus: corpus.map { URL(fileURLWithPath: $0) } ?? DataPaths.corpora.appendingPathComponent("cc3m_val.tsv"),
            cacheDirectory: URL(fileURLWithPath: cache),
            script: root.appendingPathComponent("scripts/metaclip_substr_counts.py"),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        configuration.captions = captions
        configuration.entries = entries
        configuration.repetitions = repetitions
        configuration.largeEntries = largeEntries
        configuration.python = python
        configuration.baseline = baseline
        if let threads { configuration.threads = threads }
        let figures = try SubstringMatchBenchmark(configuration: configuration).run { FileHandle.standardError.write(Data(("bench metaclip: " + $0 + "\n").utf8)) }
        if json {
            print(JSONWriter(indent: 2).string(BenchmarkFigure.document(figures)))
        } else {
            for figure in figures { print(figure.line(significantDigits: 4)) }
        }
    }
}
