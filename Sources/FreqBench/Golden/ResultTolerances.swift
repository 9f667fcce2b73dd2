import Foundation

/// How far a user's re-run may be from the paper's released results (`Golden/tolerances.json`):
/// absolute tolerances per kind of value. Counts compare exactly unless `countRelative` is set.
public struct ResultTolerances: Sendable, Equatable {
    /// Zero-shot accuracy, in percentage points.
    public var zeroShotAccuracyPercent: Double
    /// Retrieval recall@k, as a fraction.
    public var retrievalRecallFraction: Double
    /// Pearson r of a plotted series.
    public var plotRho: Double
    /// Relative tolerance on search counts (`--count-tolerance`); 0 = exact.
    public var countRelative: Double

    public init(zeroShotAccuracyPercent: Double, retrievalRecallFraction: Double, plotRho: Double, countRelative: Double = 0) {
        self.zeroShotAccuracyPercent = zeroShotAccuracyPercent
        self.retrievalRecallFraction = retrievalRecallFraction
        self.plotRho = plotRho
        self.countRelative = countRelative
    }

    /// The file in the repository that records them.
    public static var defaultFile: URL {
        DataPaths.repositoryRoot.appendingPathComponent("Golden/tolerances.json")
    }

    /// Reads the tolerances from `url` (members `zero_shot_accuracy_percent`,
    /// `retrieval_recall_fraction`, `plot_rho`, each a non-negative number).
    public static func read(contentsOf url: URL) throws -> ResultTolerances {
        let document = try JSONParser.parse(contentsOf: url)
        func value(_ key: String) throws -> Double {
            guard let number = document[key]?.doubleValue, number >= 0, number.isFinite else {
                throw FreqBenchError("expected a non-negative number", file: url.path, location: "member \(key)")
            }
            return number
        }
        return ResultTolerances(zeroShotAccuracyPercent: try value("zero_shot_accuracy_percent"),
                                retrievalRecallFraction: try value("retrieval_recall_fraction"),
                                plotRho: try value("plot_rho"))
    }

    /// Whether `got` is within the count tolerance of `expected`.
    public func countMatches(_ got: Int, _ expected: Int) -> Bool {
        if got == expected { return true }
        return Double(abs(got - expected)) <= countRelative * Double(max(abs(expected), 1))
    }
}
