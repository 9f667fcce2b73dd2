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

    @Test("caption terms are the analysis's noun lemmas, with and without multi-token rules, cached or not")
    func captionTermsMatchAnalysis() throws {
        let extra = ["we are gon na paint the houses", "let's go see the dogs", "y'all love puppies", "Dogs", "Paris",
                     "the man ai n't got no boats", "there is a cat", "Cats", "cats", "a dog and gon na"]
        let captions = try Self.captions(1_500) + extra + extra
        let annotator = try BuiltinTestModel.annotator(threads: 2)
        let expected = annotator.analyze(captions).map { tokens in
            CaptionTerms.sortedSet(tokens.filter(\.isNoun).map { CaptionTerms.normalize($0.lemma) })
        }
        let first = try annotator.captionTerms(captions)
        #expect(first == expected)
        #expect(try annotator.captionTerms(captions) == expected)  // now from the per-token cache
        #expect(first[first.count - extra.count] == ["house"])
        #expect(first[first.count - extra.count + 1] == ["dog"])
    }

    @Test("chunks cover every text once, in order, with small chunks only at the end of a call")
    func chunkRanges() {
        for count in [0, 1, 127, 128, 1_024, 1_025, 1_537, 4_000, 15_833] {
            let ranges = BuiltinAnnotator.chunkRanges(count: count)
            #expect(ranges.flatMap { Array($0) } == Array(0..<count), "count \(count)")
            let sizes = ranges.map(\.count)
            let full = sizes.prefix { $0 == BuiltinAnnotator.chunkSize }.count
            #expect(sizes.dropFirst(full).allSatisfy { $0 <= BuiltinAnnotator.tailChunkSize }, "count \(count): \(sizes)")
            #expect(count - full * BuiltinAnnotator.chunkSize <= 2 * BuiltinAnnotator.chunkSize)
        }
        #expect(BuiltinAnnotator.chunkRanges(count: 4_000).map(\.count) == Array(repeating: 512, count: 6) + Array(repeating: 128, count: 7) + [32])
    }

    @Test("a full per-type cache changes no tag: types that do not fit are computed per call")
    func fullEmbeddingCache() throws {
        let model = try BuiltinTestModel.model()
        let tokenizer = BuiltinTokenizer(rules: model.tokenizerRules)
        let docs = try Self.captions(400).map { tokenizer.tokenize($0) }
        for stages in [model.fastTaggers, []] {
            let roomy = TaggerNetwork(weights: model.network, vocabulary: model.vocabulary, stages: stages)
            let expected = roomy.tagIndexes(docs, fast: !stages.isEmpty)
            // No room at all; room that runs out inside the first call; then a second call on a full cache.
            for limit in [0, 700] {
                let small = TaggerNetwork(weights: model.network, vocabulary: model.vocabulary, stages: stages, cacheLimit: limit)
                #expect(small.tagIndexes(docs, fast: !stages.isEmpty) == expected, "limit \(limit)")
                #expect(small.tagIndexes(Array(docs.reversed()), fast: !stages.isEmpty) == expected.reversed(), "limit \(limit), again")
            }
        }
    }

    @Test("a token without a letter is a noun only where the exact path says so")
    func noLetterNounsAreExact() throws {
        // Product titles whose numbers and dots the fast stages once certified as NNP.
        let titles = ["L'Oréal Paris Revitalift 1.7 fl. oz. Señora bonita con sombrero",
                      "L'Oréal Paris Revitalift 1.7 fl. oz. https://example.com/img/123.jpg",
                      "L'Oréal Paris Revitalift 1.7 fl. oz. Dog's toy ball, 2.5\" diameter, pack of 6",
                      "Café au lait mug 12oz 😀 gift", "naïve art print 8×10 inch", "IKEA KALLAX shelf unit, white, 77x147 cm"]
        let annotator = try BuiltinTestModel.annotator(threads: 1)
        let fast = annotator.analyze(titles)
        let exact = annotator.analyze(titles, exact: true)
        var nouns = 0
        for (fastTokens, exactTokens) in zip(fast, exact) {
            #expect(fastTokens.map(\.text) == exactTokens.map(\.text))
            for (token, reference) in zip(fastTokens, exactTokens)
            where FastTagger.decisionClass(of: token.tag) != FastTagger.noNounClass
                && !token.text.unicodeScalars.contains(where: Vocabulary.isPythonAlpha) {
                #expect(token.tag == reference.tag, "`\(token.text)`: fast \(token.tag), exact \(reference.tag)")
                nouns += 1
            }
        }
        #expect(nouns >= 1, "the emoji is NNP on both paths")
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

    @Test("a stage file that is not the committed one is refused, naming the file")
    func weightsFileIsChecked() throws {
        let model = try BuiltinTestModel.model()
        let directory = try TemporaryDirectory.make()
        for file in FastTagger.stageFiles {
            let committed = DataPaths.repositoryRoot.appendingPathComponent(FastTagger.directory).appendingPathComponent(file.name)
            var data = try Data(contentsOf: committed)
            _ = try FastTagger(contentsOf: committed, expectedSHA256: file.sha256, tags: model.tags, width: model.network.width)
            data[data.count - 1] ^= 0x01
            let altered = directory.appendingPathComponent(file.name)
            try data.write(to: altered)
            #expect {
                try FastTagger(contentsOf: altered, expectedSHA256: file.sha256, tags: model.tags, width: model.network.width)
            } throws: { error in
                "\(error)".contains(file.name) && "\(error)".contains("SHA-256")
            }
        }
    }

    @Test("every committed stage runs, in layer order, each on what the earlier ones left")
    func stagesRun() throws {
        let model = try BuiltinTestModel.model()
        #expect(model.fastTaggers.map(\.layer) == [0, 1, 2])
        let annotator = BuiltinAnnotator(model: model, threads: 2)
        _ = try annotator.captionTerms(try Self.captions(2_000))
        let shares = annotator.fastDecisionShares
        #expect(shares.count == 3)
        #expect(shares.allSatisfy { $0 > 0 }, "per-stage shares \(shares)")
        #expect(abs(shares.reduce(0, +) - annotator.fastDecisionShare) < 1e-12)
    }

    /// A stage file with `hidden` 1 and zero weights, in version 1 (no layer word) or 2.
    private static func stageFile(layer: Int?, radius: Int, tags: Int, width: Int) -> Data {
        var words: [UInt32] = layer.map { [UInt32($0)] } ?? []
        let inputs = (2 * radius + 1) * width
        words += [UInt32(radius), UInt32(inputs), 1, UInt32(tags), Float(2).bitPattern]
        words += Array(repeating: 0, count: inputs + 1 + tags + tags)
        var data = Data((layer == nil ? "FBFAST01" : "FBFAST02").utf8)
        for word in words { withUnsafeBytes(of: word.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    private static func digest(_ data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.hexDigest()
    }

    @Test("a version-1 file is a layer-1 stage; version 2 names its layer, which must lie below the last encoder layer")
    func stageFileVersions() throws {
        let model = try BuiltinTestModel.model()
        let width = model.network.width, tags = model.tags.count
        let directory = try TemporaryDirectory.make()
        for (layer, radius, expected) in [(nil, 2, 1), (0, 2, 0), (2, 1, 2), (3, 0, 3)] as [(Int?, Int, Int)] {
            let data = Self.stageFile(layer: layer, radius: radius, tags: tags, width: width)
            let url = directory.appendingPathComponent("stage-\(expected).bin")
            try data.write(to: url)
            let stage = try FastTagger(contentsOf: url, expectedSHA256: Self.digest(data), tags: model.tags, width: width)
            #expect(stage.layer == expected && stage.radius == radius && stage.inputs == (2 * radius + 1) * width)
            // Only a layer-0 stage keeps W₁ regrouped for per-type products.
            #expect(stage.projectionBlocks.count == (expected == 0 ? (2 * radius + 1) * width : 0))
        }
        let outside = Self.stageFile(layer: 4, radius: 1, tags: tags, width: width)
        let url = directory.appendingPathComponent("outside.bin")
        try outside.write(to: url)
        #expect {
            try FastTagger(contentsOf: url, expectedSHA256: Self.digest(outside), tags: model.tags, width: width)
        } throws: { error in
            "\(error)".contains("outside.bin") && "\(error)".contains("layer 4")
        }
    }
}
