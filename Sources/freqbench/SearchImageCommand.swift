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

    @OptionGroup var options: ImageSearchArguments

    func run() throws {
        let search = try options.imageSearch(index: index)
        let counts = search.counts(concepts: try options.conceptList())
        try TextSearchOutput.write(counts, to: options.outputURL)
        for concept in options.explain { print(try search.explain(concept) + "\n") }
    }
}
