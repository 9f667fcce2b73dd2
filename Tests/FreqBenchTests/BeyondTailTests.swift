import Foundation
import Testing
@testable import FreqBench

/// clip-beyond-tail's estimator (docs/BEYOND-TAIL.md): the `wordnet` annotator's token sets and
/// the `beyond-tail` counts of Fixtures/beyond-tail against the goldens that the NLTK 3.8.1
/// oracle wrote (make_goldens.sh), the spec's unit cases, and the errors. Needs WordNet 3.0
/// (`ci/setup-wordnet`, /usr/share/wordnet or FREQBENCH_WORDNET); fails loudly without it.
@Suite("beyond-tail estimator")
struct BeyondTailTests {
    static let fixtures = DataPaths.repositoryRoot.appendingPathComponent("Fixtures/beyond-tail")

    /// WordNet, read once for the suite.
    static let loaded = Result { try WordNetLemmatizer() }

    /// The lemmatizer, or a recorded failure naming the path and the set-up step.
    static func lemmatizer() throws -> WordNetLemmatizer {
        switch loaded {
        case .success(let lemmatizer): return lemmatizer
        case .failure(let error):
            Issue.record("WordNet 3.0 not found (\(WordNetLemmatizer.defaultDirectory.path)): run ci/setup-wordnet or set FREQBENCH_WORDNET; \(error)")
            throw error
        }
    }

    static func annotator(threads: Int = 2) throws -> WordNetAnnotator { WordNetAnnotator(lemmatizer: try lemmatizer(), threads: threads) }

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// The golden token sets, one per caption.
    static func goldenTokens() throws -> [[String]] {
        let text = try String(contentsOf: fixture("tokens.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONParser.parse(String(line)).arrayValue?.compactMap(\.stringValue))
        }
    }

    static func captions() throws -> [CorpusRecord] {
        try CorpusReader(paths: [fixture("captions.tsv")], options: CorpusOptions(format: .cc3m)).nextBatch(maxCount: Int.max)
    }

    /// The wordnet index of captions.tsv, built once per call into a new directory.
    static func buildIndex() throws -> TextIndex {
        let directory = try TemporaryDirectory.make().appendingPathComponent("wordnet.index")
        try TextIndexer.build(corpus: [fixture("captions.tsv")], options: CorpusOptions(format: .cc3m), annotators: [try annotator()],
                              output: directory, batchSize: 100)
        return try TextIndex(directory: directory)
    }

    /// make_goldens.sh's runs: golden name, concepts file, synonyms file, rules.
    static let runs: [(golden: String, concepts: String, synonyms: String?, rules: String?)] = [
        ("imagenet", "concepts-imagenet.json", "synonyms.json", "imagenet"),
        ("imagenet-names", "concepts-imagenet.json", nil, "imagenet"),
        ("places365", "concepts-places365.json", nil, "places365"),
        ("cub", "concepts-cub.json", nil, "cub"),
        ("edge", "concepts-edge.json", nil, "imagenet"),
        ("edge-norules", "concepts-edge.json", nil, nil),
    ]

    static func concepts(_ run: (golden: String, concepts: String, synonyms: String?, rules: String?)) throws -> [BeyondTailConcept] {
        try BeyondTailConcept.concepts(names: try ConceptList.read(fixture(run.concepts)), synonyms: run.synonyms.map(fixture),
                                       rules: run.rules, annotator: try annotator(threads: 1))
    }

    // MARK: (a) token sets

    @Test("every caption's token set equals tokens.jsonl (NLTK 3.8.1), for 1, 2 and 3 threads")
    func tokenSetsEqualGolden() throws {
        let golden = try Self.goldenTokens()
        let records = try Self.captions()
        #expect(records.count == 514 && golden.count == 514)
        for threads in [1, 2, 3] {
            let terms = try Self.annotator(threads: threads).captionTerms(records.map(\.caption))
            #expect(terms.count == golden.count)
            for (index, (got, want)) in zip(terms, golden).enumerated() {
                #expect(got == want, "caption \(index) (\(threads) threads): \(JSONWriter().string(.string(records[index].caption)))")
            }
        }
    }

    @Test("the index stores exactly each caption's token set: inverting its posting lists gives tokens.jsonl")
    func indexHoldsTheTokenSets() throws {
        let golden = try Self.goldenTokens()
        let index = try Self.buildIndex()
        #expect(index.header.annotator.name == "wordnet")
        #expect(index.header.annotator.version.hasPrefix("\(WordNetAnnotator.rulesVersion) nltk-3.8.1 wordnet-"))
        #expect(index.header.indexedRecordCount == 514)
        var sets = [[String]](repeating: [], count: golden.count)
        for position in 0..<index.termCount {
            let entry = try index.entry(at: position)   // terms come in byte order: each set stays sorted
            for id in try entry.postings.decoded() { sets[Int(id)].append(entry.term) }
        }
        for (index, (got, want)) in zip(sets, golden).enumerated() { #expect(got == want, "caption \(index)") }
    }

    // MARK: (b) counts

    @Test("counts equal every golden of make_goldens.sh, byte for byte (names, synonyms, each --rules, none)")
    func countsEqualGoldens() throws {
        let search = try BeyondTailSearch(index: try Self.buildIndex())
        for run in Self.runs {
            let counts = try search.counts(try Self.concepts(run))
            let golden = try String(contentsOf: Self.fixture("counts-\(run.golden).json"), encoding: .utf8)
            #expect(TextSearchOutput.string(counts) == golden, "counts-\(run.golden).json")
        }
        // Upstream's _ori.txt holds the same counts in class order.
        let counts = try search.counts(try Self.concepts(Self.runs[0]))
        let ori = try String(contentsOf: Self.fixture("counts-imagenet_ori.txt"), encoding: .utf8)
        #expect(counts.map { "\($0.key)\t\($0.value)\n" }.joined() == ori)
    }

    @Test("each concept's lemmatized alternatives and negatives equal the oracle's alternatives-*.json")
    func alternativesEqualGoldens() throws {
        for run in Self.runs {
            let golden = try JSONParser.parse(contentsOf: Self.fixture("alternatives-\(run.golden).json"))
            let made = try Self.concepts(run)
            func lists(_ value: JSONValue?) -> [[String]]? { value?.arrayValue?.map { $0.arrayValue?.compactMap(\.stringValue) ?? [] } }
            #expect(made.count == golden.objectValue?.count)
            for concept in made {
                let entry = golden[concept.name]
                #expect(lists(entry?["alternatives"]) == concept.alternatives, "\(run.golden): \(concept.name)")
                #expect(lists(entry?["negatives"]) == concept.negatives, "\(run.golden): \(concept.name)")
            }
        }
    }

    @Test("freqbench index text --annotator wordnet, then search text --method beyond-tail: the goldens' bytes for every run")
    func commandLine() throws {
        let binary = try ClusterRunTests.executable()
        _ = try Self.lemmatizer()
        let directory = try TemporaryDirectory.make()
        let index = directory.appendingPathComponent("index").path
        let built = try SubstringMatchTests.run(binary, ["index", "text", Self.fixture("captions.tsv").path, "--format", "cc3m",
                                                         "--annotator", "wordnet", "--out", index])
        #expect(built.status == 0, "\(built.stderr)")
        for run in Self.runs {
            let output = directory.appendingPathComponent("counts-\(run.golden).json")
            var arguments = ["search", "text", index, "--method", "beyond-tail", "--concepts", Self.fixture(run.concepts).path]
            if let synonyms = run.synonyms { arguments += ["--synonyms", Self.fixture(synonyms).path] }
            if let rules = run.rules { arguments += ["--rules", rules] }
            let searched = try SubstringMatchTests.run(binary, arguments + ["--out", output.path])
            #expect(searched.status == 0, "\(run.golden): \(searched.stderr)")
            #expect(try Data(contentsOf: output) == (try Data(contentsOf: Self.fixture("counts-\(run.golden).json"))), "\(run.golden)")
        }
        let explained = try SubstringMatchTests.run(binary, ["search", "text", index, "--method", "beyond-tail", "--rules", "imagenet",
                                                             "--explain", "RAM", "--corpus", Self.fixture("captions.tsv").path, "--format", "cc3m"])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stderr.contains("rule: \"ram\""))
        #expect(explained.stderr.contains("\"random access\" -> \"random\" ("))
        #expect(explained.stderr.contains("count: 10"))
        #expect(explained.stderr.contains("\ta ram in the field"))
        let printed = try SubstringMatchTests.run(binary, ["search", "text", index, "--method", "beyond-tail", "--concept", "dog or  cat", "--concept", ""])
        #expect(printed.stdout == "{\n    \"dog or  cat\": 67,\n    \"\": 514\n}\n", "\(printed.stderr)")
    }

    // MARK: (c) unit cases

    @Test("tokens: lower-casing into ASCII (U+212A, U+0130), everything else a space, the six contractions")
    func tokenizer() {
        func tokens(_ text: String) -> [String] { BeyondTailTokenizer.tokens(text) }
        #expect(tokens("\u{212A}elvin scale") == ["kelvin", "scale"])
        #expect(tokens("K9") == ["k"])
        #expect(tokens("\u{130}stanbul") == ["i", "stanbul"])
        #expect(tokens("D\u{130}YARBAKIR") == ["di", "yarbakir"])
        #expect(tokens("\u{17F}ign \u{FB01}sh \u{FF24}og \u{C9}t\u{E9} na\u{EF}ve") == ["ign", "sh", "og", "t", "na", "ve"])
        #expect(tokens("cannot") == ["can", "not"])
        #expect(tokens("Gonna WANNA gotta gimme lemme") == ["gon", "na", "wan", "na", "got", "ta", "gim", "me", "lem", "me"])
        #expect(tokens("gimme!gonna?gotta.lemme,wanna") == ["gim", "me", "gon", "na", "got", "ta", "lem", "me", "wan", "na"])
        #expect(tokens("wanna-be star") == ["wan", "na", "be", "star"])
        #expect(tokens("can-not cannots wannabe xgonna") == ["can", "not", "cannots", "wannabe", "xgonna"])
        #expect(tokens("dog's 'tis  \t\n hot_dog 3.14") == ["dog", "s", "tis", "hot", "dog"])
        #expect(tokens("") == [] && tokens(" \u{A0}\u{2028} ") == [])
        #expect(tokens("e\u{301}t\u{E9} caf\u{E9}") == ["e", "t", "caf"])
        #expect(BeyondTailTokenizer.cleaned("A\u{130}b") == "ai b")
    }

    @Test("lemmas: NLTK 3.8.1's WordNetLemmatizer (noun), every case the spec names")
    func lemmatizer() throws {
        let lemmatizer = try Self.lemmatizer()
        #expect(lemmatizer.lemmaCount == 117_798)
        let cases: [(String, String)] = [
            ("children", "child"), ("mice", "mouse"), ("geese", "goose"), ("feet", "foot"), ("teeth", "teeth"), ("men", "men"),
            ("women", "woman"), ("oxen", "ox"), ("was", "wa"), ("has", "ha"), ("us", "u"), ("is", "is"), ("buses", "bus"),
            ("glasses", "glass"), ("lenses", "lens"), ("sunglasses", "sunglass"), ("leaves", "leaf"), ("axes", "ax"),
            ("species", "specie"), ("dies", "dy"), ("fungi", "fungi"), ("jeans", "jean"), ("aurar", "eyrir"), ("dogss", "dog"),
            ("diess", "dy"), ("less", "le"), ("possess", "posse"), ("womens", "woman"), ("xyzzies", "xyzzies"),
            ("stanbul", "stanbul"), ("anabases", "anabases"), ("anus", "anus"), ("dogs", "dog"), ("tis", "ti"), ("", ""),
        ]
        for (word, lemma) in cases { #expect(lemmatizer.lemmatize(word) == lemma, "\(word)") }
        // Words no caption token can be (outside [a-z]+): the full lemma list, read on first use (checked with NLTK 3.8.1).
        for (word, lemma) in [("hot_dogs", "hot_dog"), ("grown-ups", "grown-ups"), ("Dogs", "Dogs"), ("caf\u{E9}", "caf\u{E9}"), ("comics", "comic")] {
            #expect(lemmatizer.lemmatize(word) == lemma, "\(word)")
        }
        // Ties go to the first of the shortest; exception lists answer alone, even empty.
        #expect(lemmatizer.morphy("teeth") == ["teeth", "tooth"])
        #expect(lemmatizer.morphy("men") == ["men", "man"])
        #expect(lemmatizer.morphy("lenses") == ["lense", "lens"])
        #expect(lemmatizer.morphy("fungi") == ["fungi", "fungus"])
        #expect(lemmatizer.morphy("anabases") == [])
        #expect(lemmatizer.morphy("aurar") == ["eyrir"])   // noun.exc lists aurar twice: the last line wins
        #expect(lemmatizer.morphy("xyzzies") == [])
        let annotator = try Self.annotator()
        #expect(try annotator.captionTerms(["Women and MEN was here, with the geese's teeth!", "", "  "])
            == [["and", "goose", "here", "men", "s", "teeth", "the", "wa", "with", "woman"], [], []])  // checked with the oracle
        #expect(try annotator.queryTerms(["dogs", "hot-dogs", "", "3"]) == ["dog", "dog", "", "3"])
    }

    @Test("class names and synonym lists become alternatives as Python's lower, re.sub, re.split and strip make them")
    func templates() {
        func alternatives(_ name: String) -> [String] { BeyondTailConcept.alternatives(of: .name(name)) }
        #expect(alternatives("Dog or (cat)") == ["dog", ""])
        #expect(alternatives("(a (b) c)") == ["c)"])
        #expect(alternatives("a (b") == ["a (b"])
        #expect(alternatives("x / y OR z") == ["x", "y", "z"])
        #expect(alternatives("dog/cat") == ["dog/cat"])
        #expect(alternatives("or dog") == ["or dog"] && alternatives("dog or") == ["dog or"])
        #expect(alternatives("dog or  cat") == ["dog", "cat"])
        #expect(alternatives("\u{A0} sorrel\u{1F} or x or or y") == ["sorrel", "x", "or y"])
        #expect(alternatives("\u{212A}ELVIN (unit)") == ["kelvin"])
        #expect(alternatives("\u{130}stanbul") == ["i\u{307}stanbul"])
        #expect(BeyondTailConcept.alternatives(of: .synonyms([" Bow ", "bow (weapon)", "a or b"])) == [" bow ", "bow ", "a or b"])
    }

    @Test("dataset rules: the first trigger equal to a whole alternative wins; negatives veto on any lemma; rewrites replace")
    func rules() throws {
        let annotator = try Self.annotator(threads: 1)
        let imagenet = try BeyondTailRules(dataset: "imagenet")
        func concept(_ template: BeyondTailConcept.Template, _ rules: BeyondTailRules?) -> BeyondTailConcept {
            BeyondTailConcept(name: "c", template: template, rules: rules, lemmas: annotator.lemmas(of:))
        }
        #expect(concept(.name("sorrel or ram"), imagenet).rule == "sorrel")
        #expect(concept(.name("ram or bow"), imagenet).rule == "bow")   // bow comes before ram in the chain
        #expect(concept(.synonyms(["bow tie", "bow-tie"]), imagenet).rule == nil)
        #expect(concept(.synonyms([" ram"]), imagenet).rule == nil)    // synonym items are not stripped
        let ram = concept(.name("RAM (adult male sheep)"), imagenet)
        #expect(ram.negatives.contains(["random", "access"]) && ram.negatives.count == 11)
        let places = try BeyondTailRules(dataset: "places365")
        let lock = concept(.name("LOC\u{212A}_CHAMBER (canal)"), places)
        #expect(lock.rule == "lock_chamber" && lock.alternatives == [["lock", "chamber", "canal"], ["lock", "chamber", "waterway"], ["lock", "chamber", "water"]])
        #expect(concept(.name("lock chamber"), places).rule == nil)
        let cub = try BeyondTailRules(dataset: "cub")
        #expect(concept(.name("Cardinal"), cub).alternatives == [["cardinal", "bird"], ["northern", "cardinal"], ["red", "cardinal"]])
        #expect(concept(.name("Cardinal"), nil).alternatives == [["cardinal"]])
        #expect(try BeyondTailRules.datasets() == ["cub", "imagenet", "places365"])
    }

    // MARK: (d) errors

    @Test("errors: a synonyms file of the wrong length, unknown --rules, an index of another annotator, no WordNet")
    func errors() throws {
        let annotator = try Self.annotator(threads: 1)
        let names = try ConceptList.read(Self.fixture("concepts-imagenet.json"))
        #expect(throws: FreqBenchError.self) {
            try BeyondTailConcept.concepts(names: Array(names.dropLast()), synonyms: Self.fixture("synonyms.json"), rules: "imagenet", annotator: annotator)
        }
        do {
            _ = try BeyondTailConcept.concepts(names: Array(names.dropLast()), synonyms: Self.fixture("synonyms.json"), rules: nil, annotator: annotator)
            Issue.record("a synonyms file of the wrong length accepted")
        } catch let error as FreqBenchError {
            #expect(error.description.contains("60 synonym entries for 59 concepts") && error.description.contains("synonyms.json"))
        }
        do {
            _ = try BeyondTailRules(dataset: "ImageNet")
            Issue.record("unknown rules accepted")
        } catch let error as FreqBenchError {
            #expect(error.description.contains("unknown beyond-tail rules \"ImageNet\" (expected one of: cub, imagenet, places365)"))
        }

        let directory = try TemporaryDirectory.make()
        let other = directory.appendingPathComponent("spacy.index")
        let builder = TextIndexBuilder()
        try builder.add(id: 0, terms: ["dog"])
        try builder.write(to: other, recordCount: 1, shard: .whole, corpusDigest: Array(repeating: 0, count: 32),
                          annotator: AnnotatorIdentity(name: "spacy", version: "3.8.18"))
        do {
            _ = try BeyondTailSearch(index: try TextIndex(directory: other))
            Issue.record("an index of another annotator accepted")
        } catch let error as FreqBenchError {
            #expect(error.description.contains("--annotator wordnet") && error.description.contains("annotator spacy 3.8.18"))
        }

        do {
            _ = try WordNetLemmatizer(directory: directory)
            Issue.record("a directory without WordNet accepted")
        } catch let error as FreqBenchError {
            #expect(error.description.contains(directory.appendingPathComponent("index.noun").path))
            #expect(error.description.contains("ci/setup-wordnet"))
        }

        // The same from the command line: non-zero exit and the reason on stderr.
        let binary = try ClusterRunTests.executable()
        let index = directory.appendingPathComponent("wordnet.index").path
        #expect(try SubstringMatchTests.run(binary, ["index", "text", Self.fixture("captions.tsv").path, "--format", "cc3m",
                                                      "--annotator", "wordnet", "--out", index]).status == 0)
        let search = ["search", "text", index, "--method", "beyond-tail", "--concepts", Self.fixture("concepts-cub.json").path]
        let short = try SubstringMatchTests.run(binary, search + ["--synonyms", Self.fixture("synonyms.json").path])
        #expect(short.status != 0 && short.stderr.contains("60 synonym entries for 14 concepts"), "\(short.stderr)")
        let unknown = try SubstringMatchTests.run(binary, search + ["--rules", "coco"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown beyond-tail rules \"coco\""), "\(unknown.stderr)")
        let wrong = try SubstringMatchTests.run(binary, ["search", "text", other.path, "--method", "beyond-tail", "--concept", "dog"])
        #expect(wrong.status != 0 && wrong.stderr.contains("annotator spacy 3.8.18"), "\(wrong.stderr)")
        let misplaced = try SubstringMatchTests.run(binary, ["search", "text", index, "--method", "lowercased", "--concept", "dog", "--rules", "cub"])
        #expect(misplaced.status != 0 && misplaced.stderr.contains("--method beyond-tail only"), "\(misplaced.stderr)")
        var environment = ProcessInfo.processInfo.environment
        environment["FREQBENCH_WORDNET"] = directory.path
        let missing = try Self.run(binary, ["index", "text", Self.fixture("captions.tsv").path, "--format", "cc3m", "--annotator", "wordnet",
                                            "--out", directory.appendingPathComponent("x.index").path], environment: environment)
        #expect(missing.status != 0 && missing.stderr.contains("ci/setup-wordnet") && missing.stderr.contains(directory.path), "\(missing.stderr)")
    }

    static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: counting through posting lists

    @Test("random concepts over the fixture: the index's counts equal a direct pass over the golden token sets")
    func postingsEqualDirectPass() throws {
        let golden = try Self.goldenTokens().map(Set.init)
        let search = try BeyondTailSearch(index: try Self.buildIndex())
        let vocabulary = Array(Set(golden.flatMap { $0 })).sorted() + ["absent", "zzz"]
        var generator = SplitMix64(seed: 0xB7)
        func pick() -> String { vocabulary[Int(generator.next() % UInt64(vocabulary.count))] }
        func lists(_ maximum: Int) -> [[String]] {
            (0..<Int(generator.next() % UInt64(maximum + 1))).map { _ in (0..<Int(generator.next() % 3)).map { _ in pick() } }
        }
        for round in 0..<400 {
            var concept = BeyondTailConcept(name: "r\(round)", template: .synonyms([]), rules: nil, lemmas: { _ in [] })
            concept.alternatives = lists(4)
            concept.negatives = lists(round % 3)
            let expected = golden.filter { words in
                !concept.negatives.contains { $0.contains(where: words.contains) }
                    && concept.alternatives.contains { $0.allSatisfy(words.contains) }
            }.count
            #expect(try search.count(concept) == expected, "round \(round): \(concept.alternatives) minus \(concept.negatives)")
            let ids = try #require(try search.matchingIds(concept, limit: 1000))
            #expect(ids.count == expected)
            #expect(ids.allSatisfy { id in
                let words = golden[Int(id)]
                return !concept.negatives.contains { $0.contains(where: words.contains) } && concept.alternatives.contains { $0.allSatisfy(words.contains) }
            })
        }
    }
}
