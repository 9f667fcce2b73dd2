import Collections
import Foundation

/// Image counts (`rampp<threshold>`): the number of samples tagged with a concept's tag at a
/// threshold, read from an `ImageIndex`.
///
/// Semantics of upstream's `image_search_matches_inverted_index.py`: a concept that does not
/// resolve to a tag (`TagMatching`) is skipped — it is absent from the output, not 0. The
/// output key is the resolved tag (for `exact` matching, the concept itself). A tag reached by
/// several distinct input concepts (two `laion_aesthetics` spellings of one tag) sums their
/// hits, as upstream's `result_dict[st] += hits` does; a repeated concept counts once (upstream's
/// concept lists were JSON object keys, so never repeated). With an index built with
/// `--allow-duplicate-ids`, a repeated sample id counts as often as it occurs.
public struct ImageSearch: Sendable {
    public let index: ImageIndex
    public let threshold: TagThreshold
    public let matching: TagMatching
    let thresholdPosition: Int

    public init(index: ImageIndex, threshold: TagThreshold, matching: TagMatching = .exact) throws {
        self.index = index
        self.threshold = threshold
        self.matching = matching
        self.thresholdPosition = try index.thresholdPosition(threshold)
    }

    /// The counttype name upstream files use for this search, e.g. `rampp0.7`.
    public var countType: String { "rampp\(threshold.label)" }

    /// The tag column a concept resolves to, if any.
    public func column(for concept: String) -> Int? {
        guard let tag = matching.resolve(concept, isTag: { index.column(of: $0) != nil }) else { return nil }
        return index.column(of: tag)
    }

    /// Counts every concept, in input order (keys: resolved tags; unresolved concepts skipped).
    public func counts(concepts: [String]) -> OrderedDictionary<String, Int> {
        var result = OrderedDictionary<String, Int>()
        for concept in OrderedSet(concepts) {
            guard let column = column(for: concept) else { continue }
            result[index.tags[column], default: 0] += index.postingCount(threshold: thresholdPosition, tag: column)
        }
        return result
    }

    /// The sample ids tagged with a concept's tag (ascending; repeats kept), or nil when skipped.
    public func hits(for concept: String) throws -> [UInt32]? {
        guard let column = column(for: concept) else { return nil }
        return try index.postings(threshold: thresholdPosition, tag: column)
    }

    /// A human-readable account of one concept's count, for `--explain`.
    public func explain(_ concept: String, limit: Int = 20) throws -> String {
        var lines = ["concept: \(JSONWriter().string(.string(concept)))"]
        lines.append("threshold: \(threshold.label); probabilities are \(index.precision.rawValue), so a sample is tagged when p > \(storedThresholdText)")
        guard let column = column(for: concept) else {
            var line = "tag: none — the concept is not in the tag list (\(index.tags.count) tags), so it is skipped"
            if matching == .laionAesthetics {
                line += "; tried \(TagMatching.capitalizationVariants(concept).count) lower/Capitalized variants"
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }
        let tag = index.tags[column]
        lines.append("tag: \(JSONWriter().string(.string(tag)))\(tag == concept ? "" : " (matched by \(matching.rawValue) capitalization)") — column \(column)")
        let ids = try index.postings(threshold: thresholdPosition, tag: column)
        lines.append("count: \(ids.count) samples tagged")
        lines.append("first sample ids: \(ids.prefix(limit).map(String.init).joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    /// The threshold as compared, in the storage precision, with all its decimal digits.
    var storedThresholdText: String {
        switch index.precision {
        case .float16: return "Float16(\(threshold.label)) = \(Double(threshold.float16))"
        case .float32: return "Float(\(threshold.label)) = \(Double(threshold.float32))"
        }
    }
}
