import Foundation
import Testing
@testable import FreqBench

/// clip-rocket's metadata (`--format clip-rocket`): one record per image, its terms the union
/// over its captions (Fixtures/clip-rocket, made by make_fixtures.py).
@Suite("clip-rocket metadata")
struct ClipRocketCorpusTests {
    static let directory = DataPaths.repositoryRoot.appendingPathComponent("Fixtures/clip-rocket")

    @Test("cc3m.npy, cc12m.npy and yfcc15m.pkl give one record per image with clip-rocket's captions, ids across files")
    func records() throws {
        let expected = try JSONParser.parse(contentsOf: Self.directory.appendingPathComponent("expected.json"))
        let names = ["cc3m.npy", "cc12m.npy", "yfcc15m.pkl"]
        let reader = try CorpusReader(paths: names.map { Self.directory.appendingPathComponent($0) }, options: CorpusOptions(format: .clipRocket))
        var records: [CorpusRecord] = []
        while let record = try reader.next() { records.append(record) }
        var wanted: [(String, [String])] = []
        for name in names {
            for item in expected[name]?.arrayValue ?? [] {
                guard let pair = item.arrayValue, let id = pair.first?.stringValue, let captions = pair.last?.arrayValue?.compactMap(\.stringValue) else { continue }
                wanted.append((id, captions))
            }
        }
        #expect(wanted.count == 9)
        #expect(records.map(\.id) == Array(0..<wanted.count))
        #expect(records.map(\.captions) == wanted.map(\.1))
        #expect(records.map(\.sourceID) == wanted.map(\.0))
    }

    @Test("a record's terms are the union of its captions' terms, in the index and the annotate output; a bad file is an error naming it")
    func unionOfCaptions() throws {
        let folder = try TemporaryDirectory.make()
        let file = Self.directory.appendingPathComponent("cc3m.npy")
        let options = CorpusOptions(format: .clipRocket)
        let index = folder.appendingPathComponent("index")
        try TextIndexer.build(corpus: [file], options: options, annotators: [WordAnnotator()], output: index)
        let opened = try TextIndex(directory: index)
        // Record 0: "a red car parked on the street" + "the red car"; record 2: three captions.
        #expect(try opened.postings(for: "red")?.decoded() == [0])
        #expect(try opened.postings(for: "coffee")?.decoded() == [2])
        #expect(try opened.postings(for: "cup")?.decoded() == [2])
        #expect(try opened.postings(for: "the")?.decoded() == [0, 1])
        let nouns = folder.appendingPathComponent("nouns.jsonl")
        _ = try NounsFile.write(try CorpusReader(paths: [file], options: options), annotator: WordAnnotator(), to: nouns)
        let first = try String(contentsOf: nouns, encoding: .utf8).split(separator: "\n").first.map(String.init)
        #expect(first == #"{"id": 0, "nouns": ["a", "car", "on", "parked", "red", "street", "the"]}"#)
        let bad = folder.appendingPathComponent("bad.npy")
        try Data("not a pickle".utf8).write(to: bad)
        do {
            let reader = try CorpusReader(paths: [bad], options: options)
            _ = try reader.next()
            Issue.record("a bad metadata file was read")
        } catch let error as FreqBenchError {
            #expect(error.file == bad.path, "\(error)")
        }
    }
}
