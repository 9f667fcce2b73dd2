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

    @Test("a class list that disagrees with the catalog is an error naming the file and position")
    func disagreement() throws {
        let catalog = try PromptCatalog.upstream(try SharedData.upstream(), dataset: "cifar10")
        var names = catalog.classnames
        names[0] = "airplane"
        do {
            try catalog.check(classnames: names, file: "features.h5")
            Issue.record("disagreement accepted")
        } catch {
            #expect("\(error)".contains("features.h5") && "\(error)".contains("class 0 is \"airplane\"") && "\(error)".contains("\"plane\""))
        }
        #expect(throws: FreqBenchError.self) { try catalog.check(classnames: Array(names.prefix(9)), file: "features.h5") }
        try catalog.check(classnames: catalog.classnames, file: "features.h5")
    }
}
