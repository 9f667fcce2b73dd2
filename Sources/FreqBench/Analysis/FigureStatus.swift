/// What `freqbench figures` could do for one released figure name (one row of `status.tsv`).
public struct FigureStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// Computed with the default rules (§3, §4.1–§4.3); expected to equal the released file.
        case computed
        /// Computed with a documented variant (8 bins, legacy "RN50", t2i without filter);
        /// expected to equal the released file.
        case computedWithVariant = "computed-variant"
        /// Computed, but the released file is documented to differ (made from other inputs).
        case computedDiffersFromRelease = "computed-differs-from-release"
        /// Not computed: an input is absent upstream, or no model key matches.
        case notComputed = "not-computed"
    }

    public var spec: FigureSpec
    public var state: State
    /// The figure data when computed.
    public var figure: FigureData?
    /// Number of (count, performance) pairs when computed.
    public var pairCount: Int?
    /// What a user should expect of this file, and why.
    public var detail: String

    public init(spec: FigureSpec, state: State, figure: FigureData?, pairCount: Int?, detail: String) {
        self.spec = spec
        self.state = state
        self.figure = figure
        self.pairCount = pairCount
        self.detail = detail
    }

    /// Decides the status of `spec` from what computing it gave.
    public init(spec: FigureSpec, outcome: FigureComputation.Outcome) {
        switch outcome {
        case .computed(let figure, let pairCount):
            let maximum = Int((figure.expBins.last ?? 0).rounded())
            if let deviation = spec.knownDeviation {
                var evidence = "paper's figure max count \(deviation.paperMaximumCount.formatted)"
                evidence += deviation.releasedMaximumCount.map { ", released inputs \($0.formatted)" } ?? ""
                evidence += ", computed \(maximum.formatted)"
                self.init(spec: spec, state: .computedDiffersFromRelease, figure: figure, pairCount: pairCount,
                          detail: "computed; differs from release: \(deviation.reason) (\(evidence))")
            } else if let variant = spec.variant {
                self.init(spec: spec, state: .computedWithVariant, figure: figure, pairCount: pairCount,
                          detail: "computed with a documented variant: \(variant); \(pairCount) pairs; expected to equal the released file")
            } else {
                self.init(spec: spec, state: .computed, figure: figure, pairCount: pairCount,
                          detail: "computed with the default rules; \(pairCount) pairs, \(spec.binCount) bins; expected to equal the released file")
            }
        case .inputsAbsent(let missing):
            let shown = missing.prefix(12).joined(separator: ", ") + (missing.count > 12 ? ", … (\(missing.count) in all)" : "")
            var detail = "not computed: input absent upstream: \(shown)"
            if spec.kind == .zeroShot, spec.countType == "lowercased", spec.pretraining == "yfcc15m" {
                detail += "; birdsnap, fgvcaircraft and ucf101 yfcc15m lowercased counts are truncated upstream, and the released file has 8 bins, made by a rule the notebooks do not show"
            }
            self.init(spec: spec, state: .notComputed, figure: nil, pairCount: nil, detail: detail)
        case .noModelKey(let file, let rule):
            var detail = "not computed: \(file) has no model key (the rule needs \(rule))"
            if spec.kind == .zeroShot, spec.pretraining == "laion400m", spec.model == "RN50" {
                detail += "; no RN50/laion400m model exists, and the legacy \"first key containing laion400m\" rule (ViT-B-32, 8 bins) does not reproduce it either because laion400m rampp0.7 figures were made from older counts"
            }
            self.init(spec: spec, state: .notComputed, figure: nil, pairCount: nil, detail: detail)
        }
    }
}

extension Int {
    /// Thousands separated by commas, e.g. 4,210,691.
    var formatted: String {
        let digits = String(abs(self))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (self < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
