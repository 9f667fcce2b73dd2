import ArgumentParser
import Foundation
import FreqBench

/// `freqbench bench text`: text index and search speed and size, each next to a baseline
/// measured in the same run (spaCy for annotation, upstream's Python dict of sets for
/// counting, CRoaring for size and intersection).
struct BenchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Annotate+index, merge, count and intersection speed; bytes per posting; cold first query.")

    @Option(help: "Synthetic index size in captions.") var size = 1_000_000
    @Option(help: "Captions used to time annotate+index per annotator (the first N of the corpus; default: all 15,833 of CC3M-val, so per-token caches reach a steady state).") var annotateCaptions = 15_833
    @Option(help: "Annotators to time (default: every registered one but wordnet); spacy, the baseline of the ratios, always runs first.") var annotator: [String] = []
    @Option(help: "Timed repetitions (best kept).") var repeats = 5
    @Option(help: "Cache directory for the synthetic corpus and indexes.") var cache: String?
    @Option(help: "Python interpreter for the baseline script.") var python = "python3"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let root = DataPaths.repositoryRoot
        let reference = DataPaths.reference.appendingPathComponent("cc3m_val")
        let datasets = try FileManager.default.contentsOfDirectory(atPath: reference.path)
            .filter { $0.hasPrefix("counts_") && $0.hasSuffix("_lemmatized.json") }.sorted()
        var configuration = TextBenchmark.Configuration(
            nouns: reference.appendingPathComponent("nouns.jsonl"),
            corpus: DataPaths.corpora.appendingPathComponent("cc3m_val.tsv"),
            conceptFiles: datasets.map { reference.appendingPathComponent($0) },
            queryLemmas: reference.appendingPathComponent("query_lemmas.json"),
            cacheDirectory: cache.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".cache/bench-text"),
            baselineScript: root.appendingPathComponent("scripts/bench_text_baseline.py"),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        configuration.size = size
        configuration.annotateCaptions = annotateCaptions
        configuration.repeats = repeats
        configuration.python = python
        // By default the annotators of the paper's semantics (wordnet is clip-beyond-tail's: `bench beyond-tail`).
        let names = TextBenchmark.annotatorOrder(requested: annotator, registered: AnnotatorRegistry.names.filter { $0 != "wordnet" })
        let annotators = names.map { name in (name: name, make: { try AnnotatorRegistry.make(name) as any Annotator }) }
        let figures = try TextBenchmark(configuration: configuration).run(annotators: annotators) { figure in
            if !json { print(figure.line()) }
        }
        if json { print(JSONWriter(indent: 2).string(BenchmarkFigure.document(figures, fields: [("size", .int(size))]))) }
    }
}
