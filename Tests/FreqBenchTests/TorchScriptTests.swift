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
        #expect(text.shape == [classnames.count, templates.count, 16])
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
        let classifier = try ZeroShotClassifier(textFeatures: features.textFeatures, classCount: features.classnames.count,
                                                promptCount: features.promptCount, dimension: features.images.dimension)
        #expect(zip(classifier.weights, EvalFixtures.floats(golden["classifier"])).allSatisfy { abs(Double($0) - $1) < 1e-5 })

        // Written as HDF5 and read back: the features path gives the same outcome.
        let url = try TemporaryDirectory.make().appendingPathComponent("tiny.h5")
        try ZeroShotFeaturesFile.write(features, to: url)
        #expect(try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(url)) == outcome)
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
