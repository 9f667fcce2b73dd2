import Foundation

/// A RAM++ tag threshold `h`: a sample has a tag when its probability `p > h`.
///
/// The comparison is made as upstream's torch code makes it: in the precision the
/// probabilities are stored in, against `h` rounded to that precision. Upstream wrote
/// `probs > torch.tensor(h)`; `torch.tensor(h)` is float32, and a 0-dimensional float32
/// tensor compared with a float16 tensor is cast to float16. So float16 data compares
/// `Float16(p) > Float16(Float(h))` and float32 data `Float(p) > Float(h)`.
/// `Float16(0.6) = 0.60009765625` and `Float16(0.7) = 0.7001953125` lie above `h`, so a
/// probability stored exactly there is *not* tagged; a double or float32 comparison would tag it.
public struct TagThreshold: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The threshold as given (a double, e.g. 0.7).
    public let value: Double

    /// Makes a threshold; it must be a number in [0, 1].
    public init(_ value: Double) throws {
        guard value.isFinite, value >= 0, value <= 1 else {
            throw FreqBenchError("threshold \(value) is not a number in [0, 1]")
        }
        self.value = value + 0.0 // -0.0 becomes +0.0, so its float16 bit pattern is 0.
    }

    /// Parses a threshold such as `0.7`.
    public init(parsing text: String) throws {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw FreqBenchError("threshold '\(text)' is not a number")
        }
        try self.init(value)
    }

    /// Parses a comma-separated list such as `0.5,0.55,0.6` (`--thresholds`), sorted ascending.
    /// Every item must be a number in [0, 1) — a probability is never above 1, so 1 would tag
    /// nothing — given once; an empty item (`0.5,,0.7`), a non-number, NaN, a value outside
    /// [0, 1) or a repeat (`0.5,0.50`) is an error naming the item.
    public static func list(parsing text: String) throws -> [TagThreshold] {
        var thresholds: [TagThreshold] = []
        var given: [TagThreshold: String] = [:]
        for (number, piece) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let item = piece.trimmingCharacters(in: .whitespaces)
            func fail(_ problem: String) -> FreqBenchError {
                FreqBenchError("thresholds '\(text)': item \(number + 1) '\(item)' \(problem) (expected comma-separated numbers in [0, 1), e.g. 0.5,0.7)")
            }
            guard !item.isEmpty else { throw fail("is empty") }
            guard let value = Double(item), !value.isNaN else { throw fail("is not a number") }
            guard value >= 0, value < 1 else { throw fail("is outside [0, 1)") }
            let threshold = try TagThreshold(value)
            if let first = given[threshold] { throw fail("repeats '\(first)'") }
            given[threshold] = item
            thresholds.append(threshold)
        }
        return thresholds.sorted()
    }

    /// The threshold as upstream file names write it: Python's `repr` (`0.7`, `0.55`, `0.5`).
    public var label: String { JSONNumber.format(value) }

    /// The threshold rounded as float32 data compares against it.
    public var float32: Float { Float(value) }

    /// The threshold rounded as float16 data compares against it (through float32, as torch does).
    public var float16: Float16 { Float16(Float(value)) }

    /// Whether a float16 probability tags at this threshold (compared in float16).
    @inline(__always)
    public func isExceeded(by probability: Float16) -> Bool { probability > float16 }

    /// Whether a float32 probability tags at this threshold (compared in float32).
    @inline(__always)
    public func isExceeded(by probability: Float) -> Bool { probability > float32 }

    public static func < (lhs: TagThreshold, rhs: TagThreshold) -> Bool { lhs.value < rhs.value }

    public var description: String { label }
}
