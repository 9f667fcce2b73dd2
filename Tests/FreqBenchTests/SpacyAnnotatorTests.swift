import Foundation
import Testing
@testable import FreqBench

/// The `spacy` annotator against the reference outputs of the upstream pipeline, and its
/// failure modes. Needs `.venv-spacy` (ci/setup-spacy) or `FREQBENCH_SPACY_PYTHON`.
@Suite("SpacyAnnotator")
struct SpacyAnnotatorTests {
    @Test("annotate cc3m_val.tsv reproduces the reference nouns.jsonl byte for byte (2 workers)")
    func referenceNouns() throws {
        let corpus = try SharedData.corpora("cc3m_val.tsv")
        let reference = try SharedData.reference("cc3m_val/nouns.jsonl")
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let annotator = try SpacyAnnotator(workers: 2)
        defer { annotator.shutdown() }
        #expect(annotator.identity == AnnotatorIdentity(name: "spacy", version: "spacy 3.8.18/en_core_web_sm 3.8.0"))
        let reader = try CorpusReader(paths: [corpus], options: CorpusOptions(format: .cc3m))
        let output = directory.appendingPathComponent("nouns.jsonl")
        let summary = try NounsFile.write(reader, annotator: annotator, batchSize: 8000, to: output)
        #expect(summary.records == 15_833)
        let written = try Data(contentsOf: output)
        let expected = try Data(contentsOf: reference)
        #expect(written.count == expected.count)
        #expect(written == expected)
        if written != expected {
            let got = String(decoding: written, as: UTF8.self).split(separator: "\n")
            let want = String(decoding: expected, as: UTF8.self).split(separator: "\n")
            let firstDifference = zip(got, want).first { $0 != $1 }
            Issue.record("first differing line: got \(firstDifference.map { String($0.0) } ?? "-"), expected \(firstDifference.map { String($0.1) } ?? "-")")
        }
    }

    @Test("query terms equal query_lemmas.json for all 3,470 query words")
    func referenceQueryLemmas() throws {
        let url = try SharedData.reference("cc3m_val/query_lemmas.json")
        guard let lemmas = try JSONParser.parse(contentsOf: url).objectValue else {
            Issue.record("query_lemmas.json is not an object")
            return
        }
        #expect(lemmas.count == 3_470)
        let annotator = try SpacyAnnotator(workers: 1)
        defer { annotator.shutdown() }
        let words = Array(lemmas.keys)
        let got = try annotator.queryTerms(words)
        let expected = lemmas.values.map { $0.stringValue ?? "(not a string)" }
        #expect(got == expected)
        let mismatches = zip(words, zip(got, expected)).filter { $1.0 != $1.1 }.prefix(5)
        for (word, (lemma, want)) in mismatches { Issue.record("\(word): got \(lemma), expected \(want)") }
    }

    @Test("a bridge that cannot start, or that dies mid-way, gives a clear error")
    func bridgeFailures() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("no-python")
        #expect(throws: FreqBenchError("no executable Python for the spaCy bridge: run ci/setup-spacy (or set FREQBENCH_SPACY_PYTHON)", file: missing.path)) {
            try SpacyAnnotator(python: missing, script: missing, workers: 1, batchSize: 10, excluding: [])
        }
        // A bridge that answers "ready" and then crashes on its first request.
        let script = directory.appendingPathComponent("crash.py")
        try """
        import sys
        print('{"ready": {"spacy": "0", "model": "m", "model_version": "1"}}', flush=True)
        sys.stdin.readline()
        sys.stderr.write("boom: simulated crash\\n")
        sys.exit(3)
        """.write(to: script, atomically: false, encoding: .utf8)
        let annotator = try SpacyAnnotator(python: URL(fileURLWithPath: "/usr/bin/python3"), script: script, workers: 1, batchSize: 10, excluding: [])
        #expect(annotator.identity.version == "spacy 0/m 1")
        #expect(throws: FreqBenchError("the spaCy bridge stopped (exit status 3); is .venv-spacy complete? (run ci/setup-spacy)\nboom: simulated crash")) {
            try annotator.captionTerms(["a dog"])
        }
        #expect(throws: FreqBenchError("the spaCy annotator is shut down")) {
            annotator.shutdown()
            return try annotator.queryTerms(["dog"])
        }
    }

    @Test("the registry makes annotators by name and lists them")
    func registry() throws {
        #expect(AnnotatorRegistry.names.contains("spacy"))
        #expect(AnnotatorRegistry.names.contains(AnnotatorRegistry.defaultName))
        #expect(throws: FreqBenchError("unknown annotator \"nope\" (expected one of: \(AnnotatorRegistry.names.joined(separator: ", ")))")) {
            try AnnotatorRegistry.make("nope")
        }
    }

    @Test("nouns.jsonl lines are json.dumps with default separators")
    func nounsLine() {
        #expect(NounsFile.line(id: 7, terms: ["", "Honda", "caf\u{e9}"]) == "{\"id\": 7, \"nouns\": [\"\", \"Honda\", \"caf\\u00e9\"]}")
        #expect(NounsFile.line(id: 0, terms: []) == "{\"id\": 0, \"nouns\": []}")
    }
}
