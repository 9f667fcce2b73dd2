import Foundation

/// A linear axis over `values` with 4–8 "nice" ticks (steps of 1, 2 or 5 × 10^k).
struct LinearAxis {
    let low: Double
    let high: Double
    let step: Double

    init(values: [Double]) {
        var minimum = values.min() ?? 0, maximum = values.max() ?? 1
        if maximum - minimum < 1e-12 {
            let pad = max(abs(maximum) * 0.1, 1)
            minimum -= pad
            maximum += pad
        }
        let rough = (maximum - minimum) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        let niceFraction: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        step = niceFraction * magnitude
        low = floor(minimum / step) * step
        high = ceil(maximum / step) * step
    }

    var ticks: [Double] {
        let count = Int(((high - low) / step).rounded())
        return (0...count).map { low + Double($0) * step }
    }

    func label(_ value: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step))))
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
