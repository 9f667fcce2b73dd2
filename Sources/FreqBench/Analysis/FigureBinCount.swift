/// The number of bins (`num` of the linspace) of each kind of figure (upstream README §3, §4).
public enum FigureBinCount {
    /// Standard zero-shot figures.
    public static let zeroShot = 12
    /// Zero-shot threshold-sweep variants (integrated i0.5/i0.6, rampp0.55/0.65) and the
    /// legacy laion400m "RN50" files.
    public static let thresholdSweep = 8
    /// Retrieval and t2i figures.
    public static let retrievalAndTextToImage = 7
}
