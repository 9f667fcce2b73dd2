import Foundation

/// What `search text --explain CONCEPT` prints: how a concept became a count.
public struct TextSearchExplanation: Sendable {
    public struct Term: Sendable {
        public var word: String
        public var queryTerm: String
        /// Captions containing the term; nil when the index lacks it (the word is skipped).
        public var postings: Int?
    }

    public var concept: String
    public var method: TextSearchMethod
    public var terms: [Term]
    public var count: Int
    /// The first matching caption ids, with their captions when a corpus was given.
    public var samples: [(id: Int, caption: String?)]

    /// Explains `concept`; `queryTerms` are its terms as `TextSearch.queryTerms` made them.
    /// Captions are read from `corpus` when given (the index stores none).
    public static func explain(_ concept: String, method: TextSearchMethod, queryTerms: [String], search: TextSearch,
                               sampleCount: Int = 10, corpus: CorpusReader? = nil) throws -> TextSearchExplanation {
        let words = ConceptQuery.words(concept)
        var terms: [Term] = []
        for (word, term) in zip(words, queryTerms) {
            terms.append(Term(word: word, queryTerm: term, postings: try search.index.postings(for: term)?.count))
        }
        let count = try search.count(terms: queryTerms)
        let ids = try search.matchingIds(terms: queryTerms, limit: sampleCount).map(Int.init)
        var captions: [Int: String] = [:]
        if let corpus, let last = ids.last {
            let wanted = Set(ids)
            while let record = try corpus.next(), record.id <= last {
                if wanted.contains(record.id) { captions[record.id] = record.caption }
            }
        }
        return TextSearchExplanation(concept: concept, method: method, terms: terms, count: count,
                                     samples: ids.map { ($0, captions[$0]) })
    }

    /// Human-readable lines.
    public var text: String {
        var lines = ["concept: \(JSONWriter().string(.string(concept)))  method: \(method.rawValue)"]
        lines.append("words: " + terms.map { JSONWriter().string(.string($0.word)) }.joined(separator: ", "))
        for term in terms {
            let presence = term.postings.map { "in index, \($0) captions" } ?? "not in index (skipped)"
            lines.append("  \(JSONWriter().string(.string(term.word))) -> \(JSONWriter().string(.string(term.queryTerm))): \(presence)")
        }
        lines.append("count: \(count)")
        if !samples.isEmpty {
            lines.append("first \(samples.count) matching captions:")
            for sample in samples { lines.append("  \(sample.id)\t\(sample.caption ?? "(caption not available: pass --corpus and --format)")") }
        }
        return lines.joined(separator: "\n")
    }
}
