import Collections
import Foundation

/// Per-concept zero-shot accuracies of one model, from a results file in upstream's shape
/// (`zero_shot_evaluations/*_results.json`: model key → {"full", "classwise": concept → %}).
public struct ZeroShotAccuracies: Sendable, Equatable {
    /// The model key chosen.
    public var model: String
    public var file: String
    /// Concept → accuracy; classes without test samples (NaN, null) are left out.
    public var accuracies: OrderedDictionary<String, Double>

    /// The same accuracies keyed by `EstimatorCounts.normalizedName` (the first of names that become one).
    public func withNormalizedNames() -> ZeroShotAccuracies {
        var normalized = OrderedDictionary<String, Double>()
        for (concept, value) in accuracies where normalized[EstimatorCounts.normalizedName(concept)] == nil {
            normalized[EstimatorCounts.normalizedName(concept)] = value
        }
        return ZeroShotAccuracies(model: model, file: file, accuracies: normalized)
    }

    /// The first model key of `url` that contains every one of `modelParts` (all keys' first
    /// when none is given); an error lists the keys when none matches.
    public static func read(from url: URL, modelParts: [String]) throws -> ZeroShotAccuracies {
        let data = UpstreamData(root: url.deletingLastPathComponent())
        let results = try data.results(url.lastPathComponent)
        guard let key = results.keys.first(where: { key in modelParts.allSatisfy { key.contains($0) } }),
              let values = results[key] else {
            throw FreqBenchError("no model key contains \(modelParts.map { "\"\($0)\"" }.joined(separator: " and ")) "
                                 + "(keys: \(results.keys.joined(separator: ", ")))", file: url.path)
        }
        return ZeroShotAccuracies(model: key, file: url.path, accuracies: values.filter { !$0.value.isNaN })
    }
}
