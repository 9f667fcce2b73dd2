/// The least-squares line y ≈ slope·x + intercept, solved as numpy's `lstsq` on the design
/// matrix [x, 1] (LAPACK `dgelsd`), which is how the paper's Let-It-Wag fits were printed.
public struct LeastSquaresLine: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// Fits `y` on `x` (same length, at least 2 points).
    public init(x: [Double], y: [Double]) throws {
        guard x.count == y.count, x.count >= 2 else {
            throw FreqBenchError("least-squares line: needs ≥ 2 points and as many x as y values (got \(x.count) and \(y.count))")
        }
        let solution = try LAPACK.leastSquares(columns: [x, [Double](repeating: 1, count: x.count)], rightHandSide: y)
        self.init(slope: solution[0], intercept: solution[1])
    }

    /// The fitted value at `x`.
    public func value(at x: Double) -> Double { slope * x + intercept }
}
