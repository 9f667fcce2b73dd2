import Foundation
import Testing
@testable import FreqBench

@Suite("Misalignment")
struct MisalignmentTests {
    @Test("misalignment JSON equals the reference at every threshold, both precisions",
          arguments: [TagPrecision.float16, .float32])
    func matchesGoldens(precision: TagPrecision) throws {
        let temporary = try TemporaryDirectory.make()
        let image = try ImageFixture.imageIndex(precision, in: temporary)
        let text = try ImageFixture.textIndex(in: temporary)
        let concepts = try ImageFixture.concepts()
        for label in ImageFixture.thresholds {
            let result = try Misalignment.compute(text: text, image: image, threshold: try TagThreshold(parsing: label),
                                                  concepts: concepts, datasetSize: 100)
            let out = temporary.appendingPathComponent("m.json")
            try result.write(to: out)
            let name = "fixture_\(precision.rawValue)_i\(label)_misalignment_degree.json"
            let got = try String(contentsOf: out, encoding: .utf8)
            #expect(got == (try ImageFixture.golden(name)), "\(name): \(got)")
        }
    }

    @Test("hand-checked: text and image concepts, disjoint sets, both denominators")
    func handChecked() throws {
        let directory = try TemporaryDirectory.make()
        // Sample: caption terms | tags > 0.5
        // 0: dog         | dog        -> aligned
        // 1: dog         | cat        -> misaligned
        // 2: cat, dog    | cat        -> aligned
        // 3: tree        | dog        -> misaligned
        // 4: (none)      | dog        -> image only
        // 5: dog         | (none)     -> text only
        // 6: dog, hot    | hot dog    -> misaligned: "hot dog" is never a caption term, so the
        //                                text concept is dog and the image concept hot dog
        let corpus = directory.appendingPathComponent("c.tsv")
        try (0..<7).map { "caption \($0)\thttp://x/\($0)\n" }.joined().write(to: corpus, atomically: false, encoding: .utf8)
        let terms = [["dog"], ["dog"], ["cat", "dog"], ["tree"], [], ["dog"], ["dog", "hot"]]
        let nouns = directory.appendingPathComponent("n.jsonl")
        try terms.enumerated().map { "{\"id\": \($0.offset), \"nouns\": [\($0.element.map { "\"\($0)\"" }.joined(separator: ", "))]}\n" }
            .joined().write(to: nouns, atomically: false, encoding: .utf8)
        let textOut = directory.appendingPathComponent("text")
        try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotations: nouns,
                              annotator: AnnotatorIdentity(name: "test", version: "1"), output: textOut)
        let probs = directory.appendingPathComponent("p.h5")
        let rows: [[Float16]] = [[0.9, 0, 0], [0, 0.9, 0], [0, 0.9, 0], [0.9, 0, 0], [0.9, 0, 0], [0, 0, 0], [0, 0, 0.9]]
        try TagProbabilityFile.write(probs, float16: rows, ids: Array(0...6), tags: ["dog", "cat", "hot dog"])
        let imageOut = directory.appendingPathComponent("image")
        try ImageIndexWriter.write(try ImageIndexBuilder(thresholds: [try TagThreshold(0.5)]).build([probs]), to: imageOut)
        let result = try Misalignment.compute(text: try TextIndex(directory: textOut), image: try ImageIndex.open(imageOut),
                                              threshold: try TagThreshold(0.5), concepts: ["dog", "cat", "tree", "hot dog", "dog"],
                                              datasetSize: 10)
        // text samples {0,1,2,3,5,6}: 6; image samples {0,1,2,3,4,6}: 6; misaligned {1, 3, 6}.
        #expect(result == Misalignment(count: 3, textSamples: 6, imageSamples: 6, datasetSize: 10))
        #expect(JSONWriter(indent: 4).string(result.json) == """
            {
                "misalignment_counts": 3,
                "misalignment_degree (percent); extracted dataset size": 0.5,
                "misalignment_degree (percent); fixed conservative dataset size": 0.3
            }
            """)
        #expect(throws: FreqBenchError.self) {
            try Misalignment.compute(text: try TextIndex(directory: textOut), image: try ImageIndex.open(imageOut),
                                     threshold: try TagThreshold(0.5), concepts: ["unicorn"], datasetSize: 10)
        }
    }

    @Test("the default concept list is the 3,811 distinct names of the 21 datasets' rampp0.7 key sets")
    func defaultConceptList() throws {
        let names = try DefaultConceptList.names()
        #expect(names.count == 3811 && Set(names).count == 3811)
        #expect(names.first == "Apply_Eye_Makeup" && names.contains("") && names.contains("airplane"))
        // Derived again from the released files it was generated from.
        var expected: [String] = []
        var seen = Set<String>()
        for dataset in ["ucf101", "cifar10", "cifar100", "caltech101", "caltech256", "imagenet", "sun397", "fgvcaircraft",
                        "birdsnap", "stanfordcars", "cub", "flowers102", "food101", "oxfordpets", "dtd", "eurosat",
                        "imagenet-sketch", "imagenet-r", "country211", "coco", "flickr"] {
            let url = try SharedData.upstream("search_counts/\(dataset)_cc12m_rampp0.7_search_counts.json")
            for key in try ConceptList.read(url) where seen.insert(key).inserted { expected.append(key) }
        }
        #expect(names == expected)
        #expect(Misalignment.datasetSizes["cc3m"] == 3_318_333 && Misalignment.datasetSizes["laion400m"] == 414_080_000)
    }

    @Test("upstream's released misalignment files have exactly the keys written")
    func upstreamKeys() throws {
        let url = try SharedData.upstream("misalignment_metrics/cc3m_misalignment_degree.json")
        let upstream = try #require(try JSONParser.parse(contentsOf: url).objectValue)
        let ours = try #require(Misalignment(count: 1, textSamples: 2, imageSamples: 1, datasetSize: 4).json.objectValue)
        #expect(Array(upstream.keys) == Array(ours.keys))
        // And the same arithmetic reproduces the released fixed-size degree from the count.
        let count = try #require(upstream["misalignment_counts"]?.intValue)
        let fixed = Misalignment(count: count, textSamples: count, imageSamples: count, datasetSize: 3_318_333)
        #expect(fixed.degreeOverDatasetSize == upstream["misalignment_degree (percent); fixed conservative dataset size"]?.doubleValue)
    }
}
