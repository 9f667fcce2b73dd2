import Foundation

/// One series of a re-drawn paper plot (average performance vs concept frequency, log x
/// axis): the points, the least-squares line in log space and Pearson r as the legend shows it.
/// `Analysis` computes them; verify hands them to reports as `ReportPlot.Series`.
public struct PlotSeries: Sendable, Equatable {
    /// The legend name, e.g. `RN50` or `ViT-B-16`.
    public var name: String
    /// x: the bin edges in count space (`exp_bins[slice]`), plotted on a log axis.
    public var expBins: [Double]
    /// y: the average performance per bin (`cum_means[slice]`).
    public var cumMeans: [Double]
    /// The fitted line y = slope·ln(x) + intercept.
    public var fitSlope: Double
    public var fitIntercept: Double
    /// Pearson r of ln(x) and y, and its two-sided p-value.
    public var rho: Double
    public var pValue: Double

    public init(name: String, expBins: [Double], cumMeans: [Double], fitSlope: Double, fitIntercept: Double, rho: Double, pValue: Double) {
        self.name = name
        self.expBins = expBins
        self.cumMeans = cumMeans
        self.fitSlope = fitSlope
        self.fitIntercept = fitIntercept
        self.rho = rho
        self.pValue = pValue
    }

    /// The series of `figure` over `slice`, as the paper's plotting notebooks draw it.
    public init(name: String, figure: FigureData, slice: FigureSlice) throws {
        let x = slice.apply(figure.expBins)
        let y = slice.apply(figure.cumMeans)
        let logX = x.map { log($0) }
        let correlation = try PearsonCorrelation(logX, y)
        let line = try LeastSquaresLine(x: logX, y: y)
        self.init(name: name, expBins: x, cumMeans: y, fitSlope: line.slope, fitIntercept: line.intercept,
                  rho: correlation.r, pValue: correlation.pValue)
    }

    /// The legend text: `name (ρ = 0.97**)`, `**` when p < 0.05.
    public var legend: String {
        "\(name) (ρ = \(String(format: "%.2f", rho))\(pValue < 0.05 ? "**" : ""))"
    }
}
