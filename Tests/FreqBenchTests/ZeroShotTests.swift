import Collections
import Foundation
import Testing
@testable import FreqBench

/// Zero-shot scoring from features against goldens made by CLIP_benchmark's own metric code
/// (Fixtures/eval/make_eval_fixtures.py), result files, precision modes, ties and bad input.
@Suite("Zero-shot evaluation")
struct ZeroShotTests {
    let features = EvalFixtures.fixture("zeroshot_features.h5")

    @Test("matches CLIP_benchmark's counts, per-class precision/recall and similarities on the fixture")
    func golden() throws {
        let golden = try EvalFixtures.golden("zeroshot_fixture.json")
        let input = try ZeroShotFeatures.readHDF5(features)
        let outcome = try ZeroShotScorer().score(input)
        #expect(outcome.samples == golden["samples"]?.intValue)
        #expect(outcome.totalCorrectTop1 == golden["correct_top1"]?.intValue)
        #expect(outcome.totalCorrectTopK == golden["correct_top5"]?.intValue)
        #expect(outcome.tiedTop1 == 0)
        let acc1 = try #require(golden["acc1"]?.doubleValue)
        #expect(abs(Double(outcome.totalCorrectTop1) / Double(outcome.samples) - acc1) < 1e-12)
        #expect(abs(outcome.meanPerClassRecall - (golden["mean_per_class_recall"]?.doubleValue ?? .nan)) < 1e-12)
        let perClass = try #require(golden["per_class"]?.arrayValue)
        #expect(perClass.count == outcome.classnames.count)
        for (index, expected) in perClass.enumerated() {
            #expect(outcome.classnames[index] == expected["class"]?.stringValue)
            #expect(outcome.support[index] == expected["support"]?.intValue)
            #expect(outcome.correctTop1[index] == expected["correct"]?.intValue)
            #expect(outcome.predicted[index] == expected["predicted"]?.intValue)
            #expect(outcome.recall[index] == expected["recall"]?.doubleValue, "recall of \(outcome.classnames[index])")
            #expect(outcome.classPrecision[index] == expected["precision"]?.doubleValue, "precision of \(outcome.classnames[index])")
        }
        // The class without test samples: null accuracy, as the issue asks.
        #expect(outcome.classwiseAccuracy.last! == nil)

        let classifier = try ZeroShotClassifier(textFeatures: input.textFeatures, promptCounts: input.promptCounts,
                                                dimension: input.images.dimension)
        let expectedClassifier = EvalFixtures.floats(golden["classifier"])
        #expect(expectedClassifier.count == classifier.weights.count)
        #expect(zip(classifier.weights, expectedClassifier).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        let logits = try ZeroShotScorer().logits(images: input.images, rows: 0..<8, classifier: classifier)
        let expectedLogits = EvalFixtures.floats(golden["logits_first_rows"])
        #expect(expectedLogits.count == logits.count)
        // Similarities (logits / 100) within 1e-5.
        #expect(zip(logits, expectedLogits).allSatisfy { abs(Double($0) - $1) / 100 < 1e-5 })
    }

    @Test("torch .pt tensors give the same outcome as HDF5; batch size and worker count change nothing")
    func inputsAndBatching() throws {
        let reference = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(features))
        let tensors = try ZeroShotFeatures.read(EvalFixtures.fixture("zeroshot_pt"))
        #expect(try ZeroShotScorer().score(tensors) == reference)
        for (batch, workers) in [(1, 1), (7, 3), (100_000, 2)] {
            #expect(try ZeroShotScorer(batchRows: batch, workers: workers).score(try ZeroShotFeatures.readHDF5(features)) == reference)
        }
    }

    @Test("the batched, vectorized ranking equals a plain sort by (logit desc, class asc) for any batch size and workers")
    func rankingAgainstSort() throws {
        // Few distinct values (small integer features, duplicated text rows): ties are everywhere,
        // and 1,003 classes (not a multiple of 8) exercise the vector groups and the tail.
        var generator = SplitMix64(seed: 7)
        let (rowCount, dimension, classCount) = (700, 3, 1_003)
        let images = (0..<rowCount * dimension).map { _ in Float(Int(generator.next() % 5)) - 2 }
        let text = (0..<classCount * dimension).map { _ in Float(Int(generator.next() % 3)) - 1 }
        let labels = (0..<rowCount).map { _ in Int(generator.next() % UInt64(classCount)) }
        let names = (0..<classCount).map { "class \($0)" }
        let rows = try InMemoryFeatureRows(values: images, rowCount: rowCount, dimension: dimension)
        let classifier = try ZeroShotClassifier(textFeatures: text, classCount: classCount, promptCount: 1, dimension: dimension)
        for precision in ScoringPrecision.allCases {
            let logits = try ZeroShotScorer(precision: precision).logits(images: rows, rows: 0..<rowCount, classifier: classifier)
            var support = [Int](repeating: 0, count: classCount)
            var top1 = support, top5 = support, predicted = support
            var tied = 0
            for row in 0..<rowCount {
                let values = logits[row * classCount..<(row + 1) * classCount]
                let order = (0..<classCount).sorted { (values[values.startIndex + $0], $1) > (values[values.startIndex + $1], $0) }
                let label = labels[row]
                support[label] += 1
                predicted[order[0]] += 1
                if order[0] == label { top1[label] += 1 }
                if order.prefix(5).contains(label) { top5[label] += 1 }
                if values[values.startIndex + order[0]] == values[values.startIndex + order[1]] { tied += 1 }
            }
            #expect(tied > 0)
            for (batch, workers) in [(700, 1), (700, 2), (64, 2), (333, 3)] {
                let outcome = try ZeroShotScorer(precision: precision, batchRows: batch, workers: workers)
                    .score(images: rows, labels: labels, classifier: classifier, classnames: names)
                #expect(outcome.support == support && outcome.predicted == predicted, "\(precision) batch \(batch) workers \(workers)")
                #expect(outcome.correctTop1 == top1 && outcome.correctTopK == top5 && outcome.tiedTop1 == tied,
                        "\(precision) batch \(batch) workers \(workers)")
            }
        }
        // The first non-finite row is named whatever the batch size and worker count (rows wide
        // enough that normalization is split over two workers).
        let wide = 800
        var broken = (0..<rowCount * wide).map { _ in Float(Int(generator.next() % 5)) - 2 }
        broken[650 * wide + 1] = .infinity
        broken[20 * wide + 799] = .nan
        let brokenRows = try InMemoryFeatureRows(values: broken, rowCount: rowCount, dimension: wide, file: "broken.h5")
        let wideClassifier = try ZeroShotClassifier(textFeatures: (0..<3 * wide).map { Float($0 % 7) }, classCount: 3, promptCount: 1, dimension: wide)
        for (batch, workers) in [(700, 2), (16, 2), (700, 1)] {
            do {
                _ = try ZeroShotScorer(batchRows: batch, workers: workers).score(
                    images: brokenRows, labels: labels.map { $0 % 3 }, classifier: wideClassifier, classnames: ["a", "b", "c"])
                Issue.record("NaN accepted")
            } catch {
                #expect("\(error)" == "broken.h5: row 20: feature value nan is not finite")
            }
        }
    }

    @Test("top-k selection equals the plain in-order scan (and a sort) on rows of any length, with ties, infinities and NaN")
    func topKSelection() throws {
        var generator = SplitMix64(seed: 3)
        let palette: [Float] = [-.infinity, -1, 0, 0.5, 1, 2, .infinity]
        let topValues = UnsafeMutablePointer<Float>.allocate(capacity: 5)
        let topIndices = UnsafeMutablePointer<Int>.allocate(capacity: 5)
        defer { topValues.deallocate(); topIndices.deallocate() }
        for trial in 0..<3_000 {
            let count = 1 + Int(generator.next() % 300)
            var row = (0..<count).map { _ in palette[Int(generator.next() % UInt64(palette.count))] }
            if trial % 2 == 0 { row = row.map { $0.isFinite ? $0 + Float(generator.next() % 1_000) / 997 : $0 } }
            if trial % 10 == 3 { row[Int(generator.next() % UInt64(count))] = .nan }
            let k = min(5, count)
            // The specification: offer every value in column order to a list of k; a value enters
            // a full list only above its last, and moves up past strictly smaller values.
            var expected = [(value: Float, index: Int)]()
            for (index, value) in row.enumerated() where expected.count < k || value > expected[k - 1].value {
                if expected.count == k { expected.removeLast() }
                var position = expected.count
                while position > 0, value > expected[position - 1].value { position -= 1 }
                expected.insert((value, index), at: position)
            }
            let filled = row.withUnsafeBufferPointer {
                TopKSelection.select($0.baseAddress!, count: count, k: k, topValues: topValues, topIndices: topIndices)
            }
            #expect(filled == expected.count)
            let got = (0..<filled).map { topIndices[$0] }
            #expect(got == expected.map(\.index), "row \(trial) of \(count)")
            if !row.contains(where: \.isNaN) {
                let sorted = row.indices.sorted { (row[$0], $1) > (row[$1], $0) }
                #expect(got == Array(sorted.prefix(k)), "row \(trial) of \(count)")
            }
        }
    }

    @Test("labels given as class names map through classnames; a name not among them is an error naming both datasets")
    func labelsAsNames() throws {
        let directory = try TemporaryDirectory.make()
        func write(_ name: String, labels: [String]) throws -> URL {
            let url = directory.appendingPathComponent(name)
            let file = try HDF5File.create(url)
            try file.write("image_features", float32: [1, 0, 0, 1, 1, 1], shape: [3, 2])
            try file.write("labels", strings: labels)
            try file.write("classnames", strings: ["cat", "dog"])
            try file.write("text_features", float32: [1, 0, 0, 1], shape: [2, 2])
            return url
        }
        let named = try ZeroShotFeatures.readHDF5(try write("named.h5", labels: ["cat", "dog", "dog"]))
        #expect(named.labels == [0, 1, 1])
        let outcome = try ZeroShotScorer().score(named)
        #expect(outcome.correctTop1 == [1, 1] && outcome.tiedTop1 == 1)
        let url = try write("unknown.h5", labels: ["cat", "kitty", "dog"])
        do {
            _ = try ZeroShotFeatures.readHDF5(url)
            Issue.record("an unknown class name accepted")
        } catch {
            #expect("\(error)" == "\(url.path): dataset labels, row 1: class name \"kitty\" is not in dataset classnames (2 names)")
        }
    }

    @Test("fp16 mode rounds to half as upstream's autocast; counts agree with the fp16 golden within one sample")
    func halfPrecision() throws {
        let golden = try EvalFixtures.golden("zeroshot_fixture.json")
        let input = try ZeroShotFeatures.readHDF5(features)
        let outcome = try ZeroShotScorer(precision: .fp16).score(input)
        let expected = try #require(golden["fp16"]?["correct_top1"]?.intValue)
        // Accumulation order differs from torch's, so a logit at a half-precision rounding
        // boundary may round the other way: exact equality is not promised (see docs).
        #expect(abs(outcome.totalCorrectTop1 - expected) <= 1)
        let classifier = try ZeroShotClassifier(textFeatures: input.textFeatures, promptCounts: input.promptCounts,
                                                dimension: input.images.dimension)
        let logits = try ZeroShotScorer(precision: .fp16).logits(images: input.images, rows: 0..<20, classifier: classifier)
        #expect(logits.allSatisfy { Float(Float16($0)) == $0 })
        let float32Logits = try ZeroShotScorer().logits(images: input.images, rows: 0..<20, classifier: classifier)
        #expect(logits != float32Logits)
    }

    @Test("ties go to the lower class index and are counted")
    func ties() throws {
        // Classes 1 and 2 have identical text features; images aligned with them tie.
        let text: [Float] = [1, 0, 0,  0, 1, 0,  0, 2, 0,  0, 0, 1]
        let images = try InMemoryFeatureRows(values: [0, 3, 0,  0.1, 1, 0,  1, 0, 0,  0, 0, 5], rowCount: 4, dimension: 3)
        let classifier = try ZeroShotClassifier(textFeatures: text, classCount: 4, promptCount: 1, dimension: 3)
        let outcome = try ZeroShotScorer().score(images: images, labels: [2, 1, 0, 3], classifier: classifier,
                                                 classnames: ["a", "b", "c", "d"])
        #expect(outcome.tiedTop1 == 2)
        #expect(outcome.predicted == [1, 2, 0, 1])
        #expect(outcome.correctTop1 == [1, 1, 0, 1])
        #expect(outcome.correctTopK == [1, 1, 1, 1])
        #expect(outcome.fullAccuracy == 75)
    }

    @Test("a class whose text features are all zero is named in a warning (its logits are all 0)")
    func zeroTextFeaturesWarn() throws {
        // Classes 1 and 3 have all-zero features under both prompts; class 2's cancel out.
        let text: [Float] = [1, 0,  1, 0.1,   0, 0,  0, 0,   0, 1,  0, -1,   0, 0,  0, 0]
        let classifier = try ZeroShotClassifier(textFeatures: text, classCount: 4, promptCount: 2, dimension: 2)
        #expect(classifier.zeroClasses == [1, 2, 3])
        let images = try InMemoryFeatureRows(values: [1, 0,  0.5, 0.5,  0, 1], rowCount: 3, dimension: 2)
        let warnings = WarningLog()
        var scorer = ZeroShotScorer()
        scorer.warn = { warnings.append($0) }
        let outcome = try scorer.score(images: images, labels: [0, 1, 3], classifier: classifier, classnames: ["dog", "cat", "sea lion", "bird"])
        #expect(outcome.correctTop1 == [1, 0, 0, 0])
        #expect(warnings.messages == [
            "warning: 3 classes 1 \"cat\", 2 \"sea lion\", 3 \"bird\" have all-zero text features: every logit for them is 0, "
                + "so they are almost never predicted (check the text features or the prompts)",
        ])
        // None: no warning.
        let fine = try ZeroShotClassifier(textFeatures: [1, 0, 0, 1], classCount: 2, promptCount: 1, dimension: 2)
        _ = try scorer.score(images: images, labels: [0, 1, 1], classifier: fine, classnames: ["dog", "cat"])
        #expect(warnings.messages.count == 1)
    }

    @Test("prompt embeddings are normalized before averaging, then renormalized")
    func classifierAveraging() throws {
        // Two prompts of very different norms: the mean of unit vectors, not of raw vectors.
        let classifier = try ZeroShotClassifier(textFeatures: [10, 0, 0, 1], classCount: 1, promptCount: 2, dimension: 2)
        #expect(abs(classifier.weights[0] - Float(0.5).squareRoot()) < 1e-6)
        #expect(abs(classifier.weights[1] - Float(0.5).squareRoot()) < 1e-6)
    }

    @Test("results merge into an existing file, keep other keys, write null for empty classes, and match json.dump bytes")
    func resultsFile() throws {
        let upstream = try SharedData.upstream("zero_shot_evaluations/cifar10_simple_results.json")
        let directory = try TemporaryDirectory.make()
        let copy = directory.appendingPathComponent("cifar10_simple_results.json")
        try FileManager.default.copyItem(at: upstream, to: copy)
        let entries = try EvaluationResultsFile.read(copy, kind: .classwise)
        let firstKey = try #require(entries.keys.first)
        // Rewriting an upstream entry reproduces upstream's bytes exactly.
        try EvaluationResultsFile.merge(try #require(entries[firstKey]), modelKey: firstKey, kind: .classwise, into: copy)
        #expect(try Data(contentsOf: copy) == (try Data(contentsOf: upstream)))

        // A new key is appended after the others; an existing key is replaced in place.
        var changed = try #require(entries[firstKey])
        changed.full = 12.5
        try EvaluationResultsFile.merge(changed, modelKey: "backboneNew_pretrainedx", kind: .classwise, into: copy)
        try EvaluationResultsFile.merge(changed, modelKey: firstKey, kind: .classwise, into: copy)
        let merged = try EvaluationResultsFile.read(copy, kind: .classwise)
        #expect(Array(merged.keys) == Array(entries.keys) + ["backboneNew_pretrainedx"])
        #expect(merged[firstKey]?.full == 12.5 && merged["backboneNew_pretrainedx"] == changed)

        // The fixture's classes are not cifar10's (refused there, see PromptCatalogTests): its own file.
        let outcome = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(features))
        let own = directory.appendingPathComponent("fixture_results.json")
        try EvaluationResultsFile.merge(ZeroShotReport.entry(outcome), modelKey: "backboneTiny_pretrainedfixture", kind: .classwise, into: own)
        #expect(try EvaluationResultsFile.read(own, kind: .classwise)["backboneTiny_pretrainedfixture"]?.full == Double(100 * outcome.totalCorrectTop1) / 240)
        let text = try String(contentsOf: own, encoding: .utf8)
        #expect(text.contains("\"unseen class\": null"))
        #expect(text.contains("\"caf\\u00e9\""))

        // Upstream's NaN (not JSON) reads as a missing value, like null.
        let nan = directory.appendingPathComponent("nan.json")
        try #"{"k": {"full": NaN, "classwise": {"a": NaN, "b": null, "c": 50.0}}}"#.write(to: nan, atomically: false, encoding: .utf8)
        let read = try EvaluationResultsFile.read(nan, kind: .classwise)
        #expect(read["k"]?.full == .some(nil))
        #expect(read["k"]?.breakdown["a"] == .some(nil))
        #expect(read["k"]?.breakdown["b"] == .some(nil))
        #expect(read["k"]?.breakdown["c"] == .some(50.0))
    }

    @Test("the CLIP_benchmark-shaped file carries acc1, acc5 and mean per-class recall as fractions")
    func clipBenchmarkShape() throws {
        let golden = try EvalFixtures.golden("zeroshot_fixture.json")
        let outcome = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(features))
        let json = ZeroShotReport.clipBenchmark(outcome, dataset: "fixture", modelKey: "backboneViT-B-32_pretrainedlaion400m",
                                                provenance: Provenance.current())
        #expect(json["model"]?.stringValue == "ViT-B-32")
        #expect(json["pretrained"]?.stringValue == "laion400m")
        #expect(json["task"]?.stringValue == "zeroshot_classification")
        #expect(json["metrics"]?["acc1"]?.doubleValue == golden["acc1"]?.doubleValue)
        #expect(json["metrics"]?["acc5"]?.doubleValue == golden["acc5"]?.doubleValue)
        #expect(abs((json["metrics"]?["mean_per_class_recall"]?.doubleValue ?? 0) - (golden["mean_per_class_recall"]?.doubleValue ?? 1)) < 1e-12)
    }

    @Test("bad input names the file: dimension mismatch, labels out of range, NaN features, corrupt .pt, missing dataset")
    func badInput() throws {
        let directory = try TemporaryDirectory.make()
        func write(_ name: String, image: [Float], imageShape: [Int], labels: [Int64], text: [Float], textShape: [Int],
                   classnames: [String] = ["a", "b"]) throws -> URL {
            let url = directory.appendingPathComponent(name)
            let file = try HDF5File.create(url)
            try file.write("image_features", float32: image, shape: imageShape)
            try file.write("labels", int64: labels, shape: [labels.count])
            try file.write("classnames", strings: classnames)
            try file.write("text_features", float32: text, shape: textShape)
            return url
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let mismatch = try write("dim.h5", image: [1, 2, 3, 4], imageShape: [2, 2], labels: [0, 1], text: [1, 0, 0, 0, 1, 0], textShape: [2, 1, 3])
        let m1 = message { _ = try ZeroShotFeatures.readHDF5(mismatch) }
        #expect(m1.contains("dim.h5") && m1.contains("dimension mismatch"))

        let range = try write("range.h5", image: [1, 2, 3, 4], imageShape: [2, 2], labels: [0, 2], text: [1, 0, 0, 1], textShape: [2, 2])
        let m2 = message { _ = try ZeroShotFeatures.readHDF5(range) }
        #expect(m2.contains("range.h5") && m2.contains("dataset labels, row 1") && m2.contains("out of range"))

        let nan = try write("nan.h5", image: [1, 2, .nan, 4], imageShape: [2, 2], labels: [0, 1], text: [1, 0, 0, 1], textShape: [2, 2])
        let m3 = message { _ = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(nan)) }
        #expect(m3.contains("nan.h5") && m3.contains("dataset image_features, row 1") && m3.contains("not finite"))

        let names = try write("names.h5", image: [1, 2, 3, 4], imageShape: [2, 2], labels: [0, 1], text: [1, 0, 0, 1], textShape: [2, 2], classnames: ["a", "b", "c"])
        let m4 = message { _ = try ZeroShotFeatures.readHDF5(names) }
        #expect(m4.contains("names.h5") && m4.contains("3 class names"))

        let corrupt = directory.appendingPathComponent("tensors")
        try FileManager.default.copyItem(at: EvalFixtures.fixture("zeroshot_pt"), to: corrupt)
        try Data("not a tensor".utf8).write(to: corrupt.appendingPathComponent("labels.pt"))
        let m5 = message { _ = try ZeroShotFeatures.read(corrupt) }
        #expect(m5.contains("tensors/labels.pt") && m5.contains("libtorch"))

        let empty = directory.appendingPathComponent("empty.h5")
        _ = try HDF5File.create(empty)
        let m6 = message { _ = try ZeroShotFeatures.readHDF5(empty) }
        #expect(m6.contains("empty.h5") && m6.contains("missing dataset 'image_features'"))
    }
}

/// Collects warnings from a `@Sendable` closure.
final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ message: String) { lock.withLock { stored.append(message) } }
    var messages: [String] { lock.withLock { stored } }
}
