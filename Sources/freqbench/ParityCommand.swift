import ArgumentParser
import Foundation
import FreqBench

/// `freqbench parity`: how closely the builtin annotator follows spaCy on a corpus.
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Agreement of the builtin annotator with spaCy (or of any two annotators) on a corpus: identical noun sets, exact concept counts, frequent disagreements.",
        discussion: """
            Runs both annotators on the captions and prints the share of captions whose noun-term
            sets are identical, per concept list the share of concepts whose lemmatized count is
            exact (and the largest relative error), and the terms that differ most often with the
            builtin tags of their tokens. Needs spaCy (ci/setup-spacy) and the builtin model
            (ci/setup-builtin).
            --reference/--candidate compare other pairs, e.g. the fast tagger against the exact
            port: --reference builtin-exact --candidate builtin (no spaCy needed).
            Example: freqbench parity ../shared/corpora/cc3m_val.tsv --format cc3m --limit 5000
            """)

    @OptionGroup var input: CorpusArguments

    @Option(name: .customLong("concepts"), help: "Concept list file (JSON object keys or one per line); repeatable. Default: the 20 reference lists of ../shared/reference/cc3m_val.")
    var conceptFiles: [String] = []

    @Option(help: "Use only the first N captions.")
    var limit: Int?

    @Option(help: "How many disagreements to list.")
    var top: Int = 25

    @Option(help: "Worker processes/threads per annotator (default: one per core).")
    var workers: Int?

    @Option(help: "Reference annotator.")
    var reference = "spacy"

    @Option(help: "Annotator compared with the reference: builtin, or builtin-exact (the builtin annotator without its fast tagger).")
    var candidate = "builtin"

    func run() throws {
        let reader = try input.makeReader()
        var captions: [String] = []
        while limit.map({ captions.count < $0 }) ?? true, let record = try reader.next() { captions.append(record.caption) }
        input.reportSkips(command: "parity", of: reader)
        let lists = try conceptLists()
        let referenceAnnotator = try AnnotatorRegistry.make(reference, options: AnnotatorOptions(workers: workers))
        guard let candidateAnnotator = try AnnotatorRegistry.make(candidate, options: AnnotatorOptions(workers: workers)) as? BuiltinAnnotator else {
            throw ValidationError("--candidate must be builtin or builtin-exact (its tags are listed for disagreements)")
        }
        let parity = try AnnotatorParity.measure(captions: captions, reference: referenceAnnotator, candidate: candidateAnnotator,
                                                 conceptLists: lists, topDisagreements: top)
        print(ParityReport.text(parity, reference: referenceAnnotator.identity, candidate: candidateAnnotator.identity))
        if candidate == "builtin" {
            let stages = candidateAnnotator.fastDecisionShares.enumerated()
                .map { String(format: "stage %d %.2f %%", $0.offset, 100 * $0.element) }.joined(separator: ", ")
            print(String(format: "fast tagger decided %.2f %% of caption tokens (%@; the rest ran the exact network)",
                         100 * candidateAnnotator.fastDecisionShare, stages))
        }
    }

    private func conceptLists() throws -> [(name: String, concepts: [String])] {
        if !conceptFiles.isEmpty {
            return try conceptFiles.map { path in
                let url = URL(fileURLWithPath: path)
                return (url.deletingPathExtension().lastPathComponent, try ConceptList.read(url))
            }
        }
        let folder = DataPaths.reference.appendingPathComponent("cc3m_val")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return try names.filter { $0.hasPrefix("counts_") && $0.hasSuffix("_lemmatized.json") }.sorted().map { name in
            let dataset = String(name.dropFirst("counts_".count).dropLast("_lemmatized.json".count))
            return (dataset, try ConceptList.read(folder.appendingPathComponent(name)))
        }
    }
}
