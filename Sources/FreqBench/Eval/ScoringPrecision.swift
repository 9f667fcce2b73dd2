/// The arithmetic in which zero-shot logits are formed.
///
/// `float32` (the default) keeps features, classifier and logits in single precision.
/// `fp16` rounds the normalized image features, the classifier and the logits to IEEE half
/// precision, as upstream's GPU run under fp16 autocast did (`100. * features @ classifier`
/// with half inputs and a half result). Products are still accumulated in float32, and a GPU
/// accumulates in another order, so neither mode reproduces upstream accuracies bit for bit;
/// ties that half precision creates are counted and reported.
public enum ScoringPrecision: String, Sendable, CaseIterable {
    case float32
    case fp16

    /// Rounds every value through Float16 in fp16 mode; leaves float32 untouched.
    @inlinable
    func round(_ values: inout [Float]) {
        guard self == .fp16 else { return }
        for index in values.indices { values[index] = Float(Float16(values[index])) }
    }
}
