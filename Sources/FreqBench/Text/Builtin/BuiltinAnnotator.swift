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
/// Work is split into chunks of captions (`chunkRanges`, a function of the caption count
/// only) that run on `threads` threads; every chunk is computed the same way whatever the
/// thread count, so the output never depends on it.
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
    /// Captions per chunk in a call's last `2 · chunkSize` captions, so that no thread waits
    /// long for the last chunk of a call.
    static let tailChunkSize = 128
    /// Lemma, term and attribute-ruler caches of finished workers, reused by later calls
    /// (their contents never change a result, only save work).
    private let idleCaches = Mutex<[WorkerCaches]>([])

    private struct WorkerCaches {
        var lemmas: [LemmaKey: String] = [:]
        /// Each token's term when no multi-token rule may match in its text.
        var tokenTerms: [TokenTermKey: TokenTerm] = [:]
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

    /// The chunks `inChunks` cuts `count` texts into: `chunkSize` texts each, and
    /// `tailChunkSize` in the last `2 · chunkSize` (where the threads finish a call). The cut
    /// depends on `count` only; no token's tag depends on the texts it shares a chunk with.
    static func chunkRanges(count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < count {
            let size = count - start > 2 * chunkSize ? chunkSize : tailChunkSize
            ranges.append(start..<min(count, start + size))
            start += size
        }
        return ranges
    }

    /// `work` on every chunk of `texts` (`chunkRanges`), on `threads` threads, results in input order.
    private func inChunks<Result: Sendable>(
        _ texts: [String], _ work: @Sendable (ArraySlice<String>, inout WorkerCaches) -> [Result]
    ) -> [Result] {
        let ranges = BuiltinAnnotator.chunkRanges(count: texts.count)
        let chunkCount = ranges.count
        if chunkCount == 0 { return [] }
        let workers = min(threads, chunkCount)
        let results = Mutex<[[Result]]>(Array(repeating: [], count: chunkCount))
        let nextChunk = Atomic<Int>(0)
        BLAS.withThreads(1) { DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var caches = idleCaches.withLock { $0.popLast() } ?? WorkerCaches()
            defer {
                if caches.lemmas.count > WorkerCaches.limit { caches.lemmas = [:] }
                if caches.tokenTerms.count > WorkerCaches.limit { caches.tokenTerms = [:] }
                if caches.ruler.count > WorkerCaches.limit { caches.ruler = [:] }
                idleCaches.withLock { $0.append(caches) }
            }
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                if chunk >= chunkCount { break }
                let done = work(texts[ranges[chunk]], &caches)
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

    /// What decides a token's term when no multi-token rule may match in its text: its text,
    /// its tag, and whether it is the only token (the parser labels that one `ROOT`).
    struct TokenTermKey: Hashable {
        var text: String
        var tag: Int
        var isOnlyToken: Bool
    }

    /// A token's contribution to its caption's terms, with the single-token rules applied.
    struct TokenTerm {
        /// The normalized lemma when the token is a NOUN or PROPN, else nil.
        var term: String?
        /// Whether the token may start a multi-token rule: then its text takes the general path.
        var mayStartMultiToken: Bool
    }

    /// Tokens and tags of every text of a chunk.
    private func taggedDocs(_ texts: ArraySlice<String>, fast: Bool) -> [(tokens: [TextToken], tags: [Int])] {
        let docs = texts.map { tokenizer.tokenize($0) }
        return Array(zip(docs, network.tagIndexes(docs, fast: fast)))
    }

    /// The attribute-ruler states of one tagged text.
    private func rulerStates(_ doc: [TextToken], tags: [Int], caches: inout WorkerCaches) -> [AttributeRuler.TokenState] {
        var states = zip(doc, tags).map { token, tag in rulerInput(token, tag: tag, isOnlyToken: doc.count == 1) }
        model.attributeRuler.apply(&states, cache: &caches.ruler)
        return states
    }

    /// A token's state before the attribute ruler.
    private func rulerInput(_ token: TextToken, tag: Int, isOnlyToken: Bool) -> AttributeRuler.TokenState {
        var state = AttributeRuler.TokenState(tag: model.tags[tag], lower: Vocabulary.lower(token.text), isSpace: Vocabulary.isSpace(token.text))
        if isOnlyToken { state.dependency = "ROOT" }
        return state
    }

    private func lemma(_ token: TextToken, _ state: AttributeRuler.TokenState, caches: inout WorkerCaches) -> String {
        if let ruled = state.lemma { return ruled }
        let key = LemmaKey(text: token.text, pos: state.pos, morph: state.morph)
        if let known = caches.lemmas[key] { return known }
        let lemma = model.lemmatizer.lemma(token.text, pos: state.pos, morph: state.morph)
        caches.lemmas[key] = lemma
        return lemma
    }

    /// The normalized lemma of a NOUN or PROPN token, nil for any other.
    private func term(_ token: TextToken, _ state: AttributeRuler.TokenState, caches: inout WorkerCaches) -> String? {
        state.pos == "NOUN" || state.pos == "PROPN" ? CaptionTerms.normalize(lemma(token, state, caches: &caches)) : nil
    }

    private func analyzeChunk(_ texts: ArraySlice<String>, fast: Bool, caches: inout WorkerCaches) -> [[AnalyzedToken]] {
        taggedDocs(texts, fast: fast).map { doc, tags in
            zip(doc, rulerStates(doc, tags: tags, caches: &caches)).map { token, state in
                AnalyzedToken(text: token.text, tag: state.tag, pos: state.pos, morph: state.morph,
                              lemma: lemma(token, state, caches: &caches))
            }
        }
    }

    /// `captionTerms` of a chunk: the normalized lemmas of its NOUN/PROPN tokens only (what
    /// `analyzeChunk` would give, without lemmatizing the other tokens).
    ///
    /// A token's term depends only on its `TokenTermKey` unless a multi-token rule matches in
    /// its text, so terms are cached by that key; a text with a token that may start a
    /// multi-token rule (`gon`, `let`, ...: rare) runs the whole attribute ruler instead.
    private func termsOfChunk(_ texts: ArraySlice<String>, fast: Bool, caches: inout WorkerCaches) -> [[String]] {
        taggedDocs(texts, fast: fast).map { doc, tags in
            var terms: [String] = []
            var needsWholeText = false
            for (token, tag) in zip(doc, tags) {
                let key = TokenTermKey(text: token.text, tag: tag, isOnlyToken: doc.count == 1)
                let known = caches.tokenTerms[key] ?? {
                    let (state, mayStartMultiToken) = model.attributeRuler.applyingSingleTokenRules(
                        to: rulerInput(token, tag: tag, isOnlyToken: key.isOnlyToken), cache: &caches.ruler)
                    let outcome = TokenTerm(term: term(token, state, caches: &caches), mayStartMultiToken: mayStartMultiToken)
                    caches.tokenTerms[key] = outcome
                    return outcome
                }()
                if known.mayStartMultiToken {
                    needsWholeText = true
                    break
                }
                if let term = known.term { terms.append(term) }
            }
            if needsWholeText {
                terms = zip(doc, rulerStates(doc, tags: tags, caches: &caches)).compactMap { token, state in
                    term(token, state, caches: &caches)
                }
            }
            // Normalized terms are ASCII, so byte order and adjacent duplicates give `sortedSet`.
            terms.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var unique: [String] = []
            unique.reserveCapacity(terms.count)
            for term in terms where unique.last != term { unique.append(term) }
            return unique
        }
    }
}
