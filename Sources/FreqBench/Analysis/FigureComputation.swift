import Collections
import Foundation

/// Computes a figure of `FigureCatalog` from the released inputs (upstream README §3):
/// gathers (count, performance) pairs dataset by dataset, each dataset's count keys in
/// sorted (code-point) order, and bins them with `LogBinning`.
public struct FigureComputation {
    /// What computing one figure gave.
    public enum Outcome: Sendable, Equatable {
        /// The figure data, from `pairCount` (count, performance) pairs.
        case computed(FigureData, pairCount: Int)
        /// Input files absent (paths relative to the upstream folder).
        case inputsAbsent([String])
        /// A result file has no model key the figure's rule accepts.
        case noModelKey(file: String, rule: String)
    }

    public let data: UpstreamData

    public init(data: UpstreamData) {
        self.data = data
    }

    /// Every input file of `spec`, relative to the upstream folder, in reading order.
    public static func inputs(of spec: FigureSpec) -> [String] {
        var paths: [String] = []
        for dataset in spec.datasets {
            for path in [spec.countsPath(dataset: dataset), spec.resultsPath(dataset: dataset)] where !paths.contains(path) {
                paths.append(path)
            }
        }
        return paths
    }

    /// The (count, performance) pairs of `spec`, in gathering order, or why there are none.
    public enum Pairs: Sendable, Equatable {
        case pairs(counts: [Int], performances: [Double])
        case inputsAbsent([String])
        case noModelKey(file: String, rule: String)
    }

    /// Computes `spec`.
    public func compute(_ spec: FigureSpec) throws -> Outcome {
        switch try pairs(of: spec) {
        case .pairs(let counts, let performances):
            let figure = try LogBinning.figureData(counts: counts, performances: performances, binCount: spec.binCount)
            return .computed(figure, pairCount: counts.count)
        case .inputsAbsent(let missing):
            return .inputsAbsent(missing)
        case .noModelKey(let file, let rule):
            return .noModelKey(file: file, rule: rule)
        }
    }

    /// Gathers the (count, performance) pairs of `spec`.
    public func pairs(of spec: FigureSpec) throws -> Pairs {
        let missing = Self.inputs(of: spec).filter { !data.exists($0) }
        if !missing.isEmpty { return .inputsAbsent(missing) }
        var counts: [Int] = []
        var performances: [Double] = []
        for dataset in spec.datasets {
            let countsPath = spec.countsPath(dataset: dataset)
            let resultsPath = spec.resultsPath(dataset: dataset)
            let datasetCounts = try data.countLookup(countsPath)
            let keys = try data.sortedConcepts(countsPath)
            if spec.kind == .textToImage {
                let models = try data.scoreLists(resultsPath)
                guard let key = spec.modelKeyRule.select(from: models.keys, pretraining: spec.pretraining, model: spec.model),
                      let scores = models[key] else {
                    return .noModelKey(file: resultsPath, rule: "a key equal to \"\(spec.model)\"")
                }
                for concept in keys {
                    guard let list = scores[concept], !list.isEmpty, let count = datasetCounts[concept] else { continue }
                    var sum = 0.0
                    for score in list { sum += score }
                    counts.append(count)
                    performances.append(sum / Double(list.count))
                }
            } else {
                let modelOrder = try data.results(resultsPath).keys
                guard let key = spec.modelKeyRule.select(from: modelOrder, pretraining: spec.pretraining, model: spec.model),
                      var perConcept = try data.resultLookup(resultsPath)[key] else {
                    let rule = spec.modelKeyRule == .firstContainingPretraining
                        ? "a key containing \"\(spec.pretraining)\""
                        : "a key containing both \"\(spec.pretraining)\" and \"\(spec.model)\""
                    return .noModelKey(file: resultsPath, rule: rule)
                }
                for (from, to) in ConceptNameFix.renames(for: dataset) {
                    if let value = perConcept.removeValue(forKey: from) { perConcept[to] = value }
                }
                for concept in keys {
                    guard let performance = perConcept[concept], let count = datasetCounts[concept] else { continue }
                    counts.append(count)
                    performances.append(performance)
                }
            }
        }
        return .pairs(counts: counts, performances: performances)
    }
}
