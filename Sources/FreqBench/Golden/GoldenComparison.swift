import Foundation

/// Compares an output with its golden value under a `GoldenTolerance`, listing every
/// difference with its JSON path (`$.cum_means[3]`, `$["cifar10"]`).
public struct GoldenComparison: Sendable, Equatable {
    /// One difference between golden and output.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        /// Where: a JSON path from the document root `$`.
        public var path: String
        public var expected: String
        public var got: String
        /// |got − expected| / |expected| for numbers (|got − expected| when expected is 0).
        public var relativeDeviation: Double?

        public var description: String {
            let deviation = relativeDeviation.map { " (relative deviation \(JSONNumber.format($0)))" } ?? ""
            return "\(path): \(expected) -> \(got)\(deviation)"
        }
    }

    public var differences: [Difference]
    /// The largest relative deviation of any number compared (within tolerance or not).
    public var maximumRelativeDeviation: Double

    public var matches: Bool { differences.isEmpty }

    /// Compares `got` with `expected`.
    public init(expected: JSONValue, got: JSONValue, tolerance: GoldenTolerance) {
        var differences: [Difference] = []
        var maximum = 0.0
        GoldenComparison.compare(expected, got, path: "$", tolerance: tolerance, differences: &differences, maximum: &maximum)
        self.differences = differences
        self.maximumRelativeDeviation = maximum
    }

    private static func compare(_ expected: JSONValue, _ got: JSONValue, path: String, tolerance: GoldenTolerance,
                                differences: inout [Difference], maximum: inout Double) {
        switch (expected, got) {
        case let (.number(want), .number(have)):
            let wantValue = want.doubleValue, haveValue = have.doubleValue
            let deviation = wantValue == haveValue || (wantValue.isNaN && haveValue.isNaN)
                ? 0 : abs(haveValue - wantValue) / (wantValue == 0 ? 1 : abs(wantValue))
            if deviation.isNaN || deviation > maximum { maximum = deviation.isNaN ? .infinity : deviation }
            let integral = isInteger(want) && isInteger(have)
            let accepted = integral ? want.intValue == have.intValue && want.intValue != nil
                : tolerance.accepts(expected: wantValue, got: haveValue)
            if !accepted {
                differences.append(Difference(path: path, expected: want.text, got: have.text, relativeDeviation: deviation))
            }
        case let (.object(want), .object(have)):
            if Array(want.keys) != Array(have.keys) {
                let missing = want.keys.filter { have[$0] == nil }
                let extra = have.keys.filter { want[$0] == nil }
                let detail = missing.isEmpty && extra.isEmpty ? "keys in another order"
                    : "missing keys \(missing.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))\(missing.count > 5 ? " …" : ""); extra keys \(extra.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))\(extra.count > 5 ? " …" : "")"
                differences.append(Difference(path: path, expected: "\(want.count) keys", got: "\(have.count) keys: \(detail)", relativeDeviation: nil))
            }
            for (key, value) in want {
                guard let other = have[key] else { continue }
                compare(value, other, path: path + "[" + JSONWriter().string(.string(key)) + "]", tolerance: tolerance,
                        differences: &differences, maximum: &maximum)
            }
        case let (.array(want), .array(have)):
            if want.count != have.count {
                differences.append(Difference(path: path, expected: "\(want.count) items", got: "\(have.count) items", relativeDeviation: nil))
            }
            for (index, pair) in zip(want, have).enumerated() {
                compare(pair.0, pair.1, path: "\(path)[\(index)]", tolerance: tolerance, differences: &differences, maximum: &maximum)
            }
        default:
            if expected != got {
                differences.append(Difference(path: path, expected: summary(expected), got: summary(got), relativeDeviation: nil))
            }
        }
    }

    private static func isInteger(_ number: JSONNumber) -> Bool {
        !number.text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" || $0 == "N" || $0 == "I" })
    }

    private static func summary(_ value: JSONValue) -> String {
        let text = JSONWriter().string(value)
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
