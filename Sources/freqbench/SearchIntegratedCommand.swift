import ArgumentParser
import Foundation
import FreqBench

/// `freqbench search integrated --text TEXT_INDEX --image INDEX_DIR --threshold T --concepts FILE --out COUNTS.json`
struct SearchIntegratedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrated",
        abstract: "Integrated counts (integrated_tlemmatized_i<T>): samples whose caption AND image have the concept.",
        discussion: """
        Text hits use the lemmatized method (query terms from --annotator, or from --query-lemmas); \
        image hits the tag at the threshold. Count = |text hits ∩ image hits|. Concepts without a tag are skipped.
        """)

    @Option(help: "Text index directory (from `index text`).")
    var text: String

    @Option(help: "Image index directory (from `index image`).")
    var image: String

    @Option(help: "Image threshold; must be one the image index was built with.")
    var threshold: String

    @Option(help: "Concepts: an upstream-style JSON object (its keys) or a text file, one per line.")
    var concepts: String

    @Option(help: "Output counts JSON.")
    var out: String

    @Option(help: "Text search method: lemmatized (upstream's integrated counts) or lowercased.")
    var method: String = TextSearchMethod.lemmatized.rawValue

    @Option(help: "Annotator for query lemmas: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Query lemmas from a JSON object word -> lemma instead of an annotator.")
    var queryLemmas: String?

    @Option(help: "Tag matching: exact, or laion_aesthetics (retry lower/Capitalized word combinations joined by _).")
    var datasetStyle: String = TagMatching.exact.rawValue

    @Option(help: "Print how this concept was counted.")
    var explain: [String] = []

    func run() throws {
        guard let matching = TagMatching(rawValue: datasetStyle) else {
            throw ValidationError("--dataset-style must be one of \(TagMatching.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let method = TextSearchMethod(rawValue: method) else { throw ValidationError("--method must be lemmatized or lowercased") }
        let imageSearch = try ImageSearch(index: try ImageIndex.open(URL(fileURLWithPath: image)),
                                          threshold: try TagThreshold(parsing: threshold), matching: matching)
        let textSearch = TextSearch(index: try TextIndex(directory: URL(fileURLWithPath: text)))
        let search = IntegratedSearch(text: textSearch, image: imageSearch, method: method)
        let list = try ConceptList.read(URL(fileURLWithPath: concepts))
        let lemmatizer: (any Annotator)? = method == .lowercased ? nil
            : try queryLemmas.map { try QueryLemmaTable(contentsOf: URL(fileURLWithPath: $0)) } ?? AnnotatorRegistry.make(annotator)
        let terms = try TextSearch.queryTerms(for: list + explain, method: method, annotator: lemmatizer)
        try TextSearchOutput.write(try search.counts(concepts: list, queryTerms: Array(terms.prefix(list.count))),
                                   to: URL(fileURLWithPath: out))
        for (concept, conceptTerms) in zip(explain, terms.dropFirst(list.count)) {
            print(try search.explain(concept, queryTerms: conceptTerms) + "\n")
        }
    }
}
