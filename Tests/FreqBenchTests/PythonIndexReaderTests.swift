import Foundation
import Testing
@testable import FreqBench

/// `python/freqbench_index.py` (NumPy only) reads what FreqBench writes: every term's postings
/// and the `lowercased` counts equal the Swift index's, for format 3 indexes.
@Suite("Python index reader")
struct PythonIndexReaderTests {
    @Test("the Python reader's terms, postings and counts equal the Swift index's")
    func sameAnswers() throws {
        let python = DataPaths.repositoryRoot.appendingPathComponent(".venv-arrow/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("no NumPy Python at \(python.path) (ci/setup-arrow makes it)")
            return
        }
        let directory = try TemporaryDirectory.make()
        let files = try CorpusPlanTests.makeCorpus(in: directory, seed: 11)
        let output = directory.appendingPathComponent("index")
        try TextIndexer.build(corpus: files, options: CorpusOptions(format: .cc3m), annotators: [WordAnnotator()], output: output)
        let index = try TextIndex(directory: output)
        #expect(index.header.version == 3)
        let queries = [["red", "car"], ["dog"], ["a", "the", "photo"], ["absent"], ["absent", "sky"], ["bird", "road", "tree"]]
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from freqbench_index import TextIndex
            index = TextIndex(sys.argv[2])
            index.verify()
            queries = json.loads(sys.argv[3])
            print(json.dumps({"terms": index.terms(),
                              "postings": {t: index.postings(t).tolist() for t in index.terms()},
                              "counts": [index.count(q) for q in queries]}))
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, DataPaths.repositoryRoot.appendingPathComponent("python").path, output.path,
                             JSONWriter().string(.array(queries.map { .array($0.map(JSONValue.string)) }))]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let answer = try JSONParser.parse(data)
        let terms = answer["terms"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(terms.count == index.termCount)
        for position in 0..<index.termCount {
            let entry = try index.entry(at: position)
            #expect(terms[position] == entry.term)
            let ids = answer["postings"]?[entry.term]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(ids == (try entry.postings.decoded()).map(Int.init), "term \(entry.term)")
        }
        let counts = answer["counts"]?.arrayValue?.compactMap(\.intValue) ?? []
        for (query, count) in zip(queries, counts) {
            let lists = try query.compactMap { try index.postings(for: $0)?.decoded() }
            let expected = lists.isEmpty ? 0 : lists.dropFirst().reduce(Set(lists[0])) { $0.intersection($1) }.count
            #expect(count == expected, "\(query)")
        }
    }
}
