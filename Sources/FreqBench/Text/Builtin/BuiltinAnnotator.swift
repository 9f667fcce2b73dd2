import Foundation
import Dispatch
import Synchronization

/// The `builtin` annotator: en_core_web_sm 3.8.0's tokenizer, tagger, attribute ruler and
/// rule lemmatizer re-implemented in Swift, so captions get spaCy's noun lemmas without
/// Python (the `parser` is not ported: its labels change the noun set of about 1 caption
/// in 16,000; see ARCHITECTURE.md).
///
/// By default caption tokens go through `FastTagger` first, and only the tokens it is not
/// certain of through the full encoder; `exact: true` (the `builtin-exact` annotator) runs
/// the exact port on every token. Query words always take the exact path.
///
/// Work is split into fixed chunks of captions that run on `threads` threads; every chunk
/// is computed the same way whatever the thread count, so the output never depends on it.
public final class BuiltinAnnotator: Annotator, @unchecked Sendable {
    // @unchecked: `threads` is configuration set before use; everything else is immutable
    // or behind a Mutex.
    public let identity: AnnotatorIdentity
    let model: BuiltinModel
    let tokenizer: BuiltinTokenizer
    let network: TaggerNetwork
    /// Threads used per call (default: all cores).
    public var threads: Int
    /// Captions per chunk of work.
    static let chunkSize = 512
    /// Lemma and attribute-ruler caches of finished workers, reused by later calls (their
    /// contents never change a result, only save work).
    private let idleCaches = Mutex<[WorkerCaches]>([])

    private struct WorkerCaches {
        var lemmas: [LemmaKey: String] = [:]
        /// Normalized caption terms of noun tokens (`CaptionTerms.normalize` of the lemma).
        var terms: [LemmaKey: String] = [:]
        var ruler: [AttributeRuler.SingleTokenKey: AttributeRuler.SingleTokenMatches] = [:]
        /// The most entries each cache keeps.
        static let limit = 200_000
    }

    /// An annotator on `model`; `exact` skips the fast tagger (every token through the full network).
    public init(model: BuiltinModel, threads: Int? = nil, exact: Bool = false) {
        self.model = model
        tokenizer = BuiltinTokenizer(rules: model.tokenizerRules)
        network = TaggerNetwork(weights: model.network, vocabulary: model.vocabulary, stages: exact ? [] : model.fastTaggers)
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        identity = exact
            ? AnnotatorIdentity(name: "builtin-exact", version: "1 en_core_web_sm-3.8.0 \(model.fingerprint)")
            : AnnotatorIdentity(name: "builtin", version: "3 en_core_web_sm-3.8.0 \(model.fingerprint) fast-"
                + FastTagger.stageFiles.map { String($0.sha256.prefix(12)) }.joined(separator: "+"))
    }

    /// Loads the model from `BuiltinModel.defaultDirectory`.
    public convenience init(threads: Int? = nil, exact: Bool = false) throws {
        self.init(model: try BuiltinModel(), threads: threads, exact: exact)
    }

    /// The share of the tokens tagged so far on the fast path (captions; not query words)
    /// that the fast tagger decided (0 on the exact path).
    public var fastDecisionShare: Double { fastDecisionShares.reduce(0, +) }

    /// The share of those tokens each stage of the fast tagger decided, in stage order.
    public var fastDecisionShares: [Double] {
        let counts = network.fastDecisionCounts
        return counts.decided.map { counts.tokens == 0 ? 0 : Double($0) / Double(counts.tokens) }
    }

    public func captionTerms(_ captions: [String]) throws -> [[String]] {
        inChunks(captions) { chunk, caches in termsOfChunk(chunk, fast: true, caches: &caches) }
    }

    public func queryTerms(_ words: [String]) throws -> [String] {
        analyze(words, exact: true).enumerated().map { index, tokens in tokens.last?.lemma ?? words[index] }
    }

    /// The analysed tokens of every text, in input order. With the fast tagger (unless
    /// `exact`), a certain token's tag is the imitation's: its decision class (NN, NNS,
    /// proper noun, no noun) is the exact one's on all but about 1 in 10⁴ tokens, while the
    /// fine tag of a non-noun may differ from the exact tagger's.
    public func analyze(_ texts: [String], exact: Bool = false) -> [[AnalyzedToken]] {
        inChunks(texts) { chunk, caches in analyzeChunk(chunk, fast: !exact, caches: &caches) }
    }

    /// `work` on every fixed chunk of `texts`, on `threads` threads, results in input order.
    private func inChunks<Result: Sendable>(
        _ texts: [String], _ work: @Sendable (ArraySlice<String>, inout WorkerCaches) -> [Result]
    ) -> [Result] {
        let chunkCount = (texts.count + BuiltinAnnotator.chunkSize - 1) / BuiltinAnnotator.chunkSize
        if chunkCount == 0 { return [] }
        let workers = min(threads, chunkCount)
        let results = Mutex<[[Result]]>(Array(repeating: [], count: chunkCount))
        let nextChunk = Atomic<Int>(0)
        BLAS.withThreads(1) { DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var caches = idleCaches.withLock { $0.popLast() } ?? WorkerCaches()
            defer {
                if caches.lemmas.count > WorkerCaches.limit { caches.lemmas = [:] }
                if caches.terms.count > WorkerCaches.limit { caches.terms = [:] }
                if caches.ruler.count > WorkerCaches.limit { caches.ruler = [:] }
                idleCaches.withLock { $0.append(caches) }
            }
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                if chunk >= chunkCount { break }
                let start = chunk * BuiltinAnnotator.chunkSize
                let end = min(texts.count, start + BuiltinAnnotator.chunkSize)
                let done = work(texts[start..<end], &caches)
                results.withLock { $0[chunk] = done }
            }
        } }
        return results.withLock { $0.flatMap { $0 } }
    }

    private struct LemmaKey: Hashable {
        var text: String
        var pos: String
        var morph: String
    }

    /// Tokens, tags and attribute-ruler states of every text of a chunk.
    private func rulerStates(
        _ texts: ArraySlice<String>, fast: Bool, caches: inout WorkerCaches
    ) -> [(tokens: [TextToken], states: [AttributeRuler.TokenState])] {
        let docs = texts.map { tokenizer.tokenize($0) }
        let tagIndexes = network.tagIndexes(docs, fast: fast)
        return zip(docs, tagIndexes).map { doc, tags in
            var states = zip(doc, tags).map { token, tag in
                AttributeRuler.TokenState(tag: model.tags[tag], lower: Vocabulary.lower(token.text), isSpace: Vocabulary.isSpace(token.text))
            }
            if states.count == 1 { states[0].dependency = "ROOT" }
            model.attributeRuler.apply(&states, cache: &caches.ruler)
            return (doc, states)
        }
    }

    private func lemma(_ token: TextToken, _ state: AttributeRuler.TokenState, caches: inout WorkerCaches) -> String {
        if let ruled = state.lemma { return ruled }
        let key = LemmaKey(text: token.text, pos: state.pos, morph: state.morph)
        if let known = caches.lemmas[key] { return known }
        let lemma = model.lemmatizer.lemma(token.text, pos: state.pos, morph: state.morph)
        caches.lemmas[key] = lemma
        return lemma
    }

    private func analyzeChunk(_ texts: ArraySlice<String>, fast: Bool, caches: inout WorkerCaches) -> [[AnalyzedToken]] {
        rulerStates(texts, fast: fast, caches: &caches).map { doc, states in
            zip(doc, states).map { token, state in
                AnalyzedToken(text: token.text, tag: state.tag, pos: state.pos, morph: state.morph,
                              lemma: lemma(token, state, caches: &caches))
            }
        }
    }

    /// `captionTerms` of a chunk: the normalized lemmas of its NOUN/PROPN tokens only (what
    /// `analyzeChunk` would give, without lemmatizing the other tokens).
    private func termsOfChunk(_ texts: ArraySlice<String>, fast: Bool, caches: inout WorkerCaches) -> [[String]] {
        rulerStates(texts, fast: fast, caches: &caches).map { doc, states in
            var terms: [String] = []
            for (token, state) in zip(doc, states) where state.pos == "NOUN" || state.pos == "PROPN" {
                if state.lemma != nil {
                    terms.append(CaptionTerms.normalize(lemma(token, state, caches: &caches)))
                    continue
                }
                let key = LemmaKey(text: token.text, pos: state.pos, morph: state.morph)
                if let known = caches.terms[key] {
                    terms.append(known)
                } else {
                    let term = CaptionTerms.normalize(lemma(token, state, caches: &caches))
                    caches.terms[key] = term
                    terms.append(term)
                }
            }
            return CaptionTerms.sortedSet(terms)
        }
    }
}
