/// How a figure picks its model's entry from a result file, whose model keys look like
/// `backboneViT-B-16_pretrainedcc3m`. Key ORDER matters: the first match in file order wins.
public enum ModelKeyRule: Sendable, Equatable {
    /// The notebooks' rule: the first key containing the pretraining name and the model name.
    case firstContainingPretrainingAndModel
    /// The older rule behind the legacy laion400m "RN50" files: the first key containing the
    /// pretraining name (in every zero-shot file that is ViT-B-32/laion400m).
    case firstContainingPretraining
    /// The model name is the key itself (t2i results).
    case exactModelName

    /// The chosen key among `keys` (in file order), or nil when none matches.
    public func select(from keys: some Sequence<String>, pretraining: String, model: String) -> String? {
        switch self {
        case .firstContainingPretrainingAndModel:
            return keys.first { $0.contains(pretraining) && $0.contains(model) }
        case .firstContainingPretraining:
            return keys.first { $0.contains(pretraining) }
        case .exactModelName:
            return keys.first { $0 == model }
        }
    }
}
