import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench beyond-tail`: the wordnet index and beyond-tail counting against
/// clip-beyond-tail's own Python preprocessing and counting loop.
struct BenchBeyondTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beyond-tail",
        abstract: "index text --annotator wordnet and search text --method beyond-tail vs clip-beyond-tail's Python (NLTK 3.8.1) preprocessing and counting loop.",
        discussion: """
            Captions: CC3M-val repeated to --captions, as a cc3m TSV both sides read; counting uses the first \
            --count-captions (default: CC3M-val once). Concepts: upstream's ImageNet run (the peers' \
            descriptors_imagenet.json names, descriptors_imagenet_synset.json synonyms, --rules imagenet). The Python \
            side is scripts/beyond_tail_bench.py in the interpreter and NLTK data of `ci/setup-wordnet --oracle` \
            (one process; upstream's preprocessing per caption, its counting loop over token sets in memory); the \
            two sides run alternately, their token sets and counts files must be identical. Use a release build.

            Examples:
              ci/setup-wordnet --oracle && swift build -c release
              .build/release/freqbench bench beyond-tail
              .build/release/freqbench bench beyond-tail --captions 200000 --repetitions 5
            """)

    @Option(help: "Captions preprocessed (the corpus repeated in order).") var captions = 100_000
    @Option(help: "Captions counted, the first of them (0: the corpus once).") var countCaptions = 0
    @Option(help: "Alternating runs of each side.") var repetitions = 3
    @Option(help: "Workers of index text (default: one per core).") var threads: Int?
    @Option(help: "Corpus (cc3m format; default: CC3M-val from the shared corpora).") var corpus: String?
    @Option(help: "Concept list (default: the peers' descriptors_imagenet.json).") var concepts: String?
    @Option(help: "Synonyms file (default with the default concepts: descriptors_imagenet_synset.json).") var synonyms: String?
    @Option(help: "Dataset rules (default with the default concepts: imagenet).") var rules: String?
    @Option(help: "Python interpreter with nltk 3.8.1 (default: .venv-nltk/bin/python of the repository).") var python: String?
    @Option(help: "NLTK_DATA for the Python side (default: $NLTK_DATA, else .cache/nltk_data of the repository).") var nltkData: String?
    @Option(help: "Cache directory for the inputs, indexes and logs.") var cache = "/tmp/freqbench-bench"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let root = DataPaths.repositoryRoot
        let descriptors = DataPaths.peers.appendingPathComponent("clip-beyond-tail/metadata/descriptors")
        let defaultConcepts = concepts == nil
        var configuration = BeyondTailBenchmark.Configuration(
            corpus: try DataPaths.require(corpus.map { URL(fileURLWithPath: $0) } ?? DataPaths.corpora.appendingPathComponent("cc3m_val.tsv"),
                                          variable: "FREQBENCH_CORPORA"),
            concepts: try DataPaths.require(concepts.map { URL(fileURLWithPath: $0) } ?? descriptors.appendingPathComponent("descriptors_imagenet.json"),
                                            variable: "FREQBENCH_PEERS"),
            cacheDirectory: URL(fileURLWithPath: cache),
            python: python ?? root.appendingPathComponent(".venv-nltk/bin/python").path,
            nltkData: nltkData ?? ProcessInfo.processInfo.environment["NLTK_DATA"].flatMap { $0.isEmpty ? nil : $0 }
                ?? root.appendingPathComponent(".cache/nltk_data").path,
            script: root.appendingPathComponent("scripts/beyond_tail_bench.py"),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        configuration.synonyms = try (synonyms.map { URL(fileURLWithPath: $0) }
            ?? (defaultConcepts ? descriptors.appendingPathComponent("descriptors_imagenet_synset.json") : nil))
            .map { try DataPaths.require($0, variable: "FREQBENCH_PEERS") }
        configuration.rules = rules ?? (defaultConcepts ? "imagenet" : nil)
        configuration.captions = captions
        configuration.countCaptions = countCaptions
        configuration.repetitions = repetitions
        if let threads { configuration.threads = threads }
        guard FileManager.default.isExecutableFile(atPath: configuration.python) else {
            throw ValidationError("no Python at \(configuration.python): run ci/setup-wordnet --oracle (or pass --python)")
        }
        let figures = try BeyondTailBenchmark(configuration: configuration).run { FileHandle.standardError.write(Data(("bench beyond-tail: " + $0 + "\n").utf8)) }
        if json {
            print(JSONWriter(indent: 2).string(BenchmarkFigure.document(figures)))
        } else {
            for figure in figures { print(figure.line(significantDigits: 4)) }
        }
    }
}
