/// What `search metaclip --explain CONCEPT` prints: the pattern MetaCLIP searches for, why it
/// can never match (when it cannot), the count, and the first matching captions with their
/// ids and spaced text.
public struct SubstringMatchExplanation: Sendable {
    public var concept: String
    public var count: Int
    /// Records counted.
    public var records: Int
    /// The first matching captions, in corpus order.
    public var samples: [SubstringMatchCounter.Sample]

    public init(concept: String, count: Int, records: Int, samples: [SubstringMatchCounter.Sample]) {
        self.concept = concept
        self.count = count
        self.records = records
        self.samples = samples
    }

    /// Human-readable lines (strings as JSON literals, so spaces, TABs and newlines show).
    public var text: String {
        func literal(_ string: String) -> String { JSONWriter().string(.string(string)) }
        var lines = ["concept: \(literal(concept))  (MetaCLIP substring matching, metaclip1 substr_matching)"]
        lines.append("pattern: \(literal(String(decoding: MetaCLIPSpacing.pattern(concept), as: UTF8.self))), "
            + "case-sensitive, in each caption spaced as MetaCLIP spaces it")
        if let reason = MetaCLIPSpacing.neverMatchesReason(concept) { lines.append("never matches: \(reason)") }
        lines.append("count: \(count) of \(records) captions")
        if !samples.isEmpty {
            lines.append("first \(samples.count) matching captions (id, caption, spaced caption):")
            for sample in samples {
                let spaced = String(decoding: MetaCLIPSpacing.spacedText(sample.caption.utf8), as: UTF8.self)
                lines.append("  \(sample.id)\t\(literal(sample.caption))\t\(literal(spaced))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
