import Foundation

/// The regularized incomplete beta function I_x(a, b), to full double precision.
///
/// It gives the two-sided p-values of the correlations: for Pearson r over n points,
/// p = I_{1−r²}((n−2)/2, 1/2), which is what scipy's `pearsonr` and (through the Student t
/// tail) `spearmanr` return.
public enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, by the continued fraction of
    /// Numerical Recipes §6.4 evaluated with the modified Lentz method; the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) keeps the fraction in its fast-converging range.
    public static func regularized(x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "IncompleteBeta: a and b must be positive")
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        // The same front factor serves the mirrored fraction: x^a (1−x)^b / B(a, b).
        return 1 - exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            // Even step.
            var numerator = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            numerator = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        return h
    }
}
