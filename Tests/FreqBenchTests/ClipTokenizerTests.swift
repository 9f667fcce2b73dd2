import Foundation
import Testing
@testable import FreqBench

/// The Swift CLIP tokenizer against token ids from open_clip's own SimpleTokenizer on 10,500
/// varied strings (Golden/eval/clip_tokenizer_golden.jsonl.gz, Fixtures/eval/make_tokenizer_golden.py).
@Suite("CLIP tokenizer")
struct ClipTokenizerTests {
    static func tokenizer() throws -> ClipTokenizer {
        let url = ClipTokenizer.defaultVocabulary
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("CLIP vocabulary missing at \(url.path): run ci/setup-clip-vocab")
            throw FreqBenchError("CLIP vocabulary missing (run ci/setup-clip-vocab)", file: url.path)
        }
        return try ClipTokenizer(vocabulary: url)
    }

    @Test("equals open_clip's tokenizer on every golden string (context 77, SOT/EOT, cleaning, truncation)")
    func golden() throws {
        let tokenizer = try Self.tokenizer()
        let data = try GzipFile.read(EvalFixtures.root.appendingPathComponent("Golden/eval/clip_tokenizer_golden.jsonl.gz"))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count >= 10_000)
        var mismatches = [String]()
        for line in lines {
            let record = try JSONParser.parse(String(line))
            let text = try #require(record["text"]?.stringValue)
            let expected = try #require(record["ids"]?.arrayValue).compactMap { $0.intValue.map(Int32.init) }
            let got = tokenizer.tokenize(text)
            let padded = expected + [Int32](repeating: 0, count: max(0, 77 - expected.count))
            if got != padded {
                mismatches.append("\(String(reflecting: text)): expected \(expected), got \(Array(got.prefix { $0 != 0 }))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(lines.count) differ; first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test("special tokens, truncation to 77 with the end token last, padding")
    func structure() throws {
        let tokenizer = try Self.tokenizer()
        let short = tokenizer.tokenize("a photo of a dog.")
        #expect(short.count == 77)
        #expect(short.first == 49406)
        let end = try #require(short.firstIndex(of: 49407))
        #expect(short[(end + 1)...].allSatisfy { $0 == 0 })
        let long = tokenizer.tokenize(String(repeating: "dog ", count: 200))
        #expect(long.count == 77 && long[76] == 49407 && !long.contains(0))
        #expect(tokenizer.encode("Hello   World") == tokenizer.encode("hello world"))
        #expect(tokenizer.encode("&amp;") == tokenizer.encode("&"))
    }

    @Test("a missing or corrupt vocabulary names the file")
    func badVocabulary() throws {
        let directory = try TemporaryDirectory.make()
        let missing = directory.appendingPathComponent("none.txt.gz")
        #expect(throws: FreqBenchError.self) { try ClipTokenizer(vocabulary: missing) }
        let corrupt = directory.appendingPathComponent("bad.txt.gz")
        try Data("not gzip".utf8).write(to: corrupt)
        do {
            _ = try ClipTokenizer(vocabulary: corrupt)
            Issue.record("a corrupt vocabulary was accepted")
        } catch {
            #expect("\(error)".contains("bad.txt.gz"))
        }
    }
}
