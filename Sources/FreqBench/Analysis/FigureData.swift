import Foundation

/// The data of one log-linear figure, as the paper released it (`notebooks/plots/*.pkl`):
/// per log-spaced frequency bin, its upper edge in count space and the mean and population
/// standard deviation of the performances that fall into it.
public struct FigureData: Sendable, Equatable {
    /// `exp(edges)`: the upper edge of each bin in count space (`exp_bins`).
    public var expBins: [Double]
    /// Mean performance per bin; 0 for an empty bin (`cum_means`).
    public var cumMeans: [Double]
    /// Population standard deviation (ddof = 0) per bin; 0 for an empty bin (`cum_stds`).
    public var cumStds: [Double]

    public init(expBins: [Double], cumMeans: [Double], cumStds: [Double]) {
        self.expBins = expBins
        self.cumMeans = cumMeans
        self.cumStds = cumStds
    }

    /// The JSON form of the released figure files: `{"source", "exp_bins", "cum_means", "cum_stds"}`,
    /// `source` naming the released pickle.
    public func json(source: String) -> JSONValue {
        .object([
            "source": .string(source),
            "exp_bins": .array(expBins.map { .number(JSONNumber($0)) }),
            "cum_means": .array(cumMeans.map { .number(JSONNumber($0)) }),
            "cum_stds": .array(cumStds.map { .number(JSONNumber($0)) }),
        ])
    }

    /// Reads a figure file in the JSON form written by `json(source:)`.
    public static func read(contentsOf url: URL) throws -> FigureData {
        let document = try JSONParser.parse(contentsOf: url)
        func numbers(_ key: String) throws -> [Double] {
            guard let items = document[key]?.arrayValue else {
                throw FreqBenchError("expected an array of numbers", file: url.path, location: "member \(key)")
            }
            return try items.enumerated().map { index, item in
                guard let value = item.doubleValue else {
                    throw FreqBenchError("expected a number", file: url.path, location: "member \(key)[\(index)]")
                }
                return value
            }
        }
        let data = FigureData(expBins: try numbers("exp_bins"), cumMeans: try numbers("cum_means"), cumStds: try numbers("cum_stds"))
        guard data.cumMeans.count == data.expBins.count, data.cumStds.count == data.expBins.count else {
            throw FreqBenchError("exp_bins, cum_means and cum_stds must have the same length", file: url.path)
        }
        return data
    }

    /// The largest relative difference to `other` over all three arrays
    /// (|a − b| / max(|a|, |b|), 0 where both are 0); infinity when the lengths differ.
    public func maximumRelativeDifference(to other: FigureData) -> Double {
        guard expBins.count == other.expBins.count else { return .infinity }
        var worst = 0.0
        for (mine, theirs) in [(expBins, other.expBins), (cumMeans, other.cumMeans), (cumStds, other.cumStds)] {
            for (a, b) in zip(mine, theirs) {
                let scale = max(abs(a), abs(b))
                if scale == 0 { continue }
                let difference = abs(a - b) / scale
                if !(difference <= worst) { worst = difference.isNaN ? .infinity : difference }
            }
        }
        return worst
    }
}
