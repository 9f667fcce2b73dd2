/// One correlation the paper's plots show: a series (figure, slice) and its ρ as printed or
/// drawn, from upstream README §4.4–§4.6 and §6.
public struct PlotRhoExpectation: Sendable, Equatable {
    /// The plot it belongs to, e.g. `zero-shot/cc3m/image/ensemble`.
    public var plot: String
    public var kind: FigureKind
    /// Figure-name counttype (`rampp0.7`, `lemmatized`, `integrated_rampp0.7`, …).
    public var countType: String
    public var prompt: String
    public var pretraining: String
    public var model: String
    public var slice: FigureSlice
    /// The legend as drawn (`0.98**`), when the saved image was read.
    public var shown: String?
    /// r of the paper's figure file over `slice`, and how many decimals it was documented with.
    public var value: Double
    public var decimals: Int
    /// The documented p-value, when given (compared to 2 significant digits).
    public var pValue: Double?
    /// For series the released counts do not reproduce: r over `slice` that the released
    /// counts give (documented, 4 decimals), and why.
    public var releasedCountsValue: Double?
    public var deviationReason: String?

    public init(plot: String, kind: FigureKind = .zeroShot, countType: String, prompt: String, pretraining: String, model: String,
                slice: FigureSlice, shown: String?, value: Double, decimals: Int, pValue: Double? = nil,
                releasedCountsValue: Double? = nil, deviationReason: String? = nil) {
        self.plot = plot
        self.kind = kind
        self.countType = countType
        self.prompt = prompt
        self.pretraining = pretraining
        self.model = model
        self.slice = slice
        self.shown = shown
        self.value = value
        self.decimals = decimals
        self.pValue = pValue
        self.releasedCountsValue = releasedCountsValue
        self.deviationReason = deviationReason
    }

    /// The check name, e.g. `zero-shot/cc3m/image/ensemble/RN50`.
    public var name: String { "\(plot)/\(model)" }
}
