import Foundation
import Testing
@testable import FreqBench

/// Caption terms = the words of the caption (test double for a language pipeline), recording batches.
final class SpaceSplitAnnotator: Annotator {
    let identity = AnnotatorIdentity(name: "words", version: "test")
    var batches: [Int] = []
    func captionTerms(_ captions: [String]) throws -> [[String]] {
        batches.append(captions.count)
        return captions.map { CaptionTerms.sortedSet($0.split(separator: " ").map { CaptionTerms.normalize(String($0)) }) }
    }
    func queryTerms(_ words: [String]) throws -> [String] { words }
}

@Suite("Retrieval concepts")
struct RetrievalConceptsTests {
    @Test("image concepts are the union of 5 captions' lowercased terms; kept when in >= min images")
    func extraction() throws {
        // 3 images × 2 captions; "Dog" and "dog" are one concept after lowercasing.
        let terms: [[String]] = [
            ["Dog", "park"], ["dog"],        // image 0: dog, park
            ["cat"], ["", "Park"],           // image 1: "", cat, park
            ["dog", "tree"], ["park"],       // image 2: dog, park, tree
        ]
        let result = try RetrievalConceptExtraction(captionTerms: terms, captionsPerImage: 2, minimumImages: 2)
        #expect(result.concepts == ["dog", "park"])
        #expect(Array(result.conceptsToImageSamples.keys) == ["dog", "park"])
        #expect(result.conceptsToImageSamples["dog"] == [0, 2] && result.conceptsToImageSamples["park"] == [0, 1, 2])
        #expect(Array(result.conceptsToTextSamples.keys) == ["dog", "park"])
        #expect(result.conceptsToTextSamples["dog"] == [0, 1, 4] && result.conceptsToTextSamples["park"] == [0, 3, 5])
        let all = try RetrievalConceptExtraction(captionTerms: terms, captionsPerImage: 2, minimumImages: 1)
        #expect(all.concepts == ["dog", "park", "", "cat", "tree"])
        #expect(all.conceptsToTextSamples[""] == [3])
        #expect(throws: FreqBenchError.self) { try RetrievalConceptExtraction(captionTerms: terms, captionsPerImage: 4) }
    }

    @Test("CONCEPTS.json round-trips through the retrieval evaluation's reader")
    func json() throws {
        let annotator = SpaceSplitAnnotator()
        let captions = ["A dog", "the dog runs", "a cat", "cat 42", "dog and cat", "a dog"]
        let result = try RetrievalConceptExtraction(captions: captions, annotator: annotator, captionsPerImage: 2,
                                                    minimumImages: 2, batchSize: 4)
        #expect(annotator.batches == [4, 2])
        // Images: {a, dog, runs, the}, {"", a, cat} ("42" -> ""), {a, and, cat, dog}.
        #expect(Array(result.conceptsToImageSamples.keys) == ["a", "dog", "cat"])
        #expect(result.conceptsToImageSamples["a"] == [0, 1, 2] && result.conceptsToImageSamples["dog"] == [0, 2]
            && result.conceptsToImageSamples["cat"] == [1, 2])
        #expect(result.conceptsToTextSamples["dog"] == [0, 1, 4, 5] && result.conceptsToTextSamples["cat"] == [2, 3, 4])
        let url = try TemporaryDirectory.make().appendingPathComponent("concepts.json")
        try JSONWriter(indent: 1).write(result.json(annotator: annotator.identity), to: url)
        let read = try RetrievalConcepts.read(url)
        #expect(read == result.retrievalConcepts)
        #expect(try JSONParser.parse(contentsOf: url)["concepts"]?.arrayValue?.count == 3)
    }
}
