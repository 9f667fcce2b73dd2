import ArgumentParser
import Foundation
import FreqBench

/// `freqbench concepts retrieval CAPTIONS --format ... --captions-per-image 5 --annotator ... --out CONCEPTS.json`
struct ConceptsRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Concepts of a retrieval test set (COCO/Flickr): concept -> caption ids and concept -> image ids.",
        discussion: """
        Per caption: NOUN/PROPN lemmas with [^A-Za-z ] removed, lowercased. An image's concepts are the union \
        over its consecutive --captions-per-image captions; concepts in at least --min-images images are kept. \
        Writes concepts_to_text_samples and concepts_to_image_samples (upstream's map names); see docs/FORMATS.md.
        """)

    /// Caption files, read in order: consecutive groups of --captions-per-image captions per image.
    @OptionGroup var input: CorpusArguments

    @Option(help: "Captions per image.")
    var captionsPerImage = 5

    @Option(help: "Keep concepts that occur in at least this many images.")
    var minImages = 10

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Output CONCEPTS.json.")
    var out: String

    func run() throws {
        let reader = try input.makeReader()
        var texts: [String] = []
        while let record = try reader.next() { texts.append(record.caption) }
        input.reportSkips(command: "concepts retrieval", of: reader)
        let annotator = try AnnotatorRegistry.make(annotator)
        let extraction = try RetrievalConceptExtraction(captions: texts, annotator: annotator,
                                                        captionsPerImage: captionsPerImage, minimumImages: minImages)
        try JSONWriter(indent: 1).write(extraction.json(annotator: annotator.identity), to: URL(fileURLWithPath: out))
    }
}
