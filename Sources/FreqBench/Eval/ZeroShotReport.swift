import Collections
import Foundation

/// The files and summaries a zero-shot run writes.
public enum ZeroShotReport {
    /// The upstream-shaped entry: `full` and `classwise` top-1 accuracy in percent.
    public static func entry(_ outcome: ZeroShotOutcome) -> EvaluationResultEntry {
        var classwise = OrderedDictionary<String, Double?>()
        // As a Python dict built in class order: a repeated name keeps its first position and last value.
        for (index, name) in outcome.classnames.enumerated() { classwise[name] = outcome.classwiseAccuracy[index] }
        return EvaluationResultEntry(full: outcome.samples == 0 ? nil : outcome.fullAccuracy, breakdown: classwise)
    }

    /// Every metric: top-1/top-k, mean per-class recall, per-class precision/recall/support, ties.
    public static func metrics(_ outcome: ZeroShotOutcome) -> JSONValue {
        var perClass = [JSONValue]()
        for index in outcome.classnames.indices {
            perClass.append(.object([
                "class": .string(outcome.classnames[index]),
                "support": .int(outcome.support[index]),
                "correct_top1": .int(outcome.correctTop1[index]),
                "predicted": .int(outcome.predicted[index]),
                "accuracy": optional(outcome.classwiseAccuracy[index]),
                "precision": optional(outcome.classPrecision[index]),
                "recall": optional(outcome.recall[index]),
            ]))
        }
        return .object([
            "samples": .int(outcome.samples),
            "precision_mode": .string(outcome.precision.rawValue),
            "top1_accuracy_percent": optional(outcome.samples == 0 ? nil : outcome.fullAccuracy),
            "top\(outcome.topK)_accuracy_percent": optional(outcome.samples == 0 ? nil : outcome.topKAccuracy),
            "correct_top1": .int(outcome.totalCorrectTop1),
            "correct_top\(outcome.topK)": .int(outcome.totalCorrectTopK),
            "mean_per_class_recall": optional(outcome.meanPerClassRecall),
            "tied_top1": .int(outcome.tiedTop1),
            "per_class": .array(perClass),
        ])
    }

    /// A CLIP_benchmark-shaped result (`dataset`, `model`, `pretrained`, `task`, `metrics` with
    /// fractions `acc1`, `acc5`, `mean_per_class_recall`, `language`), plus FreqBench's details
    /// and provenance under `freqbench`.
    public static func clipBenchmark(_ outcome: ZeroShotOutcome, dataset: String, modelKey: String,
                                     provenance: Provenance) -> JSONValue {
        let key = ModelKey(parsing: modelKey)
        let samples = Double(outcome.samples)
        let acc5: JSONValue = outcome.classnames.count >= 5 ? optional(Double(outcome.totalCorrectTopK) / samples) : .null
        return .object([
            "dataset": .string(dataset),
            "model": .string(key.backbone),
            "pretrained": .string(key.pretrained),
            "task": .string("zeroshot_classification"),
            "metrics": .object([
                "acc1": optional(Double(outcome.totalCorrectTop1) / samples),
                "acc5": acc5,
                "mean_per_class_recall": optional(outcome.meanPerClassRecall),
            ]),
            "language": .string("en"),
            "freqbench": .object(["model_key": .string(modelKey), "metrics": metrics(outcome), "provenance": provenance.json]),
        ])
    }

    static func optional(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }
}
