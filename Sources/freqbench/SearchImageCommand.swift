import ArgumentParser
import Foundation
import FreqBench

/// `freqbench search image INDEX_DIR --threshold T --concepts FILE --out COUNTS.json`
struct SearchImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Image counts (rampp<T>): samples tagged with each concept at a threshold.",
        discussion: """
        Concepts absent from the tag list are skipped (absent from the output), as upstream. \
        Output: JSON object tag -> count in input order, indented as upstream's search_counts files.
        """)

    @Argument(help: "Image index directory (from `index image`).")
    var index: String

    @Option(help: "Threshold; must be one the index was built with.")
    var threshold: String

    @Option(help: "Concepts: an upstream-style JSON object (its keys) or a text file, one per line.")
    var concepts: String

    @Option(help: "Output counts JSON.")
    var out: String

    @Option(help: "Tag matching: exact, or laion_aesthetics (retry lower/Capitalized word combinations joined by _).")
    var datasetStyle: String = TagMatching.exact.rawValue

    @Option(help: "Print how this concept was counted.")
    var explain: [String] = []

    func run() throws {
        guard let matching = TagMatching(rawValue: datasetStyle) else {
            throw ValidationError("--dataset-style must be one of \(TagMatching.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let search = try ImageSearch(index: try ImageIndex.open(URL(fileURLWithPath: index)),
                                     threshold: try TagThreshold(parsing: threshold), matching: matching)
        let list = try ConceptList.read(URL(fileURLWithPath: concepts))
        let counts = search.counts(concepts: list)
        try TextSearchOutput.write(counts, to: URL(fileURLWithPath: out))
        for concept in explain { print(search.explain(concept) + "\n") }
    }
}
