import Collections
import Foundation
import Testing
@testable import FreqBench

/// Retrieval recall@k against goldens made by CLIP_benchmark's `recall_at_k`, tie rule,
/// concept maps and result files.
@Suite("Retrieval evaluation")
struct RetrievalEvalTests {
    let features = EvalFixtures.fixture("retrieval_features.h5")
    let conceptsURL = EvalFixtures.fixture("retrieval_concepts.json")

    @Test("per-query correctness, full and conceptwise recall match CLIP_benchmark for k = 1, 5, 10")
    func golden() throws {
        let golden = try EvalFixtures.golden("retrieval_fixture.json")
        let input = try RetrievalFeatures.readHDF5(features)
        let concepts = try RetrievalConcepts.read(conceptsURL)
        let outcome = try RetrievalScorer().score(input)
        for direction in RetrievalDirection.allCases {
            for k in [1, 5, 10] {
                let expected = try #require(golden["results"]?["\(direction.rawValue)_k=\(k)"])
                let correct = outcome.correct(direction, k: k).map { $0 ? "1" : "0" }.joined()
                #expect(correct == expected["correct"]?.stringValue, "\(direction.rawValue) k=\(k)")
                let entry = RetrievalReport.entry(outcome, direction: direction, k: k, concepts: concepts)
                #expect(entry.full == expected["full"]?.doubleValue)
                let conceptwise = try #require(expected["conceptwise"]?.objectValue)
                #expect(Array(entry.breakdown.keys) == Array(conceptwise.keys))
                for (concept, value) in conceptwise {
                    #expect(entry.breakdown[concept] == .some(value.doubleValue), "\(direction.rawValue) k=\(k) \(concept)")
                }
            }
        }
        let similarities = try RetrievalScorer().similarities(input, textRows: 0..<6)
        let expected = EvalFixtures.floats(golden["scores_first_rows"])
        #expect(similarities.count == expected.count)
        #expect(zip(similarities, expected).allSatisfy { abs(Double($0) - $1) < 1e-5 })
    }

    @Test("the CLIP_benchmark-shaped file carries image/text retrieval recall@k as CLIP_benchmark names them")
    func clipBenchmarkShape() throws {
        let golden = try EvalFixtures.golden("retrieval_fixture.json")
        let outcome = try RetrievalScorer().score(try RetrievalFeatures.readHDF5(features))
        let json = RetrievalReport.clipBenchmark(outcome, dataset: "coco", modelKey: "backboneRN50_pretrainedcc3m", provenance: Provenance.current())
        #expect(json["task"]?.stringValue == "zeroshot_retrieval")
        for k in [1, 5, 10] {
            #expect(json["metrics"]?["image_retrieval_recall@\(k)"]?.doubleValue == golden["results"]?["t2i_k=\(k)"]?["full"]?.doubleValue)
            #expect(json["metrics"]?["text_retrieval_recall@\(k)"]?.doubleValue == golden["results"]?["i2t_k=\(k)"]?["full"]?.doubleValue)
        }
    }

    @Test("batch size and worker count do not change ranks")
    func batching() throws {
        let input = try RetrievalFeatures.readHDF5(features)
        let reference = try RetrievalScorer().score(input)
        #expect(try RetrievalScorer(batchRows: 1, workers: 1).score(input) == reference)
        #expect(try RetrievalScorer(batchRows: 33, workers: 3).score(input) == reference)
    }

    @Test("equal similarities are broken by the lower index")
    func ties() throws {
        // Two identical images: every caption ties between them; image 0 ranks first.
        let images = try InMemoryFeatureRows(values: [1, 0, 1, 0, 0, 1], rowCount: 3, dimension: 2)
        let captions = try InMemoryFeatureRows(values: [1, 0, 1, 0, 0, 1], rowCount: 3, dimension: 2)
        let input = try RetrievalFeatures(images: images, captions: captions, captionsPerImage: 1)
        let outcome = try RetrievalScorer().score(input)
        #expect(outcome.textToImageRanks == [0, 1, 0])
        #expect(outcome.imageToTextRanks == [0, 1, 0])
        #expect(outcome.correct(.textToImage, k: 1) == [true, false, true])
    }

    @Test("writes the six upstream-named files and merges model keys")
    func files() throws {
        let directory = try TemporaryDirectory.make()
        let input = try RetrievalFeatures.readHDF5(features)
        let concepts = try RetrievalConcepts.read(conceptsURL)
        let outcome = try RetrievalScorer().score(input)
        let files = try RetrievalReport.write(outcome, concepts: concepts, dataset: "coco", modelKey: "backboneA_pretrainedx", into: directory)
        #expect(files.map(\.lastPathComponent) == ["coco_t2i_k=1_results.json", "coco_t2i_k=5_results.json", "coco_t2i_k=10_results.json",
                                                    "coco_i2t_k=1_results.json", "coco_i2t_k=5_results.json", "coco_i2t_k=10_results.json"])
        try RetrievalReport.write(outcome, concepts: concepts, dataset: "coco", modelKey: "backboneB_pretrainedy", into: directory)
        let read = try EvaluationResultsFile.read(directory.appendingPathComponent("coco_i2t_k=5_results.json"), kind: .conceptwise)
        #expect(Array(read.keys) == ["backboneA_pretrainedx", "backboneB_pretrainedy"])
        #expect(read["backboneA_pretrainedx"]?.breakdown["never"] == .some(nil))
        #expect(read["backboneA_pretrainedx"]?.breakdown.keys.contains("") == true)
    }

    @Test("reads upstream retrieval files (conceptwise) with their 713 coco concepts")
    func upstreamShape() throws {
        let url = try SharedData.upstream("retrieval_evaluations/coco_t2i_k=1_results.json")
        let entries = try EvaluationResultsFile.read(url, kind: .conceptwise)
        #expect(entries.count == 21)
        #expect(entries.values.allSatisfy { $0.breakdown.count == 713 })
        #expect(entries["backboneRN50_pretrainedcc3m"]?.full == 0.15576)
    }

    @Test("bad input names the file: caption count, dimension, concept index, NaN")
    func badInput() throws {
        let directory = try TemporaryDirectory.make()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let url = directory.appendingPathComponent("bad.h5")
        do {
            let file = try HDF5File.create(url)
            try file.write("image_features", float32: [1, 0, 0, 1], shape: [2, 2])
            try file.write("text_features", float32: Array(repeating: 1, count: 18), shape: [9, 2])
        }
        let m1 = message { _ = try RetrievalFeatures.readHDF5(url) }
        #expect(m1.contains("bad.h5") && m1.contains("dataset text_features") && m1.contains("found 9"))

        let dim = directory.appendingPathComponent("dim.h5")
        do {
            let file = try HDF5File.create(dim)
            try file.write("image_features", float32: [1, 0, 0, 1], shape: [2, 2])
            try file.write("text_features", float32: Array(repeating: 1, count: 30), shape: [10, 3])
        }
        let m2 = message { _ = try RetrievalFeatures.readHDF5(dim) }
        #expect(m2.contains("dim.h5") && m2.contains("dimension mismatch"))

        let concepts = try RetrievalConcepts.read(conceptsURL)
        let m3 = message { try concepts.validate(captionCount: 10, imageCount: 2, file: conceptsURL.path) }
        #expect(m3.contains("retrieval_concepts.json") && m3.contains("out of range"))

        let nan = directory.appendingPathComponent("nan.h5")
        do {
            let file = try HDF5File.create(nan)
            try file.write("image_features", float32: [1, 0, 0, .nan], shape: [2, 2])
            try file.write("text_features", float32: Array(repeating: 1, count: 20), shape: [10, 2])
        }
        let m4 = message { _ = try RetrievalScorer().score(try RetrievalFeatures.readHDF5(nan)) }
        #expect(m4.contains("nan.h5") && m4.contains("dataset image_features, row 1"))

        let broken = directory.appendingPathComponent("concepts.json")
        try #"{"concepts_to_text_samples": {"a": [1, "x"]}, "concepts_to_image_samples": {}}"#.write(to: broken, atomically: false, encoding: .utf8)
        let m5 = message { _ = try RetrievalConcepts.read(broken) }
        #expect(m5.contains("concepts.json") && m5.contains("concept \"a\""))
    }
}
