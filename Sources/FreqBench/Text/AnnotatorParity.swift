import Foundation

/// How far one annotator's output is from another's on the same captions (typically
/// `builtin` against `spacy`): the share of captions with identical term sets, the share of
/// concepts whose text-index count (lemmatized query) is exact, and the terms that differ
/// most often, with the tags the candidate gave them.
public struct AnnotatorParity: Sendable {
    /// One term that is in the caption sets of one annotator but not the other.
    public struct Disagreement: Sendable, Equatable {
        /// The caption term.
        public var term: String
        /// True when only the reference has it (the candidate missed a noun).
        public var onlyInReference: Bool
        /// Captions where this happened.
        public var captions: Int
        /// The candidate's fine-grained tags of the tokens with this term, most frequent first,
        /// e.g. `VBG` (empty when the candidate has no such token).
        public var candidateTags: [String]
    }

    /// One concept list's agreement.
    public struct ConceptListAgreement: Sendable, Equatable {
        public var name: String
        public var concepts: Int
        public var exact: Int
        /// Largest |candidate − reference| / max(reference, 1).
        public var maxRelativeError: Double
    }

    public var captions: Int
    public var identicalCaptions: Int
    public var conceptLists: [ConceptListAgreement]
    public var disagreements: [Disagreement]

    public var identicalShare: Double { captions == 0 ? 1 : Double(identicalCaptions) / Double(captions) }

    /// Compares `candidate` with `reference` on `captions`; `conceptLists` are (name, concepts)
    /// counted with the `lemmatized` query of each annotator on its own index.
    public static func measure(
        captions: [String], reference: Annotator, candidate: BuiltinAnnotator,
        conceptLists: [(name: String, concepts: [String])], topDisagreements: Int = 25
    ) throws -> AnnotatorParity {
        let referenceTerms = try reference.captionTerms(captions)
        let analysed = candidate.analyze(captions)
        let candidateTerms = analysed.map { tokens in
            CaptionTerms.sortedSet(tokens.lazy.filter(\.isNoun).map { CaptionTerms.normalize($0.lemma) })
        }
        var identical = 0
        var counts: [String: (captions: Int, onlyInReference: Bool, tags: [String: Int])] = [:]
        for index in captions.indices {
            if referenceTerms[index] == candidateTerms[index] {
                identical += 1
                continue
            }
            let referenceSet = Set(referenceTerms[index]), candidateSet = Set(candidateTerms[index])
            for (term, onlyInReference) in referenceSet.subtracting(candidateSet).map({ ($0, true) })
                + candidateSet.subtracting(referenceSet).map({ ($0, false) }) {
                let key = (onlyInReference ? "-" : "+") + term
                var entry = counts[key] ?? (0, onlyInReference, [:])
                entry.captions += 1
                for token in analysed[index] where CaptionTerms.normalize(token.lemma) == term
                    || CaptionTerms.normalize(Vocabulary.lower(token.text)) == term.lowercased() {
                    entry.tags[token.tag, default: 0] += 1
                }
                counts[key] = entry
            }
        }
        let disagreements = counts.map { key, entry in
            Disagreement(
                term: String(key.dropFirst()), onlyInReference: entry.onlyInReference, captions: entry.captions,
                candidateTags: entry.tags.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key))
        }.sorted { $0.captions != $1.captions ? $0.captions > $1.captions : ($0.term, $0.onlyInReference ? 0 : 1) < ($1.term, $1.onlyInReference ? 0 : 1) }

        var lists: [ConceptListAgreement] = []
        if !conceptLists.isEmpty {
            let referenceIndex = TermIndex(termSets: referenceTerms)
            let candidateIndex = TermIndex(termSets: candidateTerms)
            for list in conceptLists {
                let referenceCounts = try referenceIndex.lemmatizedCounts(list.concepts, annotator: reference)
                let candidateCounts = try candidateIndex.lemmatizedCounts(list.concepts, annotator: candidate)
                var exact = 0
                var maxError = 0.0
                for (a, b) in zip(referenceCounts, candidateCounts) {
                    if a == b { exact += 1 }
                    maxError = max(maxError, Double(abs(a - b)) / Double(max(a, 1)))
                }
                lists.append(ConceptListAgreement(name: list.name, concepts: list.concepts.count, exact: exact, maxRelativeError: maxError))
            }
        }
        return AnnotatorParity(
            captions: captions.count, identicalCaptions: identical, conceptLists: lists,
            disagreements: Array(disagreements.prefix(topDisagreements)))
    }
}

/// A minimal in-memory term -> caption-id index, enough to count concepts as the paper does
/// (for agreement measurements; the real index lives in the Index stage).
struct TermIndex {
    private var postings: [String: Set<Int>] = [:]

    init(termSets: [[String]]) {
        for (id, terms) in termSets.enumerated() {
            for term in terms { postings[term, default: []].insert(id) }
        }
    }

    /// The `lemmatized` count of each concept: words = lowercase split on `[_\s]+`, each
    /// replaced by the annotator's query term; words missing from the index are skipped;
    /// count = size of the intersection (0 when no word is present).
    func lemmatizedCounts(_ concepts: [String], annotator: Annotator) throws -> [Int] {
        let words = concepts.map { ConceptQuery.words($0) }
        let distinct = Array(Set(words.flatMap { $0 })).sorted()
        let lemmas = Dictionary(uniqueKeysWithValues: zip(distinct, try annotator.queryTerms(distinct)))
        return counts(words.map { $0.map { lemmas[$0] ?? $0 } })
    }

    /// The `lowercased` count of each concept (the words as they are).
    func lowercasedCounts(_ concepts: [String]) -> [Int] {
        counts(concepts.map { ConceptQuery.words($0) })
    }

    private func counts(_ queries: [[String]]) -> [Int] {
        queries.map { conceptWords in
            let sets = conceptWords.compactMap { postings[$0] }
            guard var result = sets.first else { return 0 }
            for set in sets.dropFirst() { result.formIntersection(set) }
            return result.count
        }
    }
}
