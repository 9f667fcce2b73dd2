import Collections
import Foundation

/// Which captions and which images carry each concept: the `concepts_to_text_samples` and
/// `concepts_to_image_samples` maps of a CONCEPTS.json written by `freqbench concepts retrieval`
/// (upstream's names). Concept order is the file's key order.
public struct RetrievalConcepts: Sendable, Equatable {
    /// concept → caption indices (used for text-to-image `conceptwise`).
    public let captionsByConcept: OrderedDictionary<String, [Int]>
    /// concept → image indices (used for image-to-text `conceptwise`).
    public let imagesByConcept: OrderedDictionary<String, [Int]>

    public init(captionsByConcept: OrderedDictionary<String, [Int]>, imagesByConcept: OrderedDictionary<String, [Int]>) {
        self.captionsByConcept = captionsByConcept
        self.imagesByConcept = imagesByConcept
    }

    /// Reads CONCEPTS.json; other members of the file are ignored.
    public static func read(_ url: URL) throws -> RetrievalConcepts {
        let document = try JSONParser.parse(contentsOf: url)
        func map(_ name: String) throws -> OrderedDictionary<String, [Int]> {
            guard let members = document[name]?.objectValue else {
                throw FreqBenchError("missing object \"\(name)\" (concept → sample indices)", file: url.path)
            }
            var result = OrderedDictionary<String, [Int]>()
            for (concept, value) in members {
                guard let items = value.arrayValue else {
                    throw FreqBenchError("expected an array of sample indices", file: url.path, location: "\(name), concept \"\(concept)\"")
                }
                result[concept] = try items.map { item in
                    guard let index = item.intValue, index >= 0 else {
                        throw FreqBenchError("expected a non-negative integer index, found \(item)", file: url.path, location: "\(name), concept \"\(concept)\"")
                    }
                    return index
                }
            }
            return result
        }
        return RetrievalConcepts(captionsByConcept: try map("concepts_to_text_samples"), imagesByConcept: try map("concepts_to_image_samples"))
    }

    /// Throws, naming `file` and the concept, when an index is outside the test set.
    public func validate(captionCount: Int, imageCount: Int, file: String?) throws {
        for (concept, indices) in captionsByConcept {
            if let bad = indices.first(where: { $0 >= captionCount }) {
                throw FreqBenchError("caption index \(bad) out of range: the features have \(captionCount) captions", file: file, location: "concepts_to_text_samples, concept \"\(concept)\"")
            }
        }
        for (concept, indices) in imagesByConcept {
            if let bad = indices.first(where: { $0 >= imageCount }) {
                throw FreqBenchError("image index \(bad) out of range: the features have \(imageCount) images", file: file, location: "concepts_to_image_samples, concept \"\(concept)\"")
            }
        }
    }
}
