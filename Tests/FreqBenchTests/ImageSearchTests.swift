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
                try CountsFile.write(search.counts(concepts: concepts), to: out)
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
        #expect(search.explain("unicorn").contains("not in the tag list"))
        #expect(search.explain("dog").contains("Float16(0.7) = 0.7001953125"))
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
