import Collections
import Foundation

/// The concepts of a retrieval test set (COCO/Flickr style: consecutive groups of captions
/// describe one image), as upstream's `downstream_retrieval_extract_concepts.py` extracts them.
///
/// Per caption: the set of its NOUN/PROPN lemmas with `[^A-Za-z ]` removed, then lowercased
/// (the annotator's caption terms, lowercased). An image's concepts are the union over its
/// captions. Concepts in at least `minimumImages` images are kept.
///
/// Map key order (upstream's follows Python set iteration, which is not reproducible): first
/// appearance, scanning captions (or images) in order and each one's concepts in code-point
/// order. Id lists are ascending.
public struct RetrievalConceptExtraction: Sendable, Equatable {
    /// Kept concepts, in `conceptsToImageSamples` order.
    public var concepts: [String]
    /// Concept -> caption indices (0-based, caption order), kept concepts only.
    public var conceptsToTextSamples: OrderedDictionary<String, [Int]>
    /// Concept -> image indices (caption index / captionsPerImage), kept concepts only.
    public var conceptsToImageSamples: OrderedDictionary<String, [Int]>
    public var captionCount: Int
    public var captionsPerImage: Int
    public var minimumImages: Int

    /// Extracts concepts from per-caption term sets (`Annotator.captionTerms`).
    public init(captionTerms: [[String]], captionsPerImage: Int = 5, minimumImages: Int = 10) throws {
        guard captionsPerImage > 0 else { throw FreqBenchError("captions per image must be positive") }
        guard captionTerms.count % captionsPerImage == 0 else {
            throw FreqBenchError("\(captionTerms.count) captions do not split into images of \(captionsPerImage) captions each")
        }
        let perCaption = captionTerms.map { CaptionTerms.sortedSet($0.map { $0.lowercased() }) }
        var toText = OrderedDictionary<String, [Int]>()
        for (caption, terms) in perCaption.enumerated() {
            for term in terms { toText[term, default: []].append(caption) }
        }
        var toImage = OrderedDictionary<String, [Int]>()
        for image in 0..<(perCaption.count / captionsPerImage) {
            let terms = CaptionTerms.sortedSet(perCaption[(image * captionsPerImage)..<((image + 1) * captionsPerImage)].joined())
            for term in terms { toImage[term, default: []].append(image) }
        }
        let kept = toImage.filter { $0.value.count >= minimumImages }
        conceptsToImageSamples = kept
        conceptsToTextSamples = toText.filter { kept[$0.key] != nil }
        concepts = Array(kept.keys)
        captionCount = captionTerms.count
        self.captionsPerImage = captionsPerImage
        self.minimumImages = minimumImages
    }

    /// Annotates `captions` in batches and extracts their concepts.
    public init(captions: [String], annotator: any Annotator, captionsPerImage: Int = 5, minimumImages: Int = 10,
                batchSize: Int = 1000) throws {
        var terms: [[String]] = []
        terms.reserveCapacity(captions.count)
        var start = 0
        while start < captions.count {
            let batch = Array(captions[start..<min(start + batchSize, captions.count)])
            let result = try annotator.captionTerms(batch)
            guard result.count == batch.count else {
                throw FreqBenchError("annotator \(annotator.identity) returned \(result.count) term sets for \(batch.count) captions")
            }
            terms += result
            start += batch.count
        }
        try self.init(captionTerms: terms, captionsPerImage: captionsPerImage, minimumImages: minimumImages)
    }

    /// The maps as the retrieval evaluation reads them back from CONCEPTS.json.
    public var retrievalConcepts: RetrievalConcepts {
        RetrievalConcepts(captionsByConcept: conceptsToTextSamples, imagesByConcept: conceptsToImageSamples)
    }

    /// The CONCEPTS.json document (docs/FORMATS.md, "Retrieval concepts").
    public func json(annotator: AnnotatorIdentity?, provenance: Provenance = .current()) -> JSONValue {
        func map(_ dictionary: OrderedDictionary<String, [Int]>) -> JSONValue {
            .object(OrderedDictionary(uniqueKeysWithValues: dictionary.map { ($0.key, JSONValue.array($0.value.map { .int($0) })) }))
        }
        return .object([
            "concepts": .array(concepts.map { .string($0) }),
            "concepts_to_text_samples": map(conceptsToTextSamples),
            "concepts_to_image_samples": map(conceptsToImageSamples),
            "caption_count": .int(captionCount),
            "image_count": .int(captionCount / captionsPerImage),
            "captions_per_image": .int(captionsPerImage),
            "min_images": .int(minimumImages),
            "annotator": annotator.map { .string($0.description) } ?? .null,
            "provenance": provenance.json,
        ])
    }
}
