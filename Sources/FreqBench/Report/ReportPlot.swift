import Foundation

/// One of the paper's log-linear plots, as a report draws it: average performance against
/// concept frequency on a logarithmic x axis, one series per model.
///
/// The report draws exactly the points it is given (callers pass the slice the paper's
/// correlation uses, e.g. `[1:-1]`), the least-squares line of each series and its ρ.
public struct ReportPlot: Sendable, Equatable {
    /// One model's points, fit and correlation.
    public struct Series: Sendable, Equatable {
        /// The legend label, e.g. `RN50` or `ViT-B-16`.
        public var name: String
        /// Concept frequencies (the figure data's `exp_bins`); must be > 0 to be drawn.
        public var frequencies: [Double]
        /// Average performance per bin (the figure data's `cum_means`).
        public var means: [Double]
        /// The least-squares line `mean = slope · ln(frequency) + intercept`, if fitted.
        public var fit: Fit?
        /// Pearson ρ between ln(frequency) and mean, shown in the legend to 2 decimals.
        public var rho: Double?
        /// The two-sided p-value of ρ; the legend appends `**` when it is < 0.05.
        public var pValue: Double?

        public init(name: String, frequencies: [Double], means: [Double], fit: Fit? = nil,
                    rho: Double? = nil, pValue: Double? = nil) {
            self.name = name
            self.frequencies = frequencies
            self.means = means
            self.fit = fit
            self.rho = rho
            self.pValue = pValue
        }

        /// The legend text: `RN50 (ρ = 0.98**)`, or just the name without a ρ.
        public var legendLabel: String {
            guard let rho else { return name }
            return "\(name) (ρ = \(ReportPlot.formatRho(rho, pValue: pValue)))"
        }
    }

    /// A straight line in (ln frequency, mean) space.
    public struct Fit: Sendable, Equatable {
        public var slope: Double
        public var intercept: Double

        public init(slope: Double, intercept: Double) {
            self.slope = slope
            self.intercept = intercept
        }

        /// The line's mean at `frequency`.
        public func mean(at frequency: Double) -> Double { slope * Foundation.log(frequency) + intercept }
    }

    /// The heading above the plot, e.g. `cc3m · image (rampp0.7) · ensemble`.
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]

    public init(title: String, xLabel: String = "Pretraining concept frequency",
                yLabel: String = "Avg. Zero-Shot Accuracy", series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// ρ as the paper's legends show it: 2 decimals, `**` when p < 0.05.
    public static func formatRho(_ rho: Double, pValue: Double?) -> String {
        let mark = (pValue.map { $0 < 0.05 } ?? false) ? "**" : ""
        return String(format: "%.2f", rho) + mark
    }
}
