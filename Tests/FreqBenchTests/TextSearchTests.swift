import Collections
import Foundation
import Testing
@testable import FreqBench

@Suite("TextSearch")
struct TextSearchTests {
    static let datasets = ["birdsnap", "caltech101", "caltech256", "cifar10", "cifar100", "coco", "country211", "cub", "dtd",
                           "eurosat", "fgvcaircraft", "flickr", "flowers102", "food101", "imagenet", "let_it_wag",
                           "oxfordpets", "stanfordcars", "sun397", "ucf101"]

    @Test(arguments: TextSearchMethod.allCases)
    func reproducesAllReferenceCounts(method: TextSearchMethod) throws {
        let fixture = try ReferenceTextFixture.shared()
        let search = TextSearch(index: try TextIndex(directory: fixture.indexDirectory))
        let annotator = ReferenceAnnotator(fixture: fixture, captions: [])
        var concepts = 0
        for dataset in Self.datasets {
            let url = try SharedData.reference("cc3m_val/counts_\(dataset)_\(method.rawValue).json")
            let expected = try JSONParser.parse(contentsOf: url)
            let list = try ConceptList.read(url)
            let terms = try TextSearch.queryTerms(for: list, method: method, annotator: annotator)
            let counts = try search.counts(concepts: list, queryTerms: terms)
            #expect(TextSearchOutput.json(counts) == expected, "\(url.path)")
            concepts += list.count
        }
        #expect(concepts == 4_704)
    }

    /// The acceptance test: query terms from the real spaCy annotator (3,470 words,
    /// one batch) equal query_lemmas.json, and with them the index of the spaCy caption term
    /// sets (nouns.jsonl, which `annotate --annotator spacy` reproduces byte for byte, see
    /// SpacyAnnotatorTests) reproduces all 40 reference count files.
    @Test func reproducesAllReferenceCountsWithTheSpacyAnnotator() throws {
        let fixture = try ReferenceTextFixture.shared()
        let search = TextSearch(index: try TextIndex(directory: fixture.indexDirectory))
        let spacy = try AnnotatorRegistry.make("spacy")
        var words = Set<String>()
        var lists: [(URL, [String])] = []
        for method in TextSearchMethod.allCases {
            for dataset in Self.datasets {
                let url = try SharedData.reference("cc3m_val/counts_\(dataset)_\(method.rawValue).json")
                let list = try ConceptList.read(url)
                lists.append((url, list))
                for concept in list { words.formUnion(ConceptQuery.words(concept)) }
            }
        }
        let sortedWords = words.sorted()
        let lemmas = try spacy.queryTerms(sortedWords)
        #expect(Dictionary(uniqueKeysWithValues: zip(sortedWords, lemmas)) == fixture.queryLemmas)
        let table = ReferenceLemmaTable(Dictionary(uniqueKeysWithValues: zip(sortedWords, lemmas)), identity: spacy.identity)
        for (url, list) in lists {
            let method: TextSearchMethod = url.lastPathComponent.hasSuffix("_lemmatized.json") ? .lemmatized : .lowercased
            let terms = try TextSearch.queryTerms(for: list, method: method, annotator: table)
            let counts = try search.counts(concepts: list, queryTerms: terms)
            #expect(TextSearchOutput.json(counts) == (try JSONParser.parse(contentsOf: url)), "\(url.path)")
        }
    }

    @Test func queryWordsFollowPythonSplit() {
        #expect(ConceptQuery.words("Red_Fox") == ["red", "fox"])
        #expect(ConceptQuery.words("a__b  c") == ["a", "b", "c"])
        #expect(ConceptQuery.words("a _\t_b") == ["a", "b"])
        #expect(ConceptQuery.words("_x_") == ["", "x", ""])
        #expect(ConceptQuery.words("") == [""])
        #expect(ConceptQuery.words("x\u{1C}y\u{A0}z\u{3000}w") == ["x", "y", "z", "w"])   // Python \s, not only White_Space
        #expect(ConceptQuery.words("x\u{200B}y") == ["x\u{200B}y"])                        // zero-width space is not \s
        #expect(ConceptQuery.words("ÉCOLE") == ["école"])
        #expect(ConceptQuery.words("t-shirt") == ["t-shirt"])
    }

    @Test func countsSkipAbsentWordsAndUseTheEmptyTerm() throws {
        let directory = try TemporaryDirectory.make().appendingPathComponent("index")
        let builder = TextIndexBuilder()
        let captions: [[String]] = [["", "dog"], ["cat", "dog"], ["", "cat", "dog"], ["bird"]]
        for (id, terms) in captions.enumerated() { try builder.add(id: id, terms: terms) }
        try builder.write(to: directory, recordCount: 4, shard: .whole, corpusDigest: [UInt8](repeating: 0, count: 32),
                          annotator: AnnotatorIdentity(name: "words", version: "test"))
        let search = TextSearch(index: try TextIndex(directory: directory))
        let concepts = ["dog", "cat_dog", "unicorn dog", "unicorn", "_dog", "hot dog", "Dog", "dog_", "cat cat", "cat_dog"]
        let terms = try TextSearch.queryTerms(for: concepts, method: .lowercased, annotator: nil)
        let counts = try search.counts(concepts: concepts, queryTerms: terms)
        let expected: OrderedDictionary<String, Int> = [
            "dog": 3, "cat_dog": 2, "unicorn dog": 3, "unicorn": 0, "_dog": 2, "hot dog": 3, "Dog": 3, "dog_": 2, "cat cat": 2,
        ]
        #expect(counts == expected)
        #expect(try search.matchingIds(terms: ["", "dog"], limit: 10) == [0, 2])
    }

    @Test func lemmatizedUsesTheAnnotatorsQueryTermsOncePerWord() throws {
        final class CountingAnnotator: Annotator {
            let identity = AnnotatorIdentity(name: "count", version: "1")
            var calls: [[String]] = []
            func captionTerms(_ captions: [String]) throws -> [[String]] { [] }
            func queryTerms(_ words: [String]) throws -> [String] {
                calls.append(words)
                return words.map { $0 == "t-shirt" ? "shirt" : $0 + "!" }
            }
        }
        let annotator = CountingAnnotator()
        let terms = try TextSearch.queryTerms(for: ["red t-shirt", "t-shirt", "red_fox"], method: .lemmatized, annotator: annotator)
        #expect(terms == [["red!", "shirt"], ["shirt"], ["red!", "fox!"]])
        #expect(annotator.calls == [["red", "t-shirt", "fox"]])
    }

    @Test func conceptListsReadJSONObjectsTextAndJSONLiterals() throws {
        let directory = try TemporaryDirectory.make()
        let json = directory.appendingPathComponent("counts.json")
        try "  {\"zebra\": 1, \"ant\": 2, \"\": 0}".write(to: json, atomically: false, encoding: .utf8)
        #expect(try ConceptList.read(json) == ["zebra", "ant", ""])
        let text = directory.appendingPathComponent("classes.txt")
        try "\"A300B4\"\r\nAcadian_Flycatcher\n\n  \n\"\"\nsea lion \n\"Caf\\u00e9\"".write(to: text, atomically: false, encoding: .utf8)
        #expect(try ConceptList.read(text) == ["A300B4", "Acadian_Flycatcher", "", "sea lion ", "Café"])
        let bad = directory.appendingPathComponent("bad.txt")
        try "ok\n\"unterminated\n".write(to: bad, atomically: false, encoding: .utf8)
        #expect {
            try ConceptList.read(bad)
        } throws: { error in
            "\(error)".contains(bad.path) && "\(error)".contains("line 2") && "\(error)".contains("JSON string literal")
        }
        // A JSON array of strings is the list, in order (not one text line).
        let array = directory.appendingPathComponent("array.json")
        try " [\"dog\", \"cat\", \"sea lion\", \"\", \"dog\"]\n".write(to: array, atomically: false, encoding: .utf8)
        #expect(try ConceptList.read(array) == ["dog", "cat", "sea lion", "", "dog"])
        let mixed = directory.appendingPathComponent("mixed.json")
        try "[\"dog\", 3, \"cat\"]".write(to: mixed, atomically: false, encoding: .utf8)
        #expect { try ConceptList.read(mixed) } throws: { "\($0)".contains(mixed.path) && "\($0)".contains("element 1 ") && "\($0)".contains("3") }
        // No concepts at all: an error naming the file, in every form.
        for (name, content) in [("empty-object.json", "{}"), ("empty-array.json", " [ ]"), ("blank.txt", "\n  \n")] {
            let url = directory.appendingPathComponent(name)
            try content.write(to: url, atomically: false, encoding: .utf8)
            #expect { try ConceptList.read(url) } throws: { "\($0)".contains(url.path) && "\($0)".contains("no concepts") }
        }
        // A byte order mark is not part of the first concept, in any form and before any format.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for (content, expected) in [("dog\ncat\n", ["dog", "cat"]), ("[\"dog\", \"cat\"]", ["dog", "cat"]), ("{\"dog\": 1, \"cat\": 2}", ["dog", "cat"]),
                                    ("\"dog\"\r\ncat", ["dog", "cat"])] {
            let url = directory.appendingPathComponent("bom.txt")
            try Data(bom + Array(content.utf8)).write(to: url)
            #expect(try ConceptList.read(url) == expected, "UTF-8 mark before \(content)")
            let utf16 = directory.appendingPathComponent("bom16.txt")
            try Data([0xFF, 0xFE] + content.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: utf16)
            #expect(try ConceptList.read(utf16) == expected, "UTF-16LE mark before \(content)")
            try Data([0xFE, 0xFF] + content.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }).write(to: utf16)
            #expect(try ConceptList.read(utf16) == expected, "UTF-16BE mark before \(content)")
        }
        let letItWag = try SharedData.upstream("let_it_wag_datasets/let_it_wag_class_list.txt")
        let classes = try ConceptList.read(letItWag)
        #expect(classes.count == 290 && classes.first == "A300B4")
    }

    @Test func intersectionKernelMatchesSets() {
        var generator = SplitMix64(seed: 42)
        for (na, nb, universe) in [(0, 10, 100), (1000, 1000, 5000), (10, 100_000, 1_000_000), (50_000, 60_000, 200_000),
                                      (1000, 1000, 100_000_000), (1, 1, 2)] {
            let a = Array(Set((0..<na).map { _ in UInt32(generator.next() % UInt64(universe)) })).sorted()
            let b = Array(Set((0..<nb).map { _ in UInt32(generator.next() % UInt64(universe)) })).sorted()
            let expected = Set(a).intersection(b).sorted()
            var output = [UInt32](repeating: 0, count: max(1, min(a.count, b.count)))
            let count = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    output.withUnsafeMutableBufferPointer { PostingIntersection.intersect(pa, pb, into: $0.baseAddress!) }
                }
            }
            #expect(Array(output.prefix(count)) == expected, "\(na) x \(nb)")
        }
    }

    @Test func writesUpstreamShape() throws {
        let counts: OrderedDictionary<String, Int> = ["airplane": 28, "car": 333]
        #expect(TextSearchOutput.string(counts) == "{\n    \"airplane\": 28,\n    \"car\": 333\n}")
    }
}

/// Query terms already computed by an annotator (so 40 files cost one spaCy batch).
final class ReferenceLemmaTable: Annotator {
    let identity: AnnotatorIdentity
    private let table: [String: String]
    init(_ table: [String: String], identity: AnnotatorIdentity) {
        self.table = table
        self.identity = identity
    }
    func captionTerms(_ captions: [String]) throws -> [[String]] { throw FreqBenchError("not a caption annotator") }
    func queryTerms(_ words: [String]) throws -> [String] {
        try words.map { word in
            guard let term = table[word] else { throw FreqBenchError("no query term for \(word)") }
            return term
        }
    }
}
