import Foundation

/// The core figure computation of the paper ("save_plotting_info", upstream README §3):
/// counts are clamped to ≥ 1 and logged, cut into `binCount` linearly spaced bins between the
/// smallest and largest log count, and the performances are averaged per bin.
public enum LogBinning {
    /// numpy `linspace(lo, hi, count)` bit for bit: `lo + i·step` (multiply, then add) with
    /// `step = (hi − lo)/(count − 1)`, and the last edge forced to exactly `hi`.
    public static func edges(from lo: Double, to hi: Double, count: Int) -> [Double] {
        precondition(count >= 2, "LogBinning.edges needs at least two edges")
        let step = (hi - lo) / Double(count - 1)
        var edges = (0..<count).map { lo + Double($0) * step }
        edges[count - 1] = hi
        return edges
    }

    /// numpy `digitize(x, edges, right=True)`: the number of edges strictly less than `x`.
    /// Bin 0 holds exactly the values equal to the first edge; bin i ≥ 1 is (edges[i−1], edges[i]].
    public static func binIndex(of x: Double, edges: [Double]) -> Int {
        var low = 0, high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] < x { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The log of a count as the figures use it: ln(c) for c > 0, and 0 (= ln 1) otherwise.
    public static func logCount(_ count: Int) -> Double {
        log(Double(max(count, 1)))
    }

    /// The figure data of (count, performance) pairs: `binCount` bins, empty bins 0, mean and
    /// population standard deviation by plain sequential summation, `exp_bins = exp(edges)`.
    public static func figureData(counts: [Int], performances: [Double], binCount: Int) throws -> FigureData {
        guard counts.count == performances.count else {
            throw FreqBenchError("figure data: \(counts.count) counts but \(performances.count) performances")
        }
        guard let first = counts.first else { throw FreqBenchError("figure data: no (count, performance) pairs") }
        guard binCount >= 2 else { throw FreqBenchError("figure data: at least 2 bins are needed, got \(binCount)") }
        let logs = counts.map(logCount)
        var lo = logCount(first), hi = lo
        for x in logs { lo = min(lo, x); hi = max(hi, x) }
        let edges = edges(from: lo, to: hi, count: binCount)
        var members = [[Double]](repeating: [], count: binCount)
        for (x, performance) in zip(logs, performances) {
            members[binIndex(of: x, edges: edges)].append(performance)
        }
        var means = [Double](repeating: 0, count: binCount)
        var stds = [Double](repeating: 0, count: binCount)
        for (bin, values) in members.enumerated() where !values.isEmpty {
            var sum = 0.0
            for value in values { sum += value }
            let mean = sum / Double(values.count)
            var squares = 0.0
            for value in values { squares += (value - mean) * (value - mean) }
            means[bin] = mean
            stds[bin] = (squares / Double(values.count)).squareRoot()
        }
        return FigureData(expBins: edges.map { exp($0) }, cumMeans: means, cumStds: stds)
    }
}
