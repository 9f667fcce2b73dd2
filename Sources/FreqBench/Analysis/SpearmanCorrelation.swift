import Foundation

/// Spearman's rank correlation ρ with its two-sided p-value, as scipy's `spearmanr`:
/// Pearson's r of the average ranks (ties share their mean rank), and the p-value of the
/// Student t statistic t = ρ·sqrt(dof / ((1+ρ)(1−ρ))) with dof = n − 2.
public struct SpearmanCorrelation: Sendable, Equatable {
    public var rho: Double
    public var pValue: Double
    public var count: Int

    /// Correlates `x` with `y` (same length, at least 3 points).
    public init(_ x: [Double], _ y: [Double]) throws {
        guard x.count == y.count else { throw FreqBenchError("Spearman ρ: \(x.count) x values but \(y.count) y values") }
        guard x.count >= 3 else { throw FreqBenchError("Spearman ρ needs at least 3 points, got \(x.count)") }
        let xRanks = SpearmanCorrelation.averageRanks(x)
        let yRanks = SpearmanCorrelation.averageRanks(y)
        // numpy corrcoef, operation for operation: centred sums (exact here: ranks are
        // multiples of 1/2), covariances times 1/(n − 1), then c_yx / σ_y / σ_x in that order
        // (scipy returns element [1, 0]); this reproduces scipy's ρ bit for bit.
        let n = Double(x.count)
        let xMean = xRanks.reduce(0, +) / n
        let yMean = yRanks.reduce(0, +) / n
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for (a, b) in zip(xRanks, yRanks) {
            let da = a - xMean, db = b - yMean
            sxx += da * da
            syy += db * db
            sxy += da * db
        }
        guard sxx > 0, syy > 0 else { throw FreqBenchError("Spearman ρ is undefined for a constant input") }
        let reciprocal = 1 / (n - 1)
        let rho = min(1, max(-1, (sxy * reciprocal) / (syy * reciprocal).squareRoot() / (sxx * reciprocal).squareRoot()))
        self.rho = rho
        self.count = x.count
        let degreesOfFreedom = n - 2
        if abs(rho) == 1 {
            self.pValue = 0
        } else {
            let t = rho * (degreesOfFreedom / ((rho + 1) * (1 - rho))).squareRoot()
            self.pValue = IncompleteBeta.regularized(x: degreesOfFreedom / (degreesOfFreedom + t * t), a: degreesOfFreedom / 2, b: 0.5)
        }
    }

    /// Convenience for integer counts.
    public init(_ x: [Int], _ y: [Int]) throws {
        try self.init(x.map(Double.init), y.map(Double.init))
    }

    /// 1-based ranks, ties replaced by the mean of the ranks they span (scipy `rankdata`, method "average").
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }
}
