import Foundation

extension FixtureStage {
    /// Image, integrated and misalignment counts over `Fixtures/image` (tag probabilities in
    /// float16 — two shards — and float32, captions with committed spaCy term sets, concepts,
    /// query lemmas): the image counts (`rampp<t>`, exact and laion_aesthetics tag matching)
    /// and integrated counts (`integrated_tlemmatized_i<t>`) at t = 0.5 … 0.7 for both
    /// precisions, the text side's lemmatized counts, and the misalignment degree (dataset
    /// size 100). Compare-only: the goldens are `Golden/image/*.json`, written by the NumPy
    /// reference `Fixtures/image/reference.py`, and compared exactly.
    public static let image = FixtureStage(
        name: "image",
        summary: "image, integrated and misalignment counts over Fixtures/image against Golden/image (NumPy reference, compare-only)",
        compareOnlyGoldens: DataPaths.repositoryRoot.appendingPathComponent("Golden/image", isDirectory: true),
        run: { context in
            try ImageFixture(directory: context.fixtures.appendingPathComponent("image", isDirectory: true)).outputs(scratch: context.scratch)
        })
}

/// The computation behind `FixtureStage.image`: the same index builders and searches that
/// `freqbench index` / `freqbench search` use, over the committed fixture.
struct ImageFixture {
    static let thresholds = ["0.5", "0.55", "0.6", "0.65", "0.7"]
    /// Output-name prefix per tag matching, as `Fixtures/image/reference.py` names its files.
    static let matchings: [(TagMatching, String)] = [(.exact, "fixture"), (.laionAesthetics, "fixturelaion")]

    var directory: URL

    func probabilityFiles(_ precision: TagPrecision) -> [URL] {
        switch precision {
        case .float16: return ["probs_float16_a.h5", "probs_float16_b.h5"].map(directory.appendingPathComponent)
        case .float32: return [directory.appendingPathComponent("probs_float32.h5")]
        }
    }

    /// `concepts.txt`: one concept per line; a line starting with `"` is a JSON string literal.
    func concepts() throws -> [String] {
        let url = directory.appendingPathComponent("concepts.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            guard line.hasPrefix("\"") else { return String(line) }
            guard let concept = try JSONParser.parse(String(line)).stringValue else {
                throw FreqBenchError("expected a JSON string literal", file: url.path, location: "line \(number + 1)")
            }
            return concept
        }
    }

    func outputs(scratch: URL) throws -> [FixtureStage.Output] {
        let textOut = scratch.appendingPathComponent("text", isDirectory: true)
        try TextIndexer.build(corpus: [directory.appendingPathComponent("captions.tsv")], options: CorpusOptions(format: .cc3m),
                              annotations: directory.appendingPathComponent("nouns.jsonl"),
                              annotator: AnnotatorIdentity(name: "spacy", version: "fixture"), output: textOut)
        let textIndex = try TextIndex(directory: textOut)
        let text = TextSearch(index: textIndex)
        let concepts = try concepts()
        let lemmas = try QueryLemmaTable(contentsOf: directory.appendingPathComponent("query_lemmas.json"))
        let terms = try TextSearch.queryTerms(for: concepts, method: .lemmatized, annotator: lemmas)
        let thresholds = try ImageFixture.thresholds.map { ($0, try TagThreshold(parsing: $0)) }
        var outputs: [FixtureStage.Output] = []
        func add(_ name: String, _ value: JSONValue) {
            outputs.append(FixtureStage.Output(name: name, value: value, tolerance: .exact))
        }
        for precision in [TagPrecision.float16, .float32] {
            let imageOut = scratch.appendingPathComponent("image-\(precision.rawValue)", isDirectory: true)
            let builder = ImageIndexBuilder(thresholds: thresholds.map(\.1))
            try ImageIndexWriter.write(try builder.build(probabilityFiles(precision)), to: imageOut)
            let index = try ImageIndex.open(imageOut)
            for (label, threshold) in thresholds {
                for (matching, dataset) in ImageFixture.matchings {
                    let image = try ImageSearch(index: index, threshold: threshold, matching: matching)
                    add("\(dataset)_\(precision.rawValue)_rampp\(label)_search_counts",
                        try JSONParser.parse(TextSearchOutput.string(image.counts(concepts: concepts))))
                    let integrated = IntegratedSearch(text: text, image: image)
                    add("\(dataset)_\(precision.rawValue)_integrated_tlemmatized_i\(label)_search_counts",
                        try JSONParser.parse(TextSearchOutput.string(try integrated.counts(concepts: concepts, queryTerms: terms))))
                }
                let misalignment = try Misalignment.compute(text: textIndex, image: index, threshold: threshold,
                                                            concepts: concepts, datasetSize: 100)
                add("fixture_\(precision.rawValue)_i\(label)_misalignment_degree", misalignment.json)
            }
        }
        add("fixture_lemmatized_search_counts", try JSONParser.parse(TextSearchOutput.string(try text.counts(concepts: concepts, queryTerms: terms))))
        return outputs
    }
}
