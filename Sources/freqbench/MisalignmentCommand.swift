import ArgumentParser
import Foundation
import FreqBench

/// `freqbench misalignment --text TEXT_INDEX --image INDEX_DIR --threshold T [--concepts FILE] --dataset-size N --out M.json`
struct MisalignmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "misalignment",
        abstract: "Misalignment degree: samples whose caption and image both have concepts, but no concept in common.",
        discussion: """
        Writes upstream's misalignment_metrics/*.json shape (values are fractions although the keys say percent). \
        Without --concepts, the 3,811 distinct concept names of the 21 downstream datasets are used.
        """)

    @Option(help: "Text index directory.")
    var text: String

    @Option(help: "Image index directory.")
    var image: String

    @Option(help: "Image threshold; must be one the image index was built with.")
    var threshold: String

    @Option(help: "Concepts (JSON object keys or one per line); default: all concepts of the 21 downstream datasets.")
    var concepts: String?

    @Option(help: "Fixed dataset size: a number, or cc3m|cc12m|yfcc15m|laion400m|laion_aesthetics for upstream's sizes.")
    var datasetSize: String

    @Option(help: "Output JSON.")
    var out: String

    func run() throws {
        let size: Int
        if let number = Int(datasetSize) {
            size = number
        } else if let known = Misalignment.datasetSizes[datasetSize] {
            size = known
        } else {
            throw ValidationError("--dataset-size must be a number or one of \(Misalignment.datasetSizes.keys.sorted().joined(separator: ", "))")
        }
        let list = try concepts.map { try ConceptList.read(URL(fileURLWithPath: $0)) } ?? DefaultConceptList.names()
        let result = try Misalignment.compute(text: try TextIndex(directory: URL(fileURLWithPath: text)),
                                              image: try ImageIndex.open(URL(fileURLWithPath: image)),
                                              threshold: try TagThreshold(parsing: threshold),
                                              concepts: list, datasetSize: size)
        try result.write(to: URL(fileURLWithPath: out))
    }
}
