/// A released figure that the released inputs are documented NOT to reproduce (upstream
/// README §5), with the evidence: the largest count in the paper's figure (`exp_bins[-1]`)
/// against the largest count the released inputs give.
public struct KnownUpstreamDeviation: Sendable, Equatable {
    /// Why the released figure differs, in one sentence.
    public var reason: String
    /// The largest count of the paper's figure file.
    public var paperMaximumCount: Int
    /// The largest count the released inputs give, when documented (computed figures must show it).
    public var releasedMaximumCount: Int?

    public init(reason: String, paperMaximumCount: Int, releasedMaximumCount: Int?) {
        self.reason = reason
        self.paperMaximumCount = paperMaximumCount
        self.releasedMaximumCount = releasedMaximumCount
    }

    private static let olderLaionCounts = "laion400m lemmatized and rampp0.7 figures were made from older laion400m counts than the released ones"

    /// The documented deviation of a figure, if any.
    public static func of(kind: FigureKind, countType: String, prompt: String, pretraining: String) -> KnownUpstreamDeviation? {
        switch (kind, countType, pretraining) {
        case (.zeroShot, "lemmatized", "laion400m"):
            return KnownUpstreamDeviation(reason: olderLaionCounts, paperMaximumCount: 4_042_009, releasedMaximumCount: 4_210_691)
        case (.zeroShot, "rampp0.7", "laion400m"):
            return KnownUpstreamDeviation(reason: olderLaionCounts, paperMaximumCount: 76_046_545, releasedMaximumCount: 74_583_802)
        case (.retrieval, "lemmatized", "laion400m"):
            return KnownUpstreamDeviation(reason: olderLaionCounts, paperMaximumCount: 9_414_465, releasedMaximumCount: 9_700_731)
        case (.retrieval, "rampp0.7", "laion400m"):
            return KnownUpstreamDeviation(reason: olderLaionCounts, paperMaximumCount: 131_582_338, releasedMaximumCount: 168_101_395)
        case (.textToImage, "rampp0.7", _) where prompt == "human_aesthetics" || prompt == "human_align":
            return KnownUpstreamDeviation(
                reason: "t2i rampp0.7 human_* figures are not reproducible: their maximum count 1,825,527 occurs only in the t2icoco and t2iparti count files, and no combination of t2i count files, count types, filters or deduplication gives them",
                paperMaximumCount: 1_825_527, releasedMaximumCount: nil)
        default:
            return nil
        }
    }
}
