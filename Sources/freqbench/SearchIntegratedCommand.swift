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

    @OptionGroup var options: ImageSearchArguments

    @Option(help: "Text search method: lemmatized (upstream's integrated counts) or lowercased.")
    var method: String = TextSearchMethod.lemmatized.rawValue

    @Option(help: "Annotator for query lemmas: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Query lemmas from a JSON object word -> lemma instead of an annotator.")
    var queryLemmas: String?

    func run() throws {
        guard let method = TextSearchMethod(rawValue: method) else { throw ValidationError("--method must be lemmatized or lowercased") }
        let imageSearch = try options.imageSearch(index: image)
        let textSearch = TextSearch(index: try TextIndex(directory: URL(fileURLWithPath: text)))
        let search = IntegratedSearch(text: textSearch, image: imageSearch, method: method)
        let list = try options.conceptList()
        let lemmatizer: (any Annotator)? = method == .lowercased ? nil
            : try queryLemmas.map { try QueryLemmaTable(contentsOf: URL(fileURLWithPath: $0)) } ?? AnnotatorRegistry.make(annotator)
        let terms = try TextSearch.queryTerms(for: list + options.explain, method: method, annotator: lemmatizer)
        try TextSearchOutput.write(try search.counts(concepts: list, queryTerms: Array(terms.prefix(list.count))),
                                   to: options.outputURL)
        for (concept, conceptTerms) in zip(options.explain, terms.dropFirst(list.count)) {
            print(try search.explain(concept, queryTerms: conceptTerms) + "\n")
        }
    }
}
