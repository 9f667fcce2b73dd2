import Foundation
import Testing
@testable import FreqBench

/// The image-stage fixture (Fixtures/image/) and its goldens (Golden/image/, made by
/// Fixtures/image/reference.py, an independent NumPy port of upstream's scripts).
enum ImageFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("Fixtures/image")
    static let golden = root.appendingPathComponent("Golden/image")
    static let thresholds = ["0.5", "0.55", "0.6", "0.65", "0.7"]

    static func probabilityFiles(_ precision: TagPrecision) -> [URL] {
        switch precision {
        case .float16: return ["probs_float16_a.h5", "probs_float16_b.h5"].map(directory.appendingPathComponent)
        case .float32: return [directory.appendingPathComponent("probs_float32.h5")]
        }
    }

    /// Builds the fixture's image index at all five thresholds.
    static func imageIndex(_ precision: TagPrecision, in temporary: URL) throws -> ImageIndex {
        let out = temporary.appendingPathComponent("image-\(precision.rawValue)")
        let builder = ImageIndexBuilder(thresholds: try TagThreshold.list(parsing: thresholds.joined(separator: ",")))
        try ImageIndexWriter.write(try builder.build(probabilityFiles(precision)), to: out)
        return try ImageIndex.open(out)
    }

    /// concepts.txt: one concept per line; a line starting with `"` is a JSON string literal.
    static func concepts() throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent("concepts.txt"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard line.hasPrefix("\"") else { return String(line) }
            return try #require(try JSONParser.parse(String(line)).stringValue)
        }
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(name), encoding: .utf8)
    }
}

@Suite("Image search")
struct ImageSearchTests {
    @Test("image counts equal the reference at every threshold, both precisions, both tag matchings",
          arguments: [TagPrecision.float16, .float32])
    func imageCountsMatchGoldens(precision: TagPrecision) throws {
        let index = try ImageFixture.imageIndex(precision, in: try TemporaryDirectory.make())
        let concepts = try ImageFixture.concepts()
        for label in ImageFixture.thresholds {
            for (matching, dataset) in [(TagMatching.exact, "fixture"), (.laionAesthetics, "fixturelaion")] {
                let search = try ImageSearch(index: index, threshold: try TagThreshold(parsing: label), matching: matching)
                #expect(search.countType == "rampp\(label)")
                let out = try TemporaryDirectory.make().appendingPathComponent("counts.json")
                try TextSearchOutput.write(search.counts(concepts: concepts), to: out)
                let name = "\(dataset)_\(precision.rawValue)_rampp\(label)_search_counts.json"
                let got = try String(contentsOf: out, encoding: .utf8)
                #expect(got == (try ImageFixture.golden(name)), "\(name): \(got)")
            }
        }
    }

    @Test("concepts absent from the tag list are skipped, not counted as 0")
    func absentConceptsAreSkipped() throws {
        let index = try ImageFixture.imageIndex(.float16, in: try TemporaryDirectory.make())
        let search = try ImageSearch(index: index, threshold: try TagThreshold(0.7))
        let counts = search.counts(concepts: ["unicorn", "dog", "sky", ""])
        #expect(Array(counts.keys) == ["dog", ""])
        #expect(try search.explain("unicorn").contains("not in the tag list"))
        #expect(try search.explain("dog").contains("Float16(0.7) = 0.7001953125"))
        #expect(throws: FreqBenchError.self) { try ImageSearch(index: index, threshold: try TagThreshold(0.8)) }
    }

    @Test("laion_aesthetics matching tries lower/Capitalized word combinations in product order")
    func capitalizationVariants() {
        #expect(TagMatching.capitalizationVariants("bank swallow") == ["bank_swallow", "bank_Swallow", "Bank_swallow", "Bank_Swallow"])
        #expect(TagMatching.capitalizationVariants("  aMERICAN  crow ") == ["american_crow", "american_Crow", "American_crow", "American_Crow"])
        #expect(TagMatching.capitalizationVariants("") == [""])
        let tags: Set = ["Bank_swallow", "Bank_Swallow"]
        #expect(TagMatching.laionAesthetics.resolve("bank swallow", isTag: tags.contains) == "Bank_swallow")
        #expect(TagMatching.exact.resolve("bank swallow", isTag: tags.contains) == nil)
    }

    @Test("a duplicate sample id counts twice in image counts when allowed")
    func duplicateIDsCountTwice() throws {
        let directory = try TemporaryDirectory.make()
        let a = directory.appendingPathComponent("a.h5"), b = directory.appendingPathComponent("b.h5")
        try TagProbabilityFile.write(a, float16: [[0.9], [0.9]], ids: [1, 2], tags: ["dog"])
        try TagProbabilityFile.write(b, float16: [[0.9], [0.1]], ids: [2, 3], tags: ["dog"])
        var builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.7)])
        builder.allowDuplicateIDs = true
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try builder.build([a, b]), to: out)
        let search = try ImageSearch(index: try ImageIndex.open(out), threshold: try TagThreshold(0.7))
        #expect(search.counts(concepts: ["dog"])["dog"] == 3)
    }
}

extension ImageFixture {
    /// The fixture's text index, built from the committed spaCy term sets (nouns.jsonl).
    static func textIndex(in temporary: URL) throws -> TextIndex {
        let out = temporary.appendingPathComponent("text")
        try TextIndexer.build(corpus: [directory.appendingPathComponent("captions.tsv")], options: CorpusOptions(format: .cc3m),
                              annotations: directory.appendingPathComponent("nouns.jsonl"),
                              annotator: AnnotatorIdentity(name: "spacy", version: "fixture"), output: out)
        return try TextIndex(directory: out)
    }

    static func queryLemmas() throws -> QueryLemmaTable {
        try QueryLemmaTable(contentsOf: directory.appendingPathComponent("query_lemmas.json"))
    }
}

@Suite("Integrated search")
struct IntegratedSearchTests {
    @Test("integrated counts equal the reference at every threshold, both precisions, both tag matchings",
          arguments: [TagPrecision.float16, .float32])
    func integratedCountsMatchGoldens(precision: TagPrecision) throws {
        let temporary = try TemporaryDirectory.make()
        let index = try ImageFixture.imageIndex(precision, in: temporary)
        let text = TextSearch(index: try ImageFixture.textIndex(in: temporary))
        let concepts = try ImageFixture.concepts()
        let terms = try TextSearch.queryTerms(for: concepts, method: .lemmatized, annotator: try ImageFixture.queryLemmas())
        for label in ImageFixture.thresholds {
            for (matching, dataset) in [(TagMatching.exact, "fixture"), (.laionAesthetics, "fixturelaion")] {
                let image = try ImageSearch(index: index, threshold: try TagThreshold(parsing: label), matching: matching)
                let search = IntegratedSearch(text: text, image: image)
                #expect(search.countType == "integrated_tlemmatized_i\(label)")
                let name = "\(dataset)_\(precision.rawValue)_integrated_tlemmatized_i\(label)_search_counts.json"
                let got = TextSearchOutput.string(try search.counts(concepts: concepts, queryTerms: terms))
                #expect(got == (try ImageFixture.golden(name)), "\(name): \(got)")
            }
        }
        // The text side alone agrees with the reference's lemmatized counts.
        let textCounts = TextSearchOutput.string(try text.counts(concepts: concepts, queryTerms: terms))
        #expect(textCounts == (try ImageFixture.golden("fixture_lemmatized_search_counts.json")))
    }

    @Test("a sample id repeated across image shards counts once in integrated counts")
    func duplicateIDsCountOnce() throws {
        #expect(IntegratedSearch.intersectionCount([1, 2, 3, 7], [2, 2, 3, 3, 5]) == 2)
        #expect(IntegratedSearch.intersectionCount([], [1]) == 0)
        let directory = try TemporaryDirectory.make()
        // Captions 0-3; "dog" in captions 1, 2, 3.
        let corpus = directory.appendingPathComponent("captions.tsv")
        try "a cat\thttp://x/0\na dog\thttp://x/1\na dog\thttp://x/2\na dog\thttp://x/3\n".write(to: corpus, atomically: false, encoding: .utf8)
        let nouns = directory.appendingPathComponent("nouns.jsonl")
        try "{\"id\": 0, \"nouns\": [\"cat\"]}\n{\"id\": 1, \"nouns\": [\"dog\"]}\n{\"id\": 2, \"nouns\": [\"dog\"]}\n{\"id\": 3, \"nouns\": [\"dog\"]}\n"
            .write(to: nouns, atomically: false, encoding: .utf8)
        let textOut = directory.appendingPathComponent("text")
        try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotations: nouns,
                              annotator: AnnotatorIdentity(name: "test", version: "1"), output: textOut)
        let a = directory.appendingPathComponent("a.h5"), b = directory.appendingPathComponent("b.h5")
        try TagProbabilityFile.write(a, float16: [[0.9], [0.9]], ids: [1, 2], tags: ["dog"])
        try TagProbabilityFile.write(b, float16: [[0.9], [0.1]], ids: [2, 0], tags: ["dog"])
        var builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.7)])
        builder.allowDuplicateIDs = true
        let imageOut = directory.appendingPathComponent("image")
        try ImageIndexWriter.write(try builder.build([a, b]), to: imageOut)
        let image = try ImageSearch(index: try ImageIndex.open(imageOut), threshold: try TagThreshold(0.7))
        let search = IntegratedSearch(text: TextSearch(index: try TextIndex(directory: textOut)), image: image)
        #expect(image.counts(concepts: ["dog"])["dog"] == 3)       // sample 2 twice
        #expect(try search.counts(concepts: ["dog", "cat"], queryTerms: [["dog"], ["cat"]]) == ["dog": 2])
        let explanation = try search.explain("dog", queryTerms: ["dog"])
        #expect(explanation.contains("integrated count: 2") && explanation.contains("text hits: 3"))
    }
}
