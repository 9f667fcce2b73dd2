import Collections
import Foundation
import Testing
@testable import FreqBench

/// A zero-shot result file written by the eval engine feeds `verify --results` (and the figure
/// recomputation behind it) as it is, with no conversion.
@Suite("Eval results into verify")
struct EvalVerifyTests {
    /// Features whose scoring reproduces upstream's cifar10 accuracies for one model exactly:
    /// 1,000 images per class, one-hot features, `correct` of them on their class's axis.
    func features(reproducing entry: EvaluationResultEntry, classnames: [String], at url: URL) throws {
        let classCount = classnames.count
        var images = [Float]()
        var labels = [Int64]()
        for (index, name) in classnames.enumerated() {
            let percent = try #require(entry.breakdown[name] ?? nil)
            let correct = Int((percent * 10).rounded())
            for sample in 0..<1000 {
                var row = [Float](repeating: 0, count: classCount)
                row[sample < correct ? index : (index + 1) % classCount] = 1
                images += row
                labels.append(Int64(index))
            }
        }
        var text = [Float](repeating: 0, count: classCount * classCount)
        for index in 0..<classCount { text[index * classCount + index] = 1 }
        let file = try HDF5File.create(url)
        try file.write("image_features", float32: images, shape: [labels.count, classCount], chunkRows: 1000)
        try file.write("labels", int64: labels, shape: [labels.count])
        try file.write("classnames", strings: classnames)
        try file.write("text_features", float32: text, shape: [classCount, 1, classCount])
    }

    @Test("eval's cifar10 file passes verify --results; one changed class fails, named")
    func endToEnd() throws {
        let upstream = try SharedData.upstream()
        let released = upstream.appendingPathComponent("zero_shot_evaluations/cifar10_simple_results.json")
        let model = "backboneRN50_pretrainedcc3m"
        let entry = try #require(try EvaluationResultsFile.read(released, kind: .classwise)[model])
        let classnames = try PromptCatalog.upstream(upstream, dataset: "cifar10", prompt: .simple).classnames
        let directory = try TemporaryDirectory.make()
        let featuresURL = directory.appendingPathComponent("cifar10.h5")
        try features(reproducing: entry, classnames: classnames, at: featuresURL)

        let results = directory.appendingPathComponent("results/zero_shot_evaluations")
        let outcome = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(featuresURL))
        #expect(outcome.fullAccuracy == entry.full)
        let resultURL = results.appendingPathComponent("cifar10_simple_results.json")
        try EvaluationResultsFile.merge(ZeroShotReport.entry(outcome), modelKey: model, kind: .classwise, into: resultURL)

        let tolerances = ResultTolerances(zeroShotAccuracyPercent: 0, retrievalRecallFraction: 0, plotRho: 0)
        let verified = ResultsSuite.run(results: directory.appendingPathComponent("results"), upstream: upstream, tolerances: tolerances)
        let fileCheck = verified.checks.first { $0.suite == "results.accuracy" && $0.name == "zero_shot_evaluations/cifar10_simple_results.json" }
        #expect(fileCheck?.status == .passed)
        #expect(!verified.checks.contains { $0.status == .failed }, "\(verified.checks.filter { $0.status == .failed }.prefix(3))")
        #expect(verified.checks.contains { $0.suite == "results.figures" && $0.status == .passed })

        // One sample of "bird" misclassified: verify names the file, model and class.
        var changed = entry
        changed.breakdown["bird"] = (entry.breakdown["bird"] ?? 0).map { $0 - 0.1 }
        try features(reproducing: changed, classnames: classnames, at: featuresURL)
        let worse = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(featuresURL))
        try EvaluationResultsFile.merge(ZeroShotReport.entry(worse), modelKey: model, kind: .classwise, into: resultURL)
        // (The file comparison alone: the figure recomputation was exercised above.)
        let paper = UpstreamData(root: upstream)
        let user = UpstreamData(base: paper, overrides: ["zero_shot_evaluations/cifar10_simple_results.json": resultURL])
        let failing = try ResultsSuite.compareResults("zero_shot_evaluations/cifar10_simple_results.json", user: user, paper: paper, tolerance: 0)
        let names = failing.filter { $0.status == .failed }.map(\.name)
        #expect(names.contains("zero_shot_evaluations/cifar10_simple_results.json: \(model): \"bird\""))
        #expect(names.contains("zero_shot_evaluations/cifar10_simple_results.json: \(model): full"))
    }
}
