import Collections
import Foundation

/// Several estimators' counts for one concept list, side by side (`freqbench estimators
/// compare`, the peers section of `verify`):
///
/// - per pair: over the concepts both name, Spearman ρ of the counts, Pearson r of
///   log10(1 + count), and the concepts they disagree on most (largest |log10((1+a)/(1+b))|);
/// - per estimator, with a zero-shot results file: the paper's fit of accuracy against
///   frequency (its log-spaced bins, `FigureBinCount.zeroShot`, and the zero-shot plots'
///   slice: Pearson ρ of ln(bin edge) and bin mean, and the least-squares slope per e-fold),
///   and Spearman ρ of accuracy and count over the concepts themselves.
public struct EstimatorComparison: Sendable {
    /// A concept two estimators count very differently.
    public struct Disagreement: Sendable, Equatable {
        public var concept: String
        public var first: Int
        public var second: Int
        /// log10((1 + first) / (1 + second)).
        public var logRatio: Double
    }

    /// How two estimators agree.
    public struct Agreement: Sendable {
        public var first: String
        public var second: String
        public var sharedConcepts: Int
        public var spearman: SpearmanCorrelation
        public var pearsonOfLogs: PearsonCorrelation
        public var disagreements: [Disagreement]
    }

    /// One estimator's fit of zero-shot accuracy against its counts.
    public struct Fit: Sendable {
        public var estimator: String
        /// Concepts with both a count and an accuracy.
        public var concepts: Int
        /// Spearman ρ of accuracy and count, concept by concept.
        public var spearman: SpearmanCorrelation
        /// The paper's binned fit (points, line, Pearson ρ).
        public var series: PlotSeries
    }

    public var estimators: [EstimatorCounts]
    public var accuracies: ZeroShotAccuracies?
    public var agreements: [Agreement]
    public var fits: [Fit]

    /// Compares `estimators` (at least 2, distinct names); fits each against `accuracies` when
    /// given (`pretraining` picks the paper's plot slice). `topDisagreements` per pair.
    /// `normalizingNames`: concepts are joined by `EstimatorCounts.normalizedName`, not as spelled.
    public init(estimators: [EstimatorCounts], accuracies: ZeroShotAccuracies? = nil, pretraining: String = "",
                topDisagreements: Int = 10, normalizingNames: Bool = false) throws {
        let estimators = normalizingNames ? try estimators.map { try $0.withNormalizedNames() } : estimators
        let accuracies = normalizingNames ? accuracies?.withNormalizedNames() : accuracies
        guard estimators.count >= 2 || (accuracies != nil && !estimators.isEmpty) else {
            throw FreqBenchError("compare needs at least two count files (or one and a results file)")
        }
        var names = Set<String>()
        for estimator in estimators where !names.insert(estimator.name).inserted {
            throw FreqBenchError("estimator name \"\(estimator.name)\" given twice")
        }
        self.estimators = estimators
        self.accuracies = accuracies
        var agreements: [Agreement] = []
        for i in estimators.indices {
            for j in estimators.indices where j > i {
                agreements.append(try Self.agreement(estimators[i], estimators[j], top: topDisagreements))
            }
        }
        self.agreements = agreements
        var fits: [Fit] = []
        if let accuracies {
            for estimator in estimators {
                // The paper's gathering order: concepts sorted by code point.
                let concepts = estimator.counts.keys.filter { accuracies.accuracies[$0] != nil }
                    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                guard concepts.count >= 3 else {
                    throw FreqBenchError("\(estimator.name): \(concepts.count) concepts have both a count and an accuracy "
                                         + "(model \(accuracies.model)); the names must match", file: estimator.file)
                }
                let counts = concepts.map { estimator.counts[$0] ?? 0 }
                let values = concepts.map { accuracies.accuracies[$0] ?? .nan }
                let figure = try LogBinning.figureData(counts: counts, performances: values, binCount: FigureBinCount.zeroShot)
                let series = try PlotSeries(name: estimator.name, figure: figure, slice: .zeroShotPlot(pretraining: pretraining))
                fits.append(Fit(estimator: estimator.name, concepts: concepts.count,
                                spearman: try SpearmanCorrelation(counts.map(Double.init), values), series: series))
            }
        }
        self.fits = fits
    }

    private static func agreement(_ a: EstimatorCounts, _ b: EstimatorCounts, top: Int) throws -> Agreement {
        let shared = a.counts.keys.filter { b.counts[$0] != nil }
        guard shared.count >= 3 else {
            throw FreqBenchError("\(a.name) and \(b.name) share \(shared.count) concept names (at least 3 are needed): "
                                 + "are they counts for the same concept list?", file: b.file)
        }
        let first = shared.map { a.counts[$0] ?? 0 }, second = shared.map { b.counts[$0] ?? 0 }
        let logs = (first.map { log10(1 + Double($0)) }, second.map { log10(1 + Double($0)) })
        var disagreements = zip(shared, zip(first, second)).map { concept, pair in
            Disagreement(concept: concept, first: pair.0, second: pair.1, logRatio: log10((1 + Double(pair.0)) / (1 + Double(pair.1))))
        }
        disagreements.sort {
            abs($0.logRatio) != abs($1.logRatio) ? abs($0.logRatio) > abs($1.logRatio) : $0.concept.utf8.lexicographicallyPrecedes($1.concept.utf8)
        }
        return Agreement(first: a.name, second: b.name, sharedConcepts: shared.count,
                         spearman: try SpearmanCorrelation(first.map(Double.init), second.map(Double.init)),
                         pearsonOfLogs: try PearsonCorrelation(logs.0, logs.1), disagreements: Array(disagreements.prefix(max(0, top))))
    }
}

extension EstimatorComparison {
    /// The comparison as JSON (numbers as computed; provenance: files and model key).
    public var json: JSONValue {
        func number(_ value: Double) -> JSONValue { value.isFinite ? .number(JSONNumber(value)) : .null }
        return .object([
            "estimators": .array(estimators.map {
                .object(["name": .string($0.name), "file": .string($0.file), "concepts": .int($0.counts.count)])
            }),
            "results": accuracies.map { .object(["file": .string($0.file), "model": .string($0.model)]) } ?? .null,
            "pairs": .array(agreements.map { pair in
                .object([
                    "first": .string(pair.first), "second": .string(pair.second),
                    "shared_concepts": .int(pair.sharedConcepts),
                    "spearman_rho": number(pair.spearman.rho), "spearman_p": number(pair.spearman.pValue),
                    "pearson_r_log10_1p": number(pair.pearsonOfLogs.r),
                    "disagreements": .array(pair.disagreements.map {
                        .object(["concept": .string($0.concept), "first": .int($0.first), "second": .int($0.second),
                                 "log10_ratio": number($0.logRatio)])
                    }),
                ])
            }),
            "fits": .array(fits.map { fit in
                .object([
                    "estimator": .string(fit.estimator), "concepts": .int(fit.concepts),
                    "spearman_rho_accuracy_count": number(fit.spearman.rho),
                    "binned_pearson_rho": number(fit.series.rho), "binned_p": number(fit.series.pValue),
                    "slope_per_e_fold": number(fit.series.fitSlope),
                    "slope_per_decade": number(fit.series.fitSlope * log(10)),
                    "intercept": number(fit.series.fitIntercept),
                ])
            }),
        ])
    }

    /// Markdown tables: pairs, their top disagreements, fits.
    public var markdown: String {
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        var lines = ["| estimators | shared concepts | Spearman ρ | Pearson r of log10(1+count) |", "|---|---|---|---|"]
        for pair in agreements {
            lines.append("| \(pair.first) vs \(pair.second) | \(pair.sharedConcepts) | \(f(pair.spearman.rho)) | \(f(pair.pearsonOfLogs.r)) |")
        }
        for pair in agreements where !pair.disagreements.isEmpty {
            lines += ["", "Largest disagreements, \(pair.first) vs \(pair.second):", "",
                      "| concept | \(pair.first) | \(pair.second) | log10 ratio |", "|---|---|---|---|"]
            for item in pair.disagreements {
                lines.append("| \(item.concept) | \(item.first) | \(item.second) | \(String(format: "%+.2f", item.logRatio)) |")
            }
        }
        if let accuracies, !fits.isEmpty {
            lines += ["", "Zero-shot accuracy against frequency (\(accuracies.model), paper's binned fit):", "",
                      "| estimator | concepts | binned ρ | slope per decade (points) | Spearman ρ (concepts) |", "|---|---|---|---|---|"]
            for fit in fits {
                lines.append("| \(fit.estimator) | \(fit.concepts) | \(f(fit.series.rho, 2))\(fit.series.pValue < 0.05 ? "**" : "") | "
                             + "\(f(fit.series.fitSlope * log(10), 2)) | \(f(fit.spearman.rho)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
