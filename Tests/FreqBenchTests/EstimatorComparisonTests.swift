import Foundation
import Testing
@testable import FreqBench

@Suite("Estimator comparison")
struct EstimatorComparisonTests {
    private static func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("counts are read from a JSON object or concept<TAB>count lines; bad counts and repeated names are errors naming the line")
    func readsBothShapes() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = try EstimatorCounts.read(name: "a", from: try Self.write(#"{"dog": 3, "cat": 0}"#, "a.json", in: directory))
        #expect(Array(json.counts.keys) == ["dog", "cat"] && json.counts["dog"] == 3)
        let lines = try EstimatorCounts.read(name: "b", from: try Self.write("dog\t7\r\ncat\t1\n\n", "b.txt", in: directory))
        #expect(Array(lines.counts.values) == [7, 1])
        for (text, location) in [("dog\t7\ndog\t1\n", "line 2"), ("dog\t-1\n", "line 1"), ("dog 7\n", "line 1")] {
            let url = try Self.write(text, "bad.txt", in: directory)
            #expect { _ = try EstimatorCounts.read(name: "c", from: url) } throws: {
                ($0 as? FreqBenchError)?.file == url.path && ($0 as? FreqBenchError)?.location == location
            }
        }
        let negative = try Self.write(#"{"dog": -2}"#, "neg.json", in: directory)
        #expect(throws: FreqBenchError.self) { _ = try EstimatorCounts.read(name: "d", from: negative) }
    }

    @Test("agreement: ρ over the shared concepts, the largest log ratios first; normalized names join spellings")
    func agreementAndDisagreements() throws {
        func counts(_ name: String, _ pairs: [(String, Int)]) -> EstimatorCounts {
            EstimatorCounts(name: name, file: name, counts: .init(uniqueKeysWithValues: pairs))
        }
        let a = counts("a", [("w", 1), ("x", 10), ("y", 100), ("z", 1000), ("only a", 5)])
        let same = counts("same", [("w", 2), ("x", 20), ("y", 200), ("z", 2000)])
        let reversed = counts("reversed", [("w", 1000), ("x", 100), ("y", 10), ("z", 1)])
        let comparison = try EstimatorComparison(estimators: [a, same, reversed], topDisagreements: 2)
        #expect(comparison.agreements.map { "\($0.first)-\($0.second)" } == ["a-same", "a-reversed", "same-reversed"])
        #expect(comparison.agreements[0].sharedConcepts == 4 && abs(comparison.agreements[0].spearman.rho - 1) < 1e-12)
        #expect(abs(comparison.agreements[1].spearman.rho + 1) < 1e-12)
        // a vs reversed: w (1 vs 1000) and z (1000 vs 1) are furthest apart; ties by name.
        #expect(comparison.agreements[1].disagreements.map(\.concept) == ["w", "z"])
        #expect(abs(comparison.agreements[1].disagreements[0].logRatio - log10(2.0 / 1001)) < 1e-12)
        // Spellings: exact names share nothing, normalized ones join.
        let spelled = counts("spelled", [("Black_footed_Albatross", 3), ("Laysan Albatross", 30), ("sooty-albatross", 300)])
        let other = counts("other", [("black-footed albatross", 4), ("laysan albatross", 40), ("Sooty Albatross", 400)])
        #expect(throws: FreqBenchError.self) { _ = try EstimatorComparison(estimators: [spelled, other]) }
        #expect(try EstimatorComparison(estimators: [spelled, other], normalizingNames: true).agreements[0].sharedConcepts == 3)
        let clash = counts("clash", [("a_b", 1), ("A-B", 2), ("c", 3)])
        #expect(throws: FreqBenchError.self) { _ = try EstimatorComparison(estimators: [clash, other], normalizingNames: true) }
    }

    @Test("released data: the paper's laion400m ImageNet counts against clip-beyond-tail's give the peers' README ρ, and each fits accuracy")
    func releasedImageNet() throws {
        let peer = try EstimatorCounts.read(name: "beyond-tail", from: try SharedData.peers(
            "clip-beyond-tail/metadata/freqs/class_frequency_laion400m_imagenet_ori.txt"))
        let stated: [(String, Double)] = [("lemmatized", 0.67), ("lowercased", 0.72), ("rampp0.7", 0.72), ("integrated_tlemmatized_i0.7", 0.68)]
        let paper = try stated.map {
            try EstimatorCounts.read(name: $0.0, from: try SharedData.upstream("search_counts/imagenet_laion400m_\($0.0)_search_counts.json"))
        }
        let accuracies = try ZeroShotAccuracies.read(from: try SharedData.upstream("zero_shot_evaluations/imagenet_ensemble_results.json"),
                                                     modelParts: ["ViT-B-32", "laion400m"])
        #expect(accuracies.model == "backboneViT-B-32_pretrainedlaion400m")
        let comparison = try EstimatorComparison(estimators: paper + [peer], accuracies: accuracies, pretraining: "laion400m")
        for (name, rho) in stated {
            let pair = try #require(comparison.agreements.first { $0.first == name && $0.second == "beyond-tail" })
            #expect(pair.sharedConcepts == 998)
            #expect(abs(pair.spearman.rho - rho) <= 0.005, "\(name): \(pair.spearman.rho)")
        }
        #expect(comparison.fits.map(\.concepts) == [1000, 1000, 1000, 1000, 998])
        #expect(comparison.fits.allSatisfy { $0.series.rho > 0.5 && $0.series.fitSlope > 0 })
        // The JSON carries every pair and fit.
        #expect(comparison.json["pairs"]?.arrayValue?.count == 10 && comparison.json["fits"]?.arrayValue?.count == 5)
    }
}
