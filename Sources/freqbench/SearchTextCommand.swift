import ArgumentParser
import Foundation
import FreqBench

/// `freqbench search text INDEX_DIR --concepts FILE --method lemmatized|lowercased|beyond-tail --out COUNTS.json`.
struct SearchTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Count the captions containing each concept, with upstream's semantics.",
        discussion: """
            Concepts come from a JSON object (its keys, in order; e.g. an upstream search_counts file) \
            or a text file with one concept per line (JSON string literals such as "A300B4" are decoded). \
            The output is the JSON object concept -> count in input order, shaped like upstream's \
            search_counts files. Query terms of the lemmatized method come from the index's annotator.

            --method beyond-tail counts as clip-beyond-tail's estimator does (docs/BEYOND-TAIL.md) on an index \
            built with --annotator wordnet: a concept's name is split into alternatives (after removing "(...)", \
            on " or " and " / "), or --synonyms gives each concept's alternatives; --rules adds that dataset's \
            negatives or rewrites. A caption counts when no negative has any of its lemmas in the caption and some \
            alternative has all of its lemmas there.

            Examples:
              freqbench index text cc3m_val.tsv --format cc3m --annotator wordnet --out cc3m.wordnet.index
              freqbench search text cc3m.wordnet.index --method beyond-tail \
                  --concepts descriptors_imagenet.json --synonyms descriptors_imagenet_synset.json --rules imagenet --out counts.json
            """)

    @Argument(help: "Index directory.") var index: String
    @Option(help: "Concept list: JSON object (keys), JSON array of strings, or text file (one per line).") var concepts: String?
    @Option(help: "A concept to count (repeatable); the counts go to stdout unless --out is given.") var concept: [String] = []
    @Option(help: "lemmatized, lowercased or beyond-tail.") var method: String
    @Option(help: "beyond-tail: a JSON object whose values, in order, are the concepts' alternatives (lists of strings, or names to split).")
    var synonyms: String?
    @Option(help: "beyond-tail: the dataset rules to apply: imagenet, places365 or cub.") var rules: String?
    @Option(help: "Output counts file (JSON).") var out: String?
    @Option(help: "Annotator for query terms (default: the index's own).") var annotator: String?
    @Option(help: "Query terms from a word -> lemma JSON table (e.g. the reference query_lemmas.json) instead of an annotator.")
    var queryLemmas: String?
    @Option(help: "Explain how a concept is counted (repeatable).") var explain: [String] = []
    @Option(help: "Corpus files, for --explain to show captions.") var corpus: [String] = []
    @Option(help: "Corpus format, with --corpus.") var format: String?
    @Option(help: "JSON indent of the output.") var indent = 4
    @Flag(help: "Print the time to open the index and answer the first concept on stderr.") var timing = false

    /// The method name of clip-beyond-tail's estimator.
    static let beyondTail = "beyond-tail"

    func validate() throws {
        if method == Self.beyondTail {
            if annotator != nil || queryLemmas != nil {
                throw ValidationError("--annotator and --query-lemmas do not apply to --method beyond-tail (lemmas come from WordNet)")
            }
        } else if synonyms != nil || rules != nil {
            throw ValidationError("--synonyms and --rules apply to --method beyond-tail only")
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        var list = concept
        if let concepts { list += try ConceptList.read(URL(fileURLWithPath: concepts)) }
        guard !list.isEmpty || !explain.isEmpty else { throw ValidationError("give --concepts FILE or --concept NAME") }
        if method == Self.beyondTail { return try runBeyondTail(list, start: start) }
        guard let searchMethod = TextSearchMethod(rawValue: method) else {
            throw ValidationError("unknown method '\(method)': expected lemmatized, lowercased or \(Self.beyondTail)")
        }
        let textIndex = try TextIndex(directory: URL(fileURLWithPath: index))
        let search = TextSearch(index: textIndex)
        let queryAnnotator = searchMethod == .lemmatized ? try makeAnnotator(for: textIndex.header.annotator) : nil
        if timing, let first = list.first {
            let terms = try TextSearch.queryTerms(for: [first], method: searchMethod, annotator: queryAnnotator)
            let count = try search.count(terms: terms[0])
            let milliseconds = (ContinuousClock.now - start).seconds * 1000
            FileHandle.standardError.write(Data("timing: open+first query \(String(format: "%.3f", milliseconds)) ms (count \(count))\n".utf8))
        }
        if !list.isEmpty {
            let terms = try TextSearch.queryTerms(for: list, method: searchMethod, annotator: queryAnnotator)
            let counts = try search.counts(concepts: list, queryTerms: terms)
            if let out {
                try TextSearchOutput.write(counts, to: URL(fileURLWithPath: out), indent: indent)
            } else {
                print(TextSearchOutput.string(counts, indent: indent))
            }
        }
        for name in explain {
            let terms = try TextSearch.queryTerms(for: [name], method: searchMethod, annotator: queryAnnotator)[0]
            var reader: CorpusReader?
            if !corpus.isEmpty {
                guard let format, let corpusFormat = CorpusFormat(rawValue: format) else {
                    throw ValidationError("--corpus needs --format \(CorpusFormat.allCases.map(\.rawValue).joined(separator: "|"))")
                }
                reader = try CorpusReader(paths: corpus.map { URL(fileURLWithPath: $0) }, options: CorpusOptions(format: corpusFormat))
            }
            let explanation = try TextSearchExplanation.explain(name, method: searchMethod, queryTerms: terms, search: search,
                                                                corpus: reader)
            FileHandle.standardError.write(Data((explanation.text + "\n").utf8))
        }
    }

    /// `--method beyond-tail`: clip-beyond-tail's counts (docs/BEYOND-TAIL.md) from a wordnet index.
    private func runBeyondTail(_ list: [String], start: ContinuousClock.Instant) throws {
        let textIndex = try TextIndex(directory: URL(fileURLWithPath: index))
        let search = try BeyondTailSearch(index: textIndex)
        let lemmas = try WordNetAnnotator(threads: 1)
        if lemmas.identity != textIndex.header.annotator {
            FileHandle.standardError.write(Data(("warning: concept lemmas from annotator \(lemmas.identity), "
                + "but the index was built with \(textIndex.header.annotator)\n").utf8))
        }
        let made = try BeyondTailConcept.concepts(names: list, synonyms: synonyms.map { URL(fileURLWithPath: $0) }, rules: rules,
                                                  annotator: lemmas)
        if timing, let first = made.first {
            let count = try search.count(first)
            let milliseconds = (ContinuousClock.now - start).seconds * 1000
            FileHandle.standardError.write(Data("timing: open+first query \(String(format: "%.3f", milliseconds)) ms (count \(count))\n".utf8))
        }
        if !list.isEmpty {
            let counts = try search.counts(made)
            if let out {
                try TextSearchOutput.write(counts, to: URL(fileURLWithPath: out), indent: indent)
            } else {
                print(TextSearchOutput.string(counts, indent: indent))
            }
        }
        for name in explain {
            // The concept as counted (its synonyms, when it is in the list), else made from its name.
            let explained = try made.last(where: { $0.name == name })
                ?? BeyondTailConcept.concepts(names: [name], synonyms: nil, rules: rules, annotator: lemmas)[0]
            var reader: CorpusReader?
            if !corpus.isEmpty {
                guard let format, let corpusFormat = CorpusFormat(rawValue: format) else {
                    throw ValidationError("--corpus needs --format \(CorpusFormat.allCases.map(\.rawValue).joined(separator: "|"))")
                }
                reader = try CorpusReader(paths: corpus.map { URL(fileURLWithPath: $0) }, options: CorpusOptions(format: corpusFormat))
            }
            let explanation = try BeyondTailExplanation.explain(explained, search: search, corpus: reader)
            FileHandle.standardError.write(Data((explanation.text + "\n").utf8))
        }
    }

    /// The index's own annotator, or the one (or the lemma table) asked for, with a warning when it differs.
    private func makeAnnotator(for identity: AnnotatorIdentity) throws -> any Annotator {
        let made: any Annotator = try queryLemmas.map { try QueryLemmaTable(contentsOf: URL(fileURLWithPath: $0)) }
            ?? AnnotatorRegistry.make(annotator ?? identity.name, options: AnnotatorOptions(workers: 1))
        if made.identity != identity {
            FileHandle.standardError.write(Data(("warning: query terms from annotator \(made.identity), "
                + "but the index was built with \(identity)\n").utf8))
        }
        return made
    }
}
