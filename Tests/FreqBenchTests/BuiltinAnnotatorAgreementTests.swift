import Foundation
import Testing
@testable import FreqBench

/// The builtin annotator against spaCy's reference output on CC3M validation
/// (../shared/reference/cc3m_val): noun sets, query lemmas, concept counts; and
/// independence from the thread count.
@Suite("Builtin annotator: agreement with spaCy on CC3M-val", .serialized)
struct BuiltinAnnotatorAgreementTests {
    private static func captions() throws -> [String] {
        let url = try SharedData.corpora("cc3m_val.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            String(line[..<(line.firstIndex(of: "\t") ?? line.endIndex)])
        }
    }

    private static func referenceNouns() throws -> [[String]] {
        let url = try SharedData.reference("cc3m_val/nouns.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let nouns = try JSONParser.parse(String(line))["nouns"]?.arrayValue else {
                throw FreqBenchError("line without nouns", file: url.path)
            }
            return nouns.compactMap(\.stringValue)
        }
    }

    @Test("identical noun sets for at least 99.5 % of captions, and exact concept counts for at least 99 % of every list")
    func captionsAndCounts() throws {
        let captions = try Self.captions()
        let reference = try Self.referenceNouns()
        #expect(captions.count == 15_833 && reference.count == captions.count)
        let annotator = try BuiltinTestModel.annotator()
        let terms = try annotator.captionTerms(captions)
        let identical = zip(terms, reference).filter { $0 == $1 }.count
        let share = Double(identical) / Double(captions.count)
        #expect(share >= 0.995, "identical noun sets: \(identical) of \(captions.count)")

        let index = TermIndex(termSets: terms)
        let folder = try SharedData.reference("cc3m_val")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("counts_") }.sorted()
        #expect(files.count == 40)
        for file in files {
            guard let expected = try JSONParser.parse(contentsOf: folder.appendingPathComponent(file)).objectValue else {
                Issue.record("\(file) is not an object")
                continue
            }
            let concepts = Array(expected.keys)
            let counts = file.hasSuffix("_lemmatized.json")
                ? try index.lemmatizedCounts(concepts, annotator: annotator) : index.lowercasedCounts(concepts)
            let exact = zip(concepts, counts).filter { expected[$0.0]?.intValue == $0.1 }.count
            #expect(Double(exact) >= 0.99 * Double(concepts.count), "\(file): \(exact) of \(concepts.count) exact")
        }
    }

    @Test("query lemmas equal spaCy's for at least 99.9 % of the 3,470 query words")
    func queryLemmas() throws {
        let url = try SharedData.reference("cc3m_val/query_lemmas.json")
        guard let expected = try JSONParser.parse(contentsOf: url).objectValue else {
            Issue.record("query_lemmas.json is not an object")
            return
        }
        let words = Array(expected.keys)
        let lemmas = try BuiltinTestModel.annotator().queryTerms(words)
        let equal = zip(words, lemmas).filter { expected[$0.0]?.stringValue == $0.1 }.count
        #expect(words.count == 3_470)
        #expect(Double(equal) >= 0.999 * Double(words.count), "\(equal) of \(words.count) equal")
        let byWord = Dictionary(uniqueKeysWithValues: zip(words, lemmas))
        #expect(byWord["t-shirt"] == "shirt")
        #expect(byWord["(antelope)"] == ")")
    }

    @Test("the analysis is identical for 1, 2 and 3 threads")
    func threadCountIndependence() throws {
        let captions = Array(try Self.captions().prefix(800))
        let model = try BuiltinTestModel.model()
        let one = BuiltinAnnotator(model: model, threads: 1).analyze(captions)
        let two = BuiltinAnnotator(model: model, threads: 2).analyze(captions)
        let three = BuiltinAnnotator(model: model, threads: 3).analyze(captions)
        #expect(one.count == captions.count)
        #expect(one == two)
        #expect(one == three)
    }
}
