import Foundation
import Dispatch
import Synchronization

/// The `builtin` annotator: en_core_web_sm 3.8.0's tokenizer, tagger, attribute ruler and
/// rule lemmatizer re-implemented in Swift, so captions get spaCy's noun lemmas without
/// Python (the `parser` is not ported: its labels change the noun set of about 1 caption
/// in 16,000; see ARCHITECTURE.md).
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
    static let chunkSize = 256

    public init(model: BuiltinModel, threads: Int? = nil) {
        self.model = model
        tokenizer = BuiltinTokenizer(rules: model.tokenizerRules)
        network = TaggerNetwork(weights: model.network, vocabulary: model.vocabulary)
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        identity = AnnotatorIdentity(name: "builtin", version: "1 en_core_web_sm-3.8.0 \(model.fingerprint)")
    }

    /// Loads the model from `BuiltinModel.defaultDirectory`.
    public convenience init(threads: Int? = nil) throws {
        self.init(model: try BuiltinModel(), threads: threads)
    }

    public func captionTerms(_ captions: [String]) throws -> [[String]] {
        analyze(captions).map { tokens in
            CaptionTerms.sortedSet(tokens.lazy.filter(\.isNoun).map { CaptionTerms.normalize($0.lemma) })
        }
    }

    public func queryTerms(_ words: [String]) throws -> [String] {
        analyze(words).enumerated().map { index, tokens in tokens.last?.lemma ?? words[index] }
    }

    /// The analysed tokens of every text, in input order.
    public func analyze(_ texts: [String]) -> [[AnalyzedToken]] {
        let chunkCount = (texts.count + BuiltinAnnotator.chunkSize - 1) / BuiltinAnnotator.chunkSize
        if chunkCount == 0 { return [] }
        let workers = min(threads, chunkCount)
        let results = Mutex<[[[AnalyzedToken]]]>(Array(repeating: [], count: chunkCount))
        let nextChunk = Atomic<Int>(0)
        let savedBLASThreads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = savedBLASThreads }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var lemmaCache: [LemmaKey: String] = [:]
            var rulerCache: [AttributeRuler.SingleTokenKey: [Int]] = [:]
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                if chunk >= chunkCount { break }
                let start = chunk * BuiltinAnnotator.chunkSize
                let end = min(texts.count, start + BuiltinAnnotator.chunkSize)
                let analysed = analyzeChunk(texts[start..<end], lemmaCache: &lemmaCache, rulerCache: &rulerCache)
                results.withLock { $0[chunk] = analysed }
            }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    private struct LemmaKey: Hashable {
        var text: String
        var pos: String
        var morph: String
    }

    private func analyzeChunk(
        _ texts: ArraySlice<String>, lemmaCache: inout [LemmaKey: String], rulerCache: inout [AttributeRuler.SingleTokenKey: [Int]]
    ) -> [[AnalyzedToken]] {
        let docs = texts.map { tokenizer.tokenize($0) }
        let tagIndexes = network.tagIndexes(docs)
        var output: [[AnalyzedToken]] = []
        output.reserveCapacity(docs.count)
        for (doc, tags) in zip(docs, tagIndexes) {
            var states = zip(doc, tags).map { token, tag in
                AttributeRuler.TokenState(tag: model.tags[tag], lower: Vocabulary.lower(token.text), isSpace: Vocabulary.isSpace(token.text))
            }
            if states.count == 1 { states[0].dependency = "ROOT" }
            model.attributeRuler.apply(&states, cache: &rulerCache)
            var analysed: [AnalyzedToken] = []
            analysed.reserveCapacity(doc.count)
            for (token, state) in zip(doc, states) {
                let lemma: String
                if let ruled = state.lemma {
                    lemma = ruled
                } else {
                    let key = LemmaKey(text: token.text, pos: state.pos, morph: state.morph)
                    if let known = lemmaCache[key] {
                        lemma = known
                    } else {
                        lemma = model.lemmatizer.lemma(token.text, pos: state.pos, morph: state.morph)
                        lemmaCache[key] = lemma
                    }
                }
                analysed.append(AnalyzedToken(text: token.text, tag: state.tag, pos: state.pos, morph: state.morph, lemma: lemma))
            }
            output.append(analysed)
        }
        return output
    }
}
