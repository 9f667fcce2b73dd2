import ArgumentParser
import Foundation
import FreqBench

/// `freqbench search metaclip CORPUS... --format F --concepts FILE --out COUNTS.json`: MetaCLIP's
/// substring-matching counts, straight from the captions (no index).
struct SearchMetaCLIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metaclip",
        abstract: "Count the captions each concept matches with MetaCLIP's substring matching (read from the corpus, no index).",
        discussion: """
            MetaCLIP's rule (metaclip/metaclip1/substr_matching.py): the caption is wrapped in spaces, each of \
            , . ; : ? ! and ` gets a space on each side, TAB, LF and CR become spaces; a concept matches when \
            " " + concept + " " is a case-sensitive substring of that. A concept's count is the number of captions \
            it matches (once per caption). All concepts are counted in one pass over the corpus, on --threads cores.

            Concepts come from a JSON object (its keys, in order; e.g. an upstream search_counts file) or a text file \
            with one concept per line (JSON string literals such as "A300B4" are decoded), as for search text, and \
            from --concept. The output is the JSON object concept -> count in input order, shaped like upstream's \
            search_counts files; without --out it is printed.

            Examples (from the repository root):
              freqbench search metaclip ../shared/corpora/cc3m_val.tsv --format cc3m \\
                  --concepts Fixtures/metaclip/entries.txt --out /tmp/counts.json
              freqbench search metaclip Fixtures/metaclip/captions.jsonl \\
                  --format jsonl --concept "hot dog" --concept dog
              freqbench search metaclip ../shared/corpora/cc3m_val.tsv --format cc3m \\
                  --explain dog --explain "St. Louis" --samples 3
            """)

    @OptionGroup var corpus: CorpusArguments

    @Option(help: "Concept list: JSON object (keys) or text file (one per line).")
    var concepts: String?

    @Option(help: "A concept to count (repeatable); the counts go to stdout unless --out is given.")
    var concept: [String] = []

    @Option(help: "Output counts file (JSON).")
    var out: String?

    @Option(help: "Explain a concept (repeatable): its pattern and the first matching captions with their ids (on stderr).")
    var explain: [String] = []

    @Option(help: "Matching captions shown per --explain concept.")
    var samples = 10

    @Option(help: "Counting threads (default: one per core).")
    var threads: Int?

    @Option(help: "Records read per batch (the next batch is read while this one is counted).")
    var batchSize = 65_536

    @Option(help: "JSON indent of the output.")
    var indent = 4

    @Flag(help: "Print one JSON line of statistics on stderr (records, bytes, automaton size, seconds).")
    var stats = false

    func validate() throws {
        guard concepts != nil || !concept.isEmpty || !explain.isEmpty else {
            throw ValidationError("give --concepts FILE, --concept NAME or --explain NAME")
        }
        guard samples >= 0, batchSize > 0, threads.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--samples must be ≥ 0, --batch-size and --threads > 0")
        }
    }

    func run() throws {
        var list = concept
        if let concepts { list += try ConceptList.read(URL(fileURLWithPath: concepts)) }
        let buildStart = ContinuousClock.now
        let counter = try SubstringMatchCounter(concepts: list + explain, threads: threads)
        let buildSeconds = (ContinuousClock.now - buildStart).seconds
        let countStart = ContinuousClock.now
        let result = try counter.count(try corpus.makeReader(), watched: explain, sampleCount: samples, batchSize: batchSize,
                                       progress: ProgressBar("search metaclip"))
        let countSeconds = (ContinuousClock.now - countStart).seconds
        corpus.reportSkips(command: "search metaclip", skipped: result.skippedRecords, reasons: result.skipReasons)
        if !list.isEmpty {
            let counts = result.counts(of: list)
            if let out {
                try TextSearchOutput.write(counts, to: URL(fileURLWithPath: out), indent: indent)
            } else {
                print(TextSearchOutput.string(counts, indent: indent))
            }
        }
        let all = result.counts(of: explain)
        for name in explain {
            let explanation = SubstringMatchExplanation(concept: name, count: all[name] ?? 0, records: result.records,
                                                        samples: result.samples[name] ?? [])
            FileHandle.standardError.write(Data((explanation.text + "\n").utf8))
        }
        if stats {
            let automaton = counter.automaton
            let line = JSONWriter().string(.object([
                "records": .int(result.records), "caption_bytes": .int(result.captionBytes), "entries": .int(counter.concepts.count),
                "states": .int(automaton.stateCount), "cells": .int(automaton.cellCount), "classes": .int(automaton.classCount),
                "automaton_bytes": .int(automaton.memoryBytes), "threads": .int(counter.threads),
                "build_seconds": .double(buildSeconds), "count_seconds": .double(countSeconds),
            ]))
            FileHandle.standardError.write(Data(("stats: " + line + "\n").utf8))
        }
    }
}
