import Foundation

/// Query terms from a fixed table (`word -> lemma`, the format of the reference
/// `query_lemmas.json`), for lemmatized searches without running a language pipeline:
/// reproducible, and what the fixtures use so `swift test` needs no spaCy.
///
/// Only answers `queryTerms`; a word missing from the table is an error naming the file.
public final class QueryLemmaTable: Annotator {
    public let identity: AnnotatorIdentity
    public let url: URL
    private let lemmas: [String: String]

    /// Reads a JSON object of word -> lemma.
    public init(contentsOf url: URL) throws {
        guard let object = try JSONParser.parse(contentsOf: url).objectValue else {
            throw FreqBenchError("expected a JSON object of word -> query lemma", file: url.path)
        }
        var lemmas: [String: String] = [:]
        for (word, value) in object {
            guard let lemma = value.stringValue else {
                throw FreqBenchError("the lemma of \(JSONWriter().string(.string(word))) is not a string", file: url.path)
            }
            lemmas[word] = lemma
        }
        self.url = url
        self.lemmas = lemmas
        self.identity = AnnotatorIdentity(name: "query-lemma-table", version: url.lastPathComponent)
    }

    public func captionTerms(_ captions: [String]) throws -> [[String]] {
        throw FreqBenchError("a query lemma table cannot annotate captions", file: url.path)
    }

    public func queryTerms(_ words: [String]) throws -> [String] {
        try words.map { word in
            guard let lemma = lemmas[word] else {
                throw FreqBenchError("no query lemma for the word \(JSONWriter().string(.string(word)))", file: url.path)
            }
            return lemma
        }
    }
}
