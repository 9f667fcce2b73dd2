/// The three families of released figure files, told apart by the name's suffix.
public enum FigureKind: String, Sendable, Equatable, CaseIterable {
    /// Zero-shot classification accuracy (percent); no suffix.
    case zeroShot = "zero-shot"
    /// Retrieval recall@k (fraction); suffix `_retrieval`.
    case retrieval
    /// Text-to-image generation metrics; suffix `_t2i`.
    case textToImage = "t2i"

    /// The file-name suffix of this kind.
    public var nameSuffix: String {
        switch self {
        case .zeroShot: return ""
        case .retrieval: return "_retrieval"
        case .textToImage: return "_t2i"
        }
    }
}
