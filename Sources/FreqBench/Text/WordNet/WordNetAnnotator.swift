import Dispatch
import Foundation
import Synchronization

/// The `wordnet` annotator: clip-beyond-tail's caption preprocessing (docs/BEYOND-TAIL.md,
/// section 1): a caption's terms are the sorted set of the noun lemmas (`WordNetLemmatizer`,
/// NLTK 3.8.1's) of its tokens (`BeyondTailTokenizer`) — of every token, not only of nouns:
/// `was` -> `wa`. Indexes built with it answer `search text --method beyond-tail`.
///
/// Lemmas are memoized per token (`WordNetLemmaMemo`), in memos that each worker thread owns
/// while it runs (kept between calls; a memo never changes a result). Captions are cut into
/// chunks that run on `threads` threads; each chunk's result depends only on its captions, so
/// the output does not depend on the thread count.
public final class WordNetAnnotator: Annotator, @unchecked Sendable {
    // @unchecked: `threads` is configuration set before use; the memos are behind a Mutex and
    // the lemmatizer is immutable.
    public let identity: AnnotatorIdentity
    public let lemmatizer: WordNetLemmatizer
    /// Threads used per call (default 1: annotating a caption costs about what the indexer's
    /// serial term adding does, and the indexer reads and adds on threads of its own, so more
    /// threads add work — a memo each, the hand-offs — rather than speed; `--jobs N` sets N).
    public var threads: Int
    /// Captions per chunk of work.
    static let chunkSize = 1024
    /// The version of the rules this type implements (tokenizer, lemmatizer, term set): part of
    /// the identity, so change it with any change of output.
    public static let rulesVersion = 1
    private let idleMemos = Mutex<[WordNetLemmaMemo]>([])

    public init(lemmatizer: WordNetLemmatizer, threads: Int? = nil) {
        self.lemmatizer = lemmatizer
        self.threads = max(1, threads ?? 1)
        identity = AnnotatorIdentity(name: "wordnet",
                                     version: "\(Self.rulesVersion) nltk-3.8.1 wordnet-\(lemmatizer.digest.prefix(16))")
    }

    /// Reads WordNet from `WordNetLemmatizer.defaultDirectory` (`FREQBENCH_WORDNET`, else /usr/share/wordnet).
    public convenience init(threads: Int? = nil) throws {
        self.init(lemmatizer: try WordNetLemmatizer(), threads: threads)
    }

    public func captionTerms(_ captions: [String]) throws -> [[String]] {
        inChunks(captions) { chunk, memo in
            var scratch: [UInt8] = []
            var ids: [Int32] = []
            return chunk.map { caption in
                ids.removeAll(keepingCapacity: true)
                BeyondTailTokenizer.forEachToken(caption, scratch: &scratch) { ids.append(memo.lemmaID($0, lemmatizer: self.lemmatizer)) }
                // Ids sorted by their lemmas' bytes (equal lemmas have equal ids, so repeats are
                // adjacent), each once: the sorted set of lemmas.
                ids.sort { memo.precedes($0, $1) }
                var terms: [String] = []
                terms.reserveCapacity(ids.count)
                var previous: Int32 = -1
                for id in ids where id != previous {
                    terms.append(memo.lemmas[Int(id)])
                    previous = id
                }
                return terms
            }
        }
    }

    /// The lemma of the last token of each word (the word itself when it has no token).
    public func queryTerms(_ words: [String]) throws -> [String] {
        words.map { lemmas(of: $0).last ?? $0 }
    }

    /// The lemmas of `text`'s tokens, in order, repeats kept: what the estimator makes of a
    /// concept's alternative (docs/BEYOND-TAIL.md, section 5).
    public func lemmas(of text: String) -> [String] {
        var memo = idleMemos.withLock { $0.popLast() } ?? WordNetLemmaMemo()
        defer { idleMemos.withLock { $0.append(memo) } }
        var result: [String] = []
        BeyondTailTokenizer.forEachToken(text) { token in
            let id = memo.lemmaID(token, lemmatizer: lemmatizer)
            result.append(memo.lemmas[Int(id)])
        }
        return result
    }

    /// `work` on chunks of `texts` on `threads` threads, results in input order.
    private func inChunks<Result: Sendable>(
        _ texts: [String], _ work: @Sendable (ArraySlice<String>, inout WordNetLemmaMemo) -> [Result]
    ) -> [Result] {
        let chunkCount = (texts.count + Self.chunkSize - 1) / Self.chunkSize
        if chunkCount == 0 { return [] }
        let workers = min(threads, chunkCount)
        if workers == 1 {   // on this thread: no hand-off, no waiting for a worker
            var memo = idleMemos.withLock { $0.popLast() } ?? WordNetLemmaMemo()
            defer { idleMemos.withLock { $0.append(memo) } }
            return work(texts[...], &memo)
        }
        let results = Mutex<[[Result]]>(Array(repeating: [], count: chunkCount))
        let nextChunk = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var memo = idleMemos.withLock { $0.popLast() } ?? WordNetLemmaMemo()
            defer { idleMemos.withLock { $0.append(memo) } }
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                if chunk >= chunkCount { break }
                let range = (chunk * Self.chunkSize)..<min(texts.count, (chunk + 1) * Self.chunkSize)
                let done = work(texts[range], &memo)
                results.withLock { $0[chunk] = done }
            }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
