import Collections
import Foundation

extension FixtureStage {
    /// Zero-shot and retrieval evaluation over `Fixtures/eval` (features in HDF5): zero-shot
    /// counts, top-1/top-5 accuracy, mean per-class recall and per-class support, correct,
    /// predicted, precision and recall; retrieval per-query correctness, full and conceptwise
    /// recall@k for k = 1, 5, 10 in both directions. Compare-only: the goldens are
    /// `Golden/eval/{zeroshot,retrieval}_fixture.json`, written with CLIP_benchmark's own metric
    /// code by `Fixtures/eval/make_eval_fixtures.py`; their other members (classifier weights,
    /// logits, fp16 counts, generator) are checked by the eval test suites instead.
    public static let eval = FixtureStage(
        name: "eval",
        summary: "zero-shot and retrieval metrics over Fixtures/eval against Golden/eval (CLIP_benchmark, compare-only)",
        compareOnlyGoldens: DataPaths.repositoryRoot.appendingPathComponent("Golden/eval", isDirectory: true),
        run: { context in
            let directory = context.fixtures.appendingPathComponent("eval", isDirectory: true)
            return [try EvalFixture.zeroShot(features: directory.appendingPathComponent("zeroshot_features.h5")),
                    try EvalFixture.retrieval(features: directory.appendingPathComponent("retrieval_features.h5"),
                                              concepts: directory.appendingPathComponent("retrieval_concepts.json"))]
        })
}

/// The computation behind `FixtureStage.eval`, through the scorers `freqbench eval` uses.
enum EvalFixture {
    /// Accuracies are ratios of the same integers in both implementations; 1e-12 leaves room
    /// only for a different summation order of the per-class recall mean.
    static let zeroShotTolerance = GoldenTolerance(relative: 0, absolute: 1e-12)

    static func zeroShot(features: URL) throws -> FixtureStage.Output {
        let outcome = try ZeroShotScorer().score(try ZeroShotFeatures.readHDF5(features))
        func fraction(_ value: Int) -> JSONValue { outcome.samples == 0 ? .null : .double(Double(value) / Double(outcome.samples)) }
        let optional: (Double?) -> JSONValue = { $0.map { .double($0) } ?? .null }
        let perClass: [JSONValue] = outcome.classnames.indices.map { index in
            .object([
                "class": .string(outcome.classnames[index]),
                "support": .int(outcome.support[index]),
                "correct": .int(outcome.correctTop1[index]),
                "predicted": .int(outcome.predicted[index]),
                "precision": optional(outcome.classPrecision[index]),
                "recall": optional(outcome.recall[index]),
            ])
        }
        return FixtureStage.Output(name: "zeroshot_fixture", value: .object([
            "samples": .int(outcome.samples),
            "correct_top1": .int(outcome.totalCorrectTop1),
            "correct_top5": .int(outcome.totalCorrectTopK),
            "acc1": fraction(outcome.totalCorrectTop1),
            "acc5": fraction(outcome.totalCorrectTopK),
            "mean_per_class_recall": .double(outcome.meanPerClassRecall),
            "per_class": .array(perClass),
        ]), tolerance: zeroShotTolerance)
    }

    static func retrieval(features: URL, concepts conceptsURL: URL) throws -> FixtureStage.Output {
        let outcome = try RetrievalScorer().score(try RetrievalFeatures.readHDF5(features))
        let concepts = try RetrievalConcepts.read(conceptsURL)
        var results = OrderedDictionary<String, JSONValue>()
        for k in RetrievalReport.defaultKs {
            for direction in RetrievalDirection.allCases {
                let entry = RetrievalReport.entry(outcome, direction: direction, k: k, concepts: concepts)
                let conceptwise = OrderedDictionary(uniqueKeysWithValues: entry.breakdown.map { key, value in
                    (key, value.map { JSONValue.double($0) } ?? .null)
                })
                results["\(direction.rawValue)_k=\(k)"] = .object([
                    "correct": .string(outcome.correct(direction, k: k).map { $0 ? "1" : "0" }.joined()),
                    "full": entry.full.map { .double($0) } ?? .null,
                    "conceptwise": .object(conceptwise),
                ])
            }
        }
        return FixtureStage.Output(name: "retrieval_fixture", value: .object(["results": .object(results)]), tolerance: .exact)
    }
}
