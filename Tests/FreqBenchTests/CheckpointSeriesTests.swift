import Foundation
import Testing
@testable import FreqBench

/// `evaluation_metrics_all.csv` over a run's checkpoints: natural order, one row per checkpoint,
/// resumption after a stop, feature-directory and TorchScript checkpoints.
@Suite("Checkpoint series")
struct CheckpointSeriesTests {
    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("feature checkpoints: natural order, resumable, finished rows kept")
    func featureDirectories() throws {
        let run = try TemporaryDirectory.make()
        for name in ["epoch_10", "epoch_2", "epoch_1"] {
            let folder = run.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: EvalFixtures.fixture("zeroshot_features.h5"), to: folder.appendingPathComponent("fixture.h5"))
        }
        let csv = run.appendingPathComponent("evaluation_metrics_all.csv")
        let series = CheckpointSeries(directory: run, featureDatasets: ["fixture"])
        // A run stopped after its first checkpoint.
        #expect(try series.run(csv: csv, limit: 1) == ["epoch_1"])
        var table = try lines(csv)
        #expect(table == [series.header.joined(separator: ","), table[1]])
        #expect(table[0] == "checkpoint,fixture-zeroshot-top1,fixture-zeroshot-top5,fixture-zeroshot-mean-per-class-recall")
        let outcome = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(EvalFixtures.fixture("zeroshot_features.h5")))
        let expectedRow = "epoch_1," + [outcome.fullAccuracy, outcome.topKAccuracy, 100 * outcome.meanPerClassRecall].map(JSONNumber.format).joined(separator: ",")
        #expect(table[1] == expectedRow)

        // Mark the finished row: continuing must keep it, not recompute it.
        try (table[0] + "\n" + "epoch_1,1.0,2.0,3.0\n").write(to: csv, atomically: false, encoding: .utf8)
        #expect(try series.run(csv: csv) == ["epoch_2", "epoch_10"])
        table = try lines(csv)
        #expect(table.count == 4)
        #expect(table[1] == "epoch_1,1.0,2.0,3.0")
        #expect(table[2] == expectedRow.replacingOccurrences(of: "epoch_1,", with: "epoch_2,"))
        #expect(table[3].hasPrefix("epoch_10,"))
        #expect(try series.run(csv: csv).isEmpty)
    }

    @Test("a table made for other datasets is an error, and a missing features file names its path")
    func badInput() throws {
        let run = try TemporaryDirectory.make()
        let folder = run.appendingPathComponent("step_5")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = run.appendingPathComponent("evaluation_metrics_all.csv")
        try "checkpoint,other-zeroshot-top1\n".write(to: csv, atomically: false, encoding: .utf8)
        let series = CheckpointSeries(directory: run, featureDatasets: ["fixture"])
        do {
            try series.run(csv: csv)
            Issue.record("mismatched table accepted")
        } catch {
            #expect("\(error)".contains("evaluation_metrics_all.csv") && "\(error)".contains("line 1"))
        }
        try FileManager.default.removeItem(at: csv)
        do {
            try series.run(csv: csv)
            Issue.record("missing features accepted")
        } catch {
            #expect("\(error)".contains("step_5/fixture.h5"))
        }
        #expect(!FileManager.default.fileExists(atPath: csv.path))
    }

    @Test("a checkpoint whose <dataset>.h5 lists other classes than the first checkpoint's is an error naming both files")
    func classListsAcrossCheckpoints() throws {
        let run = try TemporaryDirectory.make()
        let fixture = try ZeroShotFeatures.readHDF5(EvalFixtures.fixture("zeroshot_features.h5"))
        for (name, renamed) in [("epoch_1", false), ("epoch_2", true)] {
            let folder = run.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var names = fixture.classnames
            if renamed { names[4] = "sea lion" }
            let features = try ZeroShotFeatures(
                images: fixture.images, labels: fixture.labels, labelsOrigin: ("fixture", nil), classnames: names,
                textFeatures: fixture.textFeatures, textShape: [names.count, try #require(fixture.promptCount), fixture.images.dimension],
                textOrigin: "fixture")
            try ZeroShotFeaturesFile.write(features, to: folder.appendingPathComponent("fixture.h5"))
        }
        let csv = run.appendingPathComponent("evaluation_metrics_all.csv")
        let series = CheckpointSeries(directory: run, featureDatasets: ["fixture"])
        do {
            try series.run(csv: csv)
            Issue.record("a renamed class accepted")
        } catch {
            let first = run.appendingPathComponent("epoch_1/fixture.h5").path
            let second = run.appendingPathComponent("epoch_2/fixture.h5").path
            #expect("\(error)" == "\(second): dataset classnames: class lists disagree at index 4: \"sea lion\" here, but \"\(fixture.classnames[4])\" in \(first) (dataset classnames)")
        }
        // The first checkpoint's row was written before the error; the bad one was not.
        #expect(try lines(csv).map { String($0.prefix(8)) } == ["checkpoi", "epoch_1,"])
    }

    @Test("TorchScript checkpoints are encoded on evaluation sets")
    func modelCheckpoints() throws {
        _ = try ClipTokenizerTests.tokenizer()
        let golden = try EvalFixtures.golden("tiny_clip_golden.json")
        let tiny = EvalFixtures.fixture("tiny_clip")
        let run = try TemporaryDirectory.make()
        for name in ["ckpt_2.pt", "ckpt_1.pt"] {
            try FileManager.default.copyItem(at: tiny.appendingPathComponent("model.pt"), to: run.appendingPathComponent(name))
        }
        let set = try TemporaryDirectory.make().appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        for name in ["images.pt", "labels.pt", "classnames.json"] {
            try FileManager.default.copyItem(at: tiny.appendingPathComponent(name), to: set.appendingPathComponent(name))
        }
        let templates = try #require(golden["templates"]?.arrayValue).compactMap(\.stringValue)
        try JSONWriter().write(.array(templates.map { .string($0) }), to: set.appendingPathComponent("templates.json"))
        let series = CheckpointSeries(directory: run, evaluationSets: [try CheckpointSeries.EvaluationSet(directory: set)])
        let csv = run.appendingPathComponent("evaluation_metrics_all.csv")
        #expect(try series.run(csv: csv) == ["ckpt_1", "ckpt_2"])
        let table = try lines(csv)
        let correct = try #require(golden["correct_top1"]?.intValue)
        let top1 = JSONNumber.format(Double(100 * correct) / 60)
        #expect(table.count == 3)
        #expect(table[1].hasPrefix("ckpt_1,\(top1),"))
        #expect(table[2].hasPrefix("ckpt_2,\(top1),"))
    }
}
