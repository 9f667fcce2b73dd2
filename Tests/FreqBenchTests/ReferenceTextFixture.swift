import Foundation
import Synchronization
import Testing
@testable import FreqBench

/// The CC3M-val reference (spaCy term sets and query lemmas) loaded once per test run,
/// and an index built from it, shared by the index and search suites.
final class ReferenceTextFixture: Sendable {
    let nounsURL: URL
    let corpusURL: URL
    /// Term sets by caption id (nouns.jsonl).
    let terms: [[String]]
    /// Query word -> query term (query_lemmas.json).
    let queryLemmas: [String: String]
    /// An index of all term sets, built once.
    let indexDirectory: URL
    let corpusDigest: [UInt8]

    static let identity = AnnotatorIdentity(name: "reference", version: "cc3m_val nouns.jsonl")

    private static let cache = Mutex<ReferenceTextFixture?>(nil)

    static func shared() throws -> ReferenceTextFixture {
        try cache.withLock { cached in
            if let cached { return cached }
            let fixture = try ReferenceTextFixture()
            cached = fixture
            return fixture
        }
    }

    private init() throws {
        nounsURL = try SharedData.reference("cc3m_val/nouns.jsonl")
        corpusURL = try SharedData.corpora("cc3m_val.tsv")
        let reader = try AnnotationsReader(url: nounsURL)
        var terms: [[String]] = []
        while let record = try reader.next() { terms.append(record.terms) }
        self.terms = terms
        let lemmas = try JSONParser.parse(contentsOf: try SharedData.reference("cc3m_val/query_lemmas.json"))
        var mapping: [String: String] = [:]
        for (word, lemma) in lemmas.objectValue ?? [:] { mapping[word] = lemma.stringValue }
        queryLemmas = mapping
        let corpus = try CorpusReader(paths: [corpusURL], options: CorpusOptions(format: .cc3m))
        while try corpus.next() != nil {}
        corpusDigest = CorpusDigest.digest(options: CorpusOptions(format: .cc3m), files: corpus.summaries)
        indexDirectory = try TemporaryDirectory.make().appendingPathComponent("cc3m_val.index")
        let builder = TextIndexBuilder()
        for (id, recordTerms) in terms.enumerated() { try builder.add(id: id, terms: recordTerms) }
        try builder.write(to: indexDirectory, recordCount: terms.count, shard: .whole, corpusDigest: corpusDigest,
                          annotator: Self.identity)
    }

    /// Writes an index of the records of `shard` (all by default) to `directory`.
    func writeIndex(shard: ShardSpec = .whole, annotator: AnnotatorIdentity = ReferenceTextFixture.identity,
                    corpusDigest: [UInt8]? = nil, to directory: URL) throws {
        let builder = TextIndexBuilder()
        for (id, recordTerms) in terms.enumerated() where shard.contains(id) { try builder.add(id: id, terms: recordTerms) }
        try builder.write(to: directory, recordCount: terms.count, shard: shard,
                          corpusDigest: corpusDigest ?? self.corpusDigest, annotator: annotator)
    }
}

/// An annotator for tests that answers from the reference files instead of running a
/// model: caption terms by looking the caption up, query terms from query_lemmas.json.
final class ReferenceAnnotator: Annotator {
    let identity = ReferenceTextFixture.identity
    private let termsByCaption: [String: [String]]
    private let queryLemmas: [String: String]

    init(fixture: ReferenceTextFixture, captions: [String]) {
        var termsByCaption: [String: [String]] = [:]
        for (caption, terms) in zip(captions, fixture.terms) { termsByCaption[caption] = terms }
        self.termsByCaption = termsByCaption
        self.queryLemmas = fixture.queryLemmas
    }

    func captionTerms(_ captions: [String]) throws -> [[String]] {
        try captions.map { caption in
            guard let terms = termsByCaption[caption] else { throw FreqBenchError("caption not in the reference: \(caption)") }
            return terms
        }
    }

    func queryTerms(_ words: [String]) throws -> [String] {
        try words.map { word in
            guard let lemma = queryLemmas[word] else { throw FreqBenchError("word not in query_lemmas.json: \(word)") }
            return lemma
        }
    }
}
