import Foundation

/// Pearson's correlation coefficient r with its two-sided p-value, as scipy's `pearsonr`
/// (the statistic of the paper's log-linear plots: r between ln(exp_bins) and cum_means).
public struct PearsonCorrelation: Sendable, Equatable {
    /// r in [−1, 1].
    public var r: Double
    /// Two-sided p-value against r = 0: I_{1−r²}((n−2)/2, 1/2).
    public var pValue: Double
    /// Number of points.
    public var count: Int

    /// Correlates `x` with `y` (same length, at least 3 points, neither constant).
    public init(_ x: [Double], _ y: [Double]) throws {
        guard x.count == y.count else { throw FreqBenchError("Pearson r: \(x.count) x values but \(y.count) y values") }
        guard x.count >= 3 else { throw FreqBenchError("Pearson r needs at least 3 points, got \(x.count)") }
        let n = Double(x.count)
        let xMean = x.reduce(0, +) / n
        let yMean = y.reduce(0, +) / n
        let xCentered = x.map { $0 - xMean }
        let yCentered = y.map { $0 - yMean }
        let xNorm = xCentered.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let yNorm = yCentered.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard xNorm > 0, yNorm > 0 else { throw FreqBenchError("Pearson r is undefined for a constant input") }
        var dot = 0.0
        for (a, b) in zip(xCentered, yCentered) { dot += (a / xNorm) * (b / yNorm) }
        let r = min(1, max(-1, dot))
        self.r = r
        self.count = x.count
        self.pValue = PearsonCorrelation.twoSidedPValue(r: r, count: x.count)
    }

    /// The two-sided p-value of a correlation r over `count` points under the null of no
    /// correlation: I_{1−r²}((count−2)/2, 1/2); 0 when |r| = 1.
    public static func twoSidedPValue(r: Double, count: Int) -> Double {
        let degreesOfFreedom = Double(count - 2)
        return IncompleteBeta.regularized(x: 1 - r * r, a: degreesOfFreedom / 2, b: 0.5)
    }

    /// r as the paper's legends show it: two decimals, with `**` appended when p < 0.05.
    public var legendText: String {
        String(format: "%.2f", r) + (pValue < 0.05 ? "**" : "")
    }
}
