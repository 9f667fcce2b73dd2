import Foundation
import Testing
@testable import FreqBench

/// Class names and templates from CLIP_benchmark, clip-rocket and upstream catalogs.
@Suite("Prompt catalogs")
struct PromptCatalogTests {
    @Test("CLIP_benchmark: imagenet1k names and templates; prompt modes")
    func clipBenchmark() throws {
        let catalog = try PromptCatalog.clipBenchmark(try SharedData.clipBenchmark(), dataset: "imagenet1k")
        #expect(catalog.classnames.count == 1000)
        #expect(catalog.classnames.first == "tench")
        #expect(catalog.templates.count == 80)
        #expect(catalog.prompts(.simple)[0] == ["A photo of a tench."])
        #expect(catalog.prompts(.class)[1] == ["goldfish"])
        #expect(catalog.prompts(.ensemble)[0].first == "a bad photo of a tench.")
        // cifar10 has templates but no class list there: the error names the file.
        do {
            _ = try PromptCatalog.clipBenchmark(try SharedData.clipBenchmark(), dataset: "cifar10")
            Issue.record("missing class list accepted")
        } catch {
            #expect("\(error)".contains("en_classnames.json") && "\(error)".contains("cifar10"))
        }
    }

    @Test("upstream: class order of the released results and the ensemble templates")
    func upstream() throws {
        let catalog = try PromptCatalog.upstream(try SharedData.upstream(), dataset: "cifar10")
        #expect(catalog.classnames == ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        #expect(catalog.templates.count == 18)
        #expect(catalog.prompts(.ensemble)[0][0] == "a photo of a plane.")
    }

    @Test("clip-rocket: labels with synonyms, positional {} templates, dataset catalog")
    func clipRocket() throws {
        let directory = try TemporaryDirectory.make()
        try #"{"pets": {"path": "/data/pets", "type": "imagefolder", "train": "train", "test": "test"}}"#
            .write(to: directory.appendingPathComponent("dataset_catalog.json"), atomically: false, encoding: .utf8)
        try #"{"pets": ["abyssinian", ["american bulldog", "bulldog"]]}"#
            .write(to: directory.appendingPathComponent("labels.json"), atomically: false, encoding: .utf8)
        try #"{"pets": ["a photo of a {}, a type of pet.", "a {}."]}"#
            .write(to: directory.appendingPathComponent("templates.json"), atomically: false, encoding: .utf8)
        let catalog = try PromptCatalog.clipRocket(directory, dataset: "pets")
        #expect(catalog.classnames == ["abyssinian", "american bulldog"])
        #expect(catalog.prompts(.ensemble)[1] == ["a photo of a american bulldog, a type of pet.", "a photo of a bulldog, a type of pet.",
                                                  "a american bulldog.", "a bulldog."])
        do {
            _ = try PromptCatalog.clipRocket(directory, dataset: "food101")
            Issue.record("unknown dataset accepted")
        } catch {
            #expect("\(error)".contains("dataset_catalog.json") && "\(error)".contains("food101"))
        }
    }

    /// The message of `body`'s error, or "" when it does not throw.
    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test("features class names against an upstream results file: both files, the first differing index and both names")
    func disagreementWithUpstream() throws {
        let catalog = try PromptCatalog.upstream(try SharedData.upstream(), dataset: "cifar10")
        var names = catalog.classnames
        names[3] = "kitty"
        let results = "zero_shot_evaluations/cifar10_ensemble_results.json"
        let m1 = message { try catalog.check(classnames: names, file: "features.h5", location: "dataset classnames") }
        #expect(m1.hasPrefix("features.h5: dataset classnames: class lists disagree at index 3: \"kitty\" here, but \"cat\" in "))
        #expect(m1.contains(results) && m1.contains("(model backbone"))
        let m2 = message { try catalog.check(classnames: Array(names.prefix(9)), file: "features.h5") }
        #expect(m2.hasPrefix("features.h5: class lists disagree: 9 classes here, but 10 in ") && m2.contains(results))
        try catalog.check(classnames: catalog.classnames, file: "features.h5")
    }

    @Test("features class names against CLIP_benchmark's en_classnames.json")
    func disagreementWithClipBenchmark() throws {
        let catalog = try PromptCatalog.clipBenchmark(try SharedData.clipBenchmark(), dataset: "imagenet1k")
        var names = catalog.classnames
        names[999] = "tissue"
        let m = message { try catalog.check(classnames: names, file: "imagenet.h5", location: "dataset classnames") }
        #expect(m.hasPrefix("imagenet.h5: dataset classnames: class lists disagree at index 999: \"tissue\" here, but \"\(catalog.classnames[999])\" in "))
        #expect(m.contains("en_classnames.json (key \"imagenet1k\")"))
    }

    @Test("a class list against clip-rocket's labels.json: a synonym is the documented mapping, anything else an error")
    func disagreementWithClipRocket() throws {
        let directory = try TemporaryDirectory.make()
        try #"{"pets": ["abyssinian", ["american bulldog", "bulldog"], "beagle"]}"#
            .write(to: directory.appendingPathComponent("labels.json"), atomically: false, encoding: .utf8)
        try #"{"pets": ["a {}."]}"#.write(to: directory.appendingPathComponent("templates.json"), atomically: false, encoding: .utf8)
        let catalog = try PromptCatalog.clipRocket(directory, dataset: "pets")
        try catalog.check(classnames: ["abyssinian", "bulldog", "beagle"], file: "classnames.json")
        let m = message { try catalog.check(classnames: ["abyssinian", "boxer", "beagle"], file: "classnames.json") }
        #expect(m == "classnames.json: class lists disagree at index 1: \"boxer\" here, but \"american bulldog\" in \(directory.path)/labels.json (key \"pets\")")
        // A features file's classnames dataset meets the catalog the same way.
        let features = try ZeroShotFeatures.readHDF5(EvalFixtures.fixture("zeroshot_features.h5"))
        let m2 = message { try catalog.check(features.classnameSource) }
        #expect(m2.contains("zeroshot_features.h5: dataset classnames: class lists disagree: \(features.classnames.count) classes here, but 3 in ") && m2.contains("labels.json"))
    }

    @Test("the model entries of one upstream results file must list the same classes in the same order")
    func disagreementInsideResults() throws {
        let directory = try TemporaryDirectory.make()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("zero_shot_evaluations"), withIntermediateDirectories: true)
        try #"{"toy": ["a photo of a {c}."]}"#.write(to: directory.appendingPathComponent("templates/ensemble_templates.json"), atomically: false, encoding: .utf8)
        let results = directory.appendingPathComponent("zero_shot_evaluations/toy_ensemble_results.json")
        try #"{"backboneA_pretrainedx": {"full": 50.0, "classwise": {"cat": 40.0, "dog": 60.0}}, "backboneB_pretrainedx": {"full": 50.0, "classwise": {"dog": 60.0, "cat": 40.0}}}"#
            .write(to: results, atomically: false, encoding: .utf8)
        let m = message { _ = try PromptCatalog.upstream(directory, dataset: "toy") }
        #expect(m == "\(results.path): model backboneB_pretrainedx: class lists disagree at index 0: \"dog\" here, but \"cat\" in \(results.path) (model backboneA_pretrainedx)")
    }

    @Test("merging a result into a results file whose entries have other classes is an error naming both")
    func disagreementOnMerge() throws {
        let directory = try TemporaryDirectory.make()
        let copy = directory.appendingPathComponent("cifar10_simple_results.json")
        try FileManager.default.copyItem(at: try SharedData.upstream("zero_shot_evaluations/cifar10_simple_results.json"), to: copy)
        let before = try Data(contentsOf: copy)
        let features = try ZeroShotFeatures.readHDF5(EvalFixtures.fixture("zeroshot_features.h5"))
        let outcome = try ZeroShotScorer().score(features)
        let m = message {
            try EvaluationResultsFile.merge(ZeroShotReport.entry(outcome), modelKey: "backboneTiny_pretrainedfixture", kind: .classwise,
                                            into: copy, classnames: features.classnameSource)
        }
        #expect(m.hasPrefix("\(features.classnameSource.file): dataset classnames: class lists disagree: "))
        #expect(m.contains("\(copy.path) (model backbone"))
        // Nothing was written.
        #expect(try Data(contentsOf: copy) == before)
        // The same classes in another order are refused too, naming the first differing index.
        let entry = try #require(try EvaluationResultsFile.read(copy, kind: .classwise).values.first)
        var reordered = entry
        reordered.breakdown.swapAt(0, 1)
        let m2 = message { try EvaluationResultsFile.merge(reordered, modelKey: "backboneNew_pretrainedx", kind: .classwise, into: copy) }
        #expect(m2.contains("class lists disagree at index 0: \"car\" here, but \"plane\" in \(copy.path) (model backbone"))
        try EvaluationResultsFile.merge(entry, modelKey: "backboneNew_pretrainedx", kind: .classwise, into: copy)
        #expect(try EvaluationResultsFile.read(copy, kind: .classwise).keys.last == "backboneNew_pretrainedx")
    }
}
