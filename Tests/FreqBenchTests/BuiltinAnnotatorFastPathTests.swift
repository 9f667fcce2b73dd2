import Foundation
import Testing
@testable import FreqBench

/// The builtin annotator's fast tagger: it decides most caption tokens, agrees with the
/// exact path on the noun sets, does not depend on how captions are batched, and its
/// weights file is checked before use.
@Suite("Builtin annotator: fast tagger with exact fallback", .serialized)
struct BuiltinAnnotatorFastPathTests {
    private static func captions(_ count: Int) throws -> [String] {
        let url = try SharedData.corpora("cc3m_val.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").prefix(count).map { line in
            String(line[..<(line.firstIndex(of: "\t") ?? line.endIndex)])
        }
    }

    @Test("the fast path decides most tokens and keeps the exact path's noun sets")
    func agreesWithExactPath() throws {
        let captions = try Self.captions(3_000)
        let model = try BuiltinTestModel.model()
        let fast = BuiltinAnnotator(model: model, threads: 2)
        let exact = BuiltinAnnotator(model: model, threads: 2, exact: true)
        let fastTerms = try fast.captionTerms(captions)
        let exactTerms = try exact.captionTerms(captions)
        let identical = zip(fastTerms, exactTerms).filter { $0 == $1 }.count
        #expect(Double(identical) >= 0.999 * Double(captions.count), "\(identical) of \(captions.count) identical")
        #expect(fast.fastDecisionShare > 0.6, "fast share \(fast.fastDecisionShare)")
        #expect(exact.fastDecisionShare == 0)
        #expect(fast.identity.name == "builtin" && exact.identity.name == "builtin-exact")
    }

    @Test("tags do not depend on how captions are grouped into calls")
    func batchCompositionIndependence() throws {
        let captions = try Self.captions(700)
        let annotator = try BuiltinTestModel.annotator(threads: 1)
        let whole = annotator.analyze(captions)
        let split = annotator.analyze(Array(captions[..<123])) + annotator.analyze(Array(captions[123...]))
        #expect(whole.count == captions.count)
        #expect(whole == split)
    }

    @Test("query words take the exact path")
    func queryWordsAreExact() throws {
        let words = ["running", "glasses", "leaves", "was", "better", "mice", "Paris", "t-shirt"]
        let model = try BuiltinTestModel.model()
        let fast = BuiltinAnnotator(model: model, threads: 1)
        let exact = BuiltinAnnotator(model: model, threads: 1, exact: true)
        #expect(try fast.queryTerms(words) == exact.queryTerms(words))
        #expect(fast.fastDecisionShare == 0)
    }

    @Test("a weights file that is not the committed one is refused, naming the file")
    func weightsFileIsChecked() throws {
        let model = try BuiltinTestModel.model()
        let committed = DataPaths.repositoryRoot.appendingPathComponent(FastTagger.relativePath)
        var data = try Data(contentsOf: committed)
        _ = try FastTagger(contentsOf: committed, tags: model.tags, width: model.network.width)
        data[data.count - 1] ^= 0x01
        let directory = try TemporaryDirectory.make()
        let altered = directory.appendingPathComponent("fast-tagger.bin")
        try data.write(to: altered)
        #expect {
            try FastTagger(contentsOf: altered, tags: model.tags, width: model.network.width)
        } throws: { error in
            "\(error)".contains("fast-tagger.bin") && "\(error)".contains("SHA-256")
        }
    }
}
