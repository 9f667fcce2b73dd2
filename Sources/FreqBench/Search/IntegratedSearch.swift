import Collections
import Foundation

/// Integrated counts (`integrated_tlemmatized_i<threshold>`): samples whose caption matches a
/// concept (text search, `lemmatized`) AND whose image is tagged with it at the threshold:
/// |text hits ∩ image hits| over the same sample ids.
///
/// As upstream's `integrated_search_matches_inverted_index.py`, the output key is the concept,
/// in input order; a concept that does not resolve to a tag (`TagMatching`) is skipped (upstream
/// fails there). Both sides are sets, so a sample id repeated across image shards
/// (`--allow-duplicate-ids`) counts once.
public final class IntegratedSearch {
    public let text: TextSearch
    public let image: ImageSearch
    public let method: TextSearchMethod

    public init(text: TextSearch, image: ImageSearch, method: TextSearchMethod = .lemmatized) {
        self.text = text
        self.image = image
        self.method = method
    }

    /// The counttype name upstream files use, e.g. `integrated_tlemmatized_i0.7`.
    public var countType: String { "integrated_t\(method.rawValue)_i\(image.threshold.label)" }

    /// Counts every concept (repeats keep their first position); `queryTerms` as from
    /// `TextSearch.queryTerms(for:method:annotator:)`, one list per concept.
    public func counts(concepts: [String], queryTerms: [[String]]) throws -> OrderedDictionary<String, Int> {
        var result = OrderedDictionary<String, Int>()
        for (concept, terms) in zip(concepts, queryTerms) where result[concept] == nil {
            guard let imageHits = try image.hits(for: concept) else { continue }
            result[concept] = try Self.intersectionCount(text.matchingIds(terms: terms, limit: Int.max), imageHits)
        }
        return result
    }

    /// The number of distinct ids in both ascending lists (either may repeat ids).
    static func intersectionCount(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var i = 0, j = 0, count = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else {
                let id = a[i]
                count += 1
                while i < a.count, a[i] == id { i += 1 }
                while j < b.count, b[j] == id { j += 1 }
            }
        }
        return count
    }

    /// A human-readable account of one concept's count, for `--explain`.
    public func explain(_ concept: String, queryTerms terms: [String], limit: Int = 20) throws -> String {
        var lines = [try image.explain(concept, limit: limit)]
        let textHits = try text.matchingIds(terms: terms, limit: Int.max)
        let present = try terms.filter { try text.index.postings(for: $0) != nil }
        lines.append("text words: \(ConceptQuery.words(concept)); \(method.rawValue) query terms: \(terms); in the text index: \(present)")
        lines.append("text hits: \(textHits.count)")
        guard let imageHits = try image.hits(for: concept) else {
            lines.append("integrated: skipped (no tag)")
            return lines.joined(separator: "\n")
        }
        var both: [UInt32] = []
        var i = 0, j = 0
        while i < textHits.count, j < imageHits.count, both.count < limit {
            if textHits[i] < imageHits[j] { i += 1 } else if textHits[i] > imageHits[j] { j += 1 } else {
                if both.last != textHits[i] { both.append(textHits[i]) }
                i += 1; j += 1
            }
        }
        lines.append("integrated count: \(Self.intersectionCount(textHits, imageHits))")
        lines.append("first sample ids in both: \(both.map(String.init).joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
