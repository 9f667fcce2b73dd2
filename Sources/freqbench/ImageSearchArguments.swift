import ArgumentParser
import Foundation
import FreqBench

/// The options `search image` and `search integrated` share: which threshold, which
/// concepts, how tags are matched, where the counts go and which concepts to explain.
struct ImageSearchArguments: ParsableArguments {
    @Option(help: "Image threshold; must be one the image index was built with.")
    var threshold: String

    @Option(help: "Concepts: an upstream-style JSON object (its keys), a JSON array of strings, or a text file, one per line.")
    var concepts: String

    @Option(help: "Output counts JSON.")
    var out: String

    @Option(help: "Tag matching: exact, or laion_aesthetics (retry lower/Capitalized word combinations joined by _).")
    var datasetStyle: String = TagMatching.exact.rawValue

    @Option(help: "Print how this concept was counted.")
    var explain: [String] = []

    /// The image index at `index`, searched at `--threshold` with `--dataset-style`.
    func imageSearch(index: String) throws -> ImageSearch {
        guard let matching = TagMatching(rawValue: datasetStyle) else {
            throw ValidationError("--dataset-style must be one of \(TagMatching.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try ImageSearch(index: try ImageIndex.open(URL(fileURLWithPath: index)),
                               threshold: try TagThreshold(parsing: threshold), matching: matching)
    }

    /// The concepts of `--concepts`, in file order.
    func conceptList() throws -> [String] { try ConceptList.read(URL(fileURLWithPath: concepts)) }

    var outputURL: URL { URL(fileURLWithPath: out) }
}
