import Foundation
import Testing
@testable import FreqBench

/// The tiny TorchScript CLIP-like fixture model run through the C++ bridge, against goldens of
/// the same module run by torch with open_clip's tokenizer and CLIP_benchmark's metrics
/// (Fixtures/eval/make_tiny_clip.py).
@Suite("TorchScript models")
struct TorchScriptTests {
    let folder = EvalFixtures.fixture("tiny_clip")

    @Test("encode_text and encode_image match torch within 1e-5; prompts tokenize as open_clip")
    func encoders() throws {
        let golden = try EvalFixtures.golden("tiny_clip_golden.json")
        let module = try TorchScriptModule(folder.appendingPathComponent("model.pt"))
        #expect(module.hasMethod("encode_image") && module.hasMethod("encode_text") && !module.hasMethod("encode_audio"))
        let tokenizer = try ClipTokenizerTests.tokenizer()
        let classnames = try ClassNameList.read(folder.appendingPathComponent("classnames.json"))
        let templates = try #require(golden["templates"]?.arrayValue).compactMap(\.stringValue)
        let prompts = PromptCatalog(dataset: "tiny", classnames: classnames, templates: templates).prompts(.ensemble)
        let expectedTokens = try #require(golden["prompt_tokens"]?.arrayValue).map { $0.arrayValue?.compactMap { $0.intValue.map(Int32.init) } ?? [] }
        #expect(prompts.flatMap { $0 }.map { Array(tokenizer.tokenize($0).prefix { $0 != 0 }) } == expectedTokens)

        let encoder = ZeroShotModelEncoder(module: module, tokenizer: tokenizer, batchSize: 5)
        let text = try encoder.textFeatures(prompts: prompts)
        #expect(text.promptCounts == Array(repeating: templates.count, count: classnames.count) && text.dimension == 16)
        let expectedText = EvalFixtures.floats(golden["text_features"])
        #expect(expectedText.count == text.values.count)
        #expect(zip(text.values, expectedText).allSatisfy { abs(Double($0) - $1) < 1e-5 })

        let images = try Torch.readTensor(folder.appendingPathComponent("images.pt"))
        let rows = try encoder.imageFeatures(images: images.values, shape: images.shape)
        let expectedImages = EvalFixtures.floats(golden["image_features_first_rows"])
        let firstRows = try rows.rows(0..<8)
        #expect(zip(firstRows, expectedImages).allSatisfy { abs(Double($0) - $1) < 1e-5 })
    }

    @Test("zero-shot from the model matches CLIP_benchmark's evaluation of the same module")
    func zeroShot() throws {
        let golden = try EvalFixtures.golden("tiny_clip_golden.json")
        let encoder = ZeroShotModelEncoder(module: try TorchScriptModule(folder.appendingPathComponent("model.pt")),
                                           tokenizer: try ClipTokenizerTests.tokenizer())
        let templates = try #require(golden["templates"]?.arrayValue).compactMap(\.stringValue)
        let catalog = PromptCatalog(dataset: "tiny", classnames: try ClassNameList.read(folder.appendingPathComponent("classnames.json")), templates: templates)
        let features = try encoder.features(images: folder.appendingPathComponent("images.pt"), labels: folder.appendingPathComponent("labels.pt"),
                                            catalog: catalog, mode: .ensemble)
        let outcome = try ZeroShotScorer().score(features)
        #expect(outcome.totalCorrectTop1 == golden["correct_top1"]?.intValue)
        #expect(Double(outcome.totalCorrectTopK) / Double(outcome.samples) == golden["acc5"]?.doubleValue)
        #expect(abs(outcome.meanPerClassRecall - (golden["mean_per_class_recall"]?.doubleValue ?? .nan)) < 1e-12)
        let classifier = try ZeroShotClassifier(textFeatures: features.textFeatures, promptCounts: features.promptCounts,
                                                dimension: features.images.dimension)
        #expect(zip(classifier.weights, EvalFixtures.floats(golden["classifier"])).allSatisfy { abs(Double($0) - $1) < 1e-5 })

        // Written as HDF5 and read back: the features path gives the same outcome.
        let url = try TemporaryDirectory.make().appendingPathComponent("tiny.h5")
        try ZeroShotFeaturesFile.write(features, to: url)
        #expect(try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(url)) == outcome)
    }

    @Test("uneven clip-rocket synonym lists: each class is the renormalized mean of its own template × synonym embeddings")
    func unevenSynonyms() throws {
        let directory = try TemporaryDirectory.make()
        let templates = ["a photo of a {}.", "art of the {}."]
        let labels: [[String]] = [["cat"], ["dog", "puppy", "hound"], ["hot dog"], ["T-shirt", "tee"], ["café"], ["sea lion", "seal"]]
        let labelsJSON = JSONValue.object(["tiny": .array(labels.map { $0.count == 1 ? .string($0[0]) : .array($0.map(JSONValue.string)) })])
        try JSONWriter(indent: 1).write(labelsJSON, to: directory.appendingPathComponent("labels.json"))
        try JSONWriter(indent: 1).write(.object(["tiny": .array(templates.map(JSONValue.string))]), to: directory.appendingPathComponent("templates.json"))
        let catalog = try PromptCatalog.clipRocket(directory, dataset: "tiny")
        // The class names of the fixture agree with the catalog (each is a class's first synonym).
        try catalog.check(classnames: try ClassNameList.read(folder.appendingPathComponent("classnames.json")), file: "classnames.json")

        let encoder = ZeroShotModelEncoder(module: try TorchScriptModule(folder.appendingPathComponent("model.pt")),
                                           tokenizer: try ClipTokenizerTests.tokenizer(), batchSize: 4)
        let features = try encoder.features(images: folder.appendingPathComponent("images.pt"), labels: folder.appendingPathComponent("labels.pt"),
                                            catalog: catalog, mode: .ensemble)
        #expect(features.promptCounts == [2, 6, 2, 4, 2, 4])
        #expect(features.promptCount == nil)
        let dimension = features.images.dimension
        let classifier = try ZeroShotClassifier(textFeatures: features.textFeatures, promptCounts: features.promptCounts, dimension: dimension)

        // Independently: every prompt encoded on its own, clip-rocket's order (template-major,
        // then synonym), normalized, averaged, renormalized — in double precision.
        func normalized(_ vector: [Double]) -> [Double] {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / norm }
        }
        for (classIndex, names) in labels.enumerated() {
            let prompts = templates.flatMap { template in names.map { template.replacingOccurrences(of: "{}", with: $0) } }
            var sum = [Double](repeating: 0, count: dimension)
            for prompt in prompts {
                let single = try encoder.textFeatures(prompts: [[prompt]])
                for (d, value) in normalized(single.values.map(Double.init)).enumerated() { sum[d] += value }
            }
            let expected = normalized(sum.map { $0 / Double(prompts.count) })
            let row = classifier.weights[classIndex * dimension..<(classIndex + 1) * dimension]
            #expect(zip(row, expected).allSatisfy { abs(Double($0) - $1) < 1e-5 }, "class \(classIndex)")
        }

        // The peer implementation: CLIP_benchmark's zero_shot_classifier given each class's
        // clip-rocket prompts (Fixtures/eval/make_synonym_golden.py), and its metrics.
        let golden = try EvalFixtures.golden("tiny_clip_synonyms_golden.json")
        #expect(golden["prompt_counts"]?.arrayValue?.compactMap(\.intValue) == features.promptCounts)
        let expectedClassifier = EvalFixtures.floats(golden["classifier"])
        #expect(expectedClassifier.count == classifier.weights.count)
        #expect(zip(classifier.weights, expectedClassifier).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        let outcome = try ZeroShotScorer().score(features)
        #expect(outcome.totalCorrectTop1 == golden["correct_top1"]?.intValue)
        #expect(Double(outcome.totalCorrectTopK) / Double(outcome.samples) == golden["acc5"]?.doubleValue)
        #expect(abs(outcome.meanPerClassRecall - (golden["mean_per_class_recall"]?.doubleValue ?? .nan)) < 1e-12)

        // Written as HDF5 (ΣP × D text features with prompt_counts) and read back: same counts, same outcome.
        let url = directory.appendingPathComponent("synonyms.h5")
        try ZeroShotFeaturesFile.write(features, to: url)
        let reread = try ZeroShotFeatures.readHDF5(url)
        #expect(reread.promptCounts == features.promptCounts && reread.textFeatures == features.textFeatures)
        #expect(try ZeroShotScorer().score(reread) == outcome)

        // prompt_counts that do not add up to the text rows: an error naming the file and dataset.
        let bad = directory.appendingPathComponent("bad.h5")
        do {
            let file = try HDF5File.create(bad)
            try file.write("image_features", float32: try features.images.rows(0..<features.images.rowCount), shape: [features.images.rowCount, dimension])
            try file.write("labels", int64: features.labels.map(Int64.init), shape: [features.labels.count])
            try file.write("classnames", strings: features.classnames)
            try file.write("text_features", float32: features.textFeatures, shape: [features.promptCounts.reduce(0, +), dimension])
            try file.write("prompt_counts", int64: [2, 6, 2, 4, 2, 3], shape: [6])
        }
        do {
            _ = try ZeroShotFeatures.readHDF5(bad)
            Issue.record("prompt counts that do not add up accepted")
        } catch {
            #expect("\(error)".contains("bad.h5") && "\(error)".contains("prompt_counts add up to 19 prompts, but text_features has 20 rows"))
        }
    }

    @Test("a corrupt TorchScript file, a missing method and a wrong input shape give errors naming the file")
    func badModels() throws {
        let directory = try TemporaryDirectory.make()
        let corrupt = directory.appendingPathComponent("corrupt.pt")
        try Data("definitely not a zip archive".utf8).write(to: corrupt)
        do {
            _ = try TorchScriptModule(corrupt)
            Issue.record("corrupt module loaded")
        } catch {
            #expect("\(error)".contains("corrupt.pt") && "\(error)".contains("TorchScript"))
        }
        // A plain tensor file is not a module either.
        do {
            _ = try TorchScriptModule(folder.appendingPathComponent("labels.pt"))
            Issue.record("a tensor file loaded as a module")
        } catch {
            #expect("\(error)".contains("labels.pt"))
        }
        let module = try TorchScriptModule(folder.appendingPathComponent("model.pt"))
        do {
            _ = try module.encodeImage([1, 2, 3, 4], shape: [1, 4])
            Issue.record("wrong image shape accepted")
        } catch {
            #expect("\(error)".contains("model.pt") && "\(error)".contains("encode_image failed"))
        }
    }
}
