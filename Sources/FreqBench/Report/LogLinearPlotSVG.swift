import Foundation

/// Draws a `ReportPlot` as inline SVG: log-scaled x axis with ticks at powers of 10, linear
/// y axis, one coloured series per model (line and markers), its least-squares fit dashed,
/// and a legend below the axes with each series' ρ.
///
/// Output is deterministic (fixed size, coordinates to 2 decimals) so equal reports are
/// byte-identical. Elements carry classes (`plot`, `series`, `point`, `fit`, `legend`) that
/// the browser test and CSS use.
struct LogLinearPlotSVG {
    let plot: ReportPlot

    /// Matplotlib's default cycle ("tab10"), as the paper's figures use.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    private let width = 560.0
    private let left = 70.0, right = 540.0, top = 20.0, bottom = 280.0
    private let legendTop = 330.0, legendRow = 18.0

    func render() -> String {
        let points = plot.series.flatMap { series in
            zip(series.frequencies, series.means).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
        }
        let height = legendTop + Double(plot.series.count + 1) * legendRow + 8
        var svg = "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(MarkupEscaping.escape(plot.title))\">\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#ffffff\"/>\n"
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max() else {
            svg += "<text x=\"\(format((left + right) / 2))\" y=\"\(format((top + bottom) / 2))\" text-anchor=\"middle\">no data</text>\n</svg>"
            return svg
        }
        let lowDecade = floor(log10(minX))
        var highDecade = ceil(log10(maxX))
        if highDecade <= lowDecade { highDecade = lowDecade + 1 }
        let xOf = { (x: Double) -> Double in left + (log10(x) - lowDecade) / (highDecade - lowDecade) * (right - left) }

        var yValues = points.map(\.1)
        for series in plot.series {
            guard let fit = series.fit else { continue }
            let xs = series.frequencies.filter { $0 > 0 && $0.isFinite }
            if let low = xs.min(), let high = xs.max() {
                yValues += [fit.mean(at: low), fit.mean(at: high)].filter(\.isFinite)
            }
        }
        let axis = LinearAxis(values: yValues)
        let yOf = { (y: Double) -> Double in bottom - (y - axis.low) / (axis.high - axis.low) * (bottom - top) }

        // Grid, ticks and labels.
        svg += "<g class=\"axes\" font-size=\"11\" fill=\"#333333\">\n"
        for tick in axis.ticks {
            let y = format(yOf(tick))
            svg += "<line x1=\"\(format(left))\" y1=\"\(y)\" x2=\"\(format(right))\" y2=\"\(y)\" stroke=\"#e6e6e6\"/>"
            svg += "<text x=\"\(format(left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(axis.label(tick))</text>\n"
        }
        let decades = Int(highDecade - lowDecade)
        for decade in Int(lowDecade)...Int(highDecade) {
            let x = format(xOf(pow(10, Double(decade))))
            svg += "<line x1=\"\(x)\" y1=\"\(format(top))\" x2=\"\(x)\" y2=\"\(format(bottom))\" stroke=\"#e6e6e6\"/>"
            svg += "<line x1=\"\(x)\" y1=\"\(format(bottom))\" x2=\"\(x)\" y2=\"\(format(bottom + 6))\" stroke=\"#333333\"/>"
            svg += "<text class=\"xtick\" x=\"\(x)\" y=\"\(format(bottom + 20))\" text-anchor=\"middle\">10<tspan dy=\"-6\" font-size=\"9\">\(decade)</tspan></text>\n"
            if decade < Int(highDecade), decades <= 8 {
                for multiple in 2...9 {
                    let minor = format(xOf(Double(multiple) * pow(10, Double(decade))))
                    svg += "<line x1=\"\(minor)\" y1=\"\(format(bottom))\" x2=\"\(minor)\" y2=\"\(format(bottom + 3))\" stroke=\"#333333\"/>"
                }
                svg += "\n"
            }
        }
        svg += "<rect class=\"frame\" x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(right - left))\" height=\"\(format(bottom - top))\" fill=\"none\" stroke=\"#333333\"/>\n"
        svg += "<text x=\"\(format((left + right) / 2))\" y=\"\(format(bottom + 40))\" text-anchor=\"middle\" font-size=\"12\">\(MarkupEscaping.escape(plot.xLabel)) (log scale)</text>\n"
        svg += "<text x=\"16\" y=\"\(format((top + bottom) / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 \(format((top + bottom) / 2)))\">\(MarkupEscaping.escape(plot.yLabel))</text>\n"
        svg += "</g>\n"

        // Series: fit (dashed), line and markers.
        for (index, series) in plot.series.enumerated() {
            let color = LogLinearPlotSVG.palette[index % LogLinearPlotSVG.palette.count]
            let name = MarkupEscaping.escape(series.name)
            let seriesPoints = zip(series.frequencies, series.means).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
            svg += "<g class=\"series-group\" data-series=\"\(name)\">\n"
            if let fit = series.fit, let low = seriesPoints.map(\.0).min(), let high = seriesPoints.map(\.0).max(), low < high {
                let y1 = fit.mean(at: low), y2 = fit.mean(at: high)
                if y1.isFinite, y2.isFinite {
                    svg += "<path class=\"fit\" d=\"M\(format(xOf(low))),\(format(yOf(y1))) L\(format(xOf(high))),\(format(yOf(y2)))\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" fill=\"none\"/>\n"
                }
            }
            if !seriesPoints.isEmpty {
                let path = seriesPoints.enumerated().map { offset, point in
                    "\(offset == 0 ? "M" : "L")\(format(xOf(point.0))),\(format(yOf(point.1)))"
                }.joined(separator: " ")
                svg += "<path class=\"series\" d=\"\(path)\" stroke=\"\(color)\" stroke-width=\"2\" fill=\"none\"/>\n"
                for point in seriesPoints {
                    svg += "<circle class=\"point\" cx=\"\(format(xOf(point.0)))\" cy=\"\(format(yOf(point.1)))\" r=\"3.5\" fill=\"\(color)\"/>"
                }
                svg += "\n"
            }
            svg += "</g>\n"
        }

        // Legend: one row per series with its ρ, then the fit's line style.
        svg += "<g class=\"legend\" font-size=\"12\" fill=\"#222222\">\n"
        for (index, series) in plot.series.enumerated() {
            let color = LogLinearPlotSVG.palette[index % LogLinearPlotSVG.palette.count]
            let y = legendTop + Double(index) * legendRow
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + 24))\" y2=\"\(format(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<circle cx=\"\(format(left + 12))\" cy=\"\(format(y))\" r=\"3.5\" fill=\"\(color)\"/>"
            svg += "<text class=\"legend-entry\" x=\"\(format(left + 32))\" y=\"\(format(y))\" dominant-baseline=\"middle\">\(MarkupEscaping.escape(series.legendLabel))</text>\n"
        }
        let noteY = legendTop + Double(plot.series.count) * legendRow
        svg += "<line x1=\"\(format(left))\" y1=\"\(format(noteY))\" x2=\"\(format(left + 24))\" y2=\"\(format(noteY))\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
        svg += "<text x=\"\(format(left + 32))\" y=\"\(format(noteY))\" dominant-baseline=\"middle\" fill=\"#555555\">least-squares fit of mean on ln(frequency); ** p &lt; 0.05</text>\n"
        svg += "</g>\n</svg>"
        return svg
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
