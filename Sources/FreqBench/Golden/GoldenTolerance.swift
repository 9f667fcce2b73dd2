/// How closely an output must match its golden. Integers (number literals without a
/// fraction or exponent, e.g. counts) always compare exactly; other numbers pass when
/// |got − expected| ≤ max(absolute, relative · |expected|). Strings, booleans, nulls,
/// object keys (in order) and array lengths compare exactly.
public struct GoldenTolerance: Sendable, Equatable {
    public var relative: Double
    public var absolute: Double

    public init(relative: Double, absolute: Double = 0) {
        self.relative = relative
        self.absolute = absolute
    }

    /// Everything exact (counts, names).
    public static let exact = GoldenTolerance(relative: 0, absolute: 0)

    /// Whether `got` is close enough to `expected`.
    public func accepts(expected: Double, got: Double) -> Bool {
        if expected == got { return true }
        if expected.isNaN && got.isNaN { return true }
        return abs(got - expected) <= max(absolute, relative * abs(expected))
    }

    /// The tolerance as written in a golden file.
    public var json: JSONValue {
        .object(["relative": .double(relative), "absolute": .double(absolute), "integers": .string("exact")])
    }

    /// Reads `{"relative": r, "absolute": a}`; nil when malformed.
    public init?(json: JSONValue) {
        guard let relative = json["relative"]?.doubleValue, let absolute = json["absolute"]?.doubleValue,
              relative >= 0, absolute >= 0 else { return nil }
        self.init(relative: relative, absolute: absolute)
    }
}
