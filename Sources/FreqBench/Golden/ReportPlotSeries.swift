extension ReportPlot.Series {
    /// The report's form of a computed plot series: points, least-squares line and ρ with its p-value.
    public init(_ series: PlotSeries) {
        self.init(name: series.name, frequencies: series.expBins, means: series.cumMeans,
                  fit: ReportPlot.Fit(slope: series.fitSlope, intercept: series.fitIntercept),
                  rho: series.rho, pValue: series.pValue)
    }
}
