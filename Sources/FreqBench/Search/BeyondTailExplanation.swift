import Foundation

/// What `search text --method beyond-tail --explain CONCEPT` prints: the concept's
/// alternatives and negatives as lemma lists, each lemma's posting count, the count and the
/// first matching captions.
public struct BeyondTailExplanation: Sendable {
    public var concept: BeyondTailConcept
    /// Captions containing each lemma of the concept (nil: not in the index).
    public var postings: [String: Int?]
    public var count: Int
    /// The first matching caption ids, with their captions when a corpus was given; nil when
    /// they cannot be listed (`BeyondTailSearch.matchingIds`).
    public var samples: [(id: Int, caption: String?)]?

    /// Explains `concept`; captions are read from `corpus` when given (the index stores none).
    public static func explain(_ concept: BeyondTailConcept, search: BeyondTailSearch, sampleCount: Int = 10,
                               corpus: CorpusReader? = nil) throws -> BeyondTailExplanation {
        var postings: [String: Int?] = [:]
        for lemma in (concept.alternatives + concept.negatives).flatMap({ $0 }) where postings[lemma] == nil {
            postings[lemma] = .some(try search.index.postings(for: lemma)?.count)
        }
        let count = try search.count(concept)
        let ids = try search.matchingIds(concept, limit: sampleCount)?.map(Int.init)
        var captions: [Int: String] = [:]
        if let corpus, let ids, let last = ids.last {
            let wanted = Set(ids)
            while let record = try corpus.next(), record.id <= last {
                if wanted.contains(record.id) { captions[record.id] = record.caption }
            }
        }
        return BeyondTailExplanation(concept: concept, postings: postings, count: count,
                                     samples: ids.map { $0.map { ($0, captions[$0]) } })
    }

    /// Human-readable lines.
    public var text: String {
        func quoted(_ text: String) -> String { JSONWriter().string(.string(text)) }
        func describe(_ lemmas: [String]) -> String {
            guard !lemmas.isEmpty else { return "[] (empty)" }
            return lemmas.map { lemma in
                let found = postings[lemma] ?? nil
                return quoted(lemma) + (found.map { " (\($0))" } ?? " (not in index)")
            }.joined(separator: " + ")
        }
        var lines = ["concept: \(quoted(concept.name))  method: beyond-tail" + (concept.rule.map { "  rule: \(quoted($0))" } ?? "")]
        lines.append("alternatives (a caption counts when it has every lemma of one of them):")
        for (text, lemmas) in zip(concept.alternativeTexts, concept.alternatives) {
            lines.append("  \(quoted(text)) -> \(describe(lemmas))" + (lemmas.isEmpty ? ": matches every caption" : ""))
        }
        if !concept.negatives.isEmpty {
            lines.append("negatives (a caption with any of these lemmas never counts):")
            for (text, lemmas) in zip(concept.negativeTexts, concept.negatives) { lines.append("  \(quoted(text)) -> \(describe(lemmas))") }
        }
        lines.append("count: \(count)")
        if let samples {
            if !samples.isEmpty {
                lines.append("first \(samples.count) matching captions:")
                for sample in samples { lines.append("  \(sample.id)\t\(sample.caption ?? "(caption not available: pass --corpus and --format)")") }
            }
        } else {
            lines.append("(matching captions not listed: an empty alternative matches every indexed caption, and this index does not hold every id of its range)")
        }
        return lines.joined(separator: "\n")
    }
}
