import Testing
@testable import FreqBench

/// spaCy's rule-based English lemmatizer and the lexical features of the tagger.
@Suite("Builtin annotator: lemmatizer and lexical features")
struct BuiltinAnnotatorLemmatizerTests {
    private let tables = RuleLemmatizer(
        index: ["noun": ["dog", "city", "glass"]],
        exceptions: ["noun": ["feet": ["foot"]]],
        rules: ["noun": [("s", ""), ("ies", "y"), ("es", "")]])

    @Test("a plural noun takes the first suffix rule whose result is a known lemma")
    func suffixRules() {
        #expect(tables.lemma("dogs", pos: "NOUN", morph: "Number=Plur") == "dog")
        #expect(tables.lemma("cities", pos: "NOUN", morph: "Number=Plur") == "city")
        #expect(tables.lemma("glasses", pos: "NOUN", morph: "Number=Plur") == "glass")
    }

    @Test("suffix rules compare code points, as Python's endswith")
    func suffixesAreCodePoints() {
        #expect(RuleLemmatizer.endsWith("caf\u{E9}s", "\u{E9}s"))
        #expect(!RuleLemmatizer.endsWith("cafe\u{301}s", "\u{E9}s"))  // canonically equal, other code points
        #expect(RuleLemmatizer.endsWith("cafe\u{301}", "\u{301}"))
        #expect(RuleLemmatizer.endsWith("dogs", "") && !RuleLemmatizer.endsWith("s", "es"))
    }

    @Test("exceptions come before rules; unknown forms fall back to the out-of-vocabulary rule result")
    func exceptionsAndFallback() {
        #expect(tables.lemma("feet", pos: "NOUN", morph: "Number=Plur") == "foot")
        #expect(tables.lemma("zorbs", pos: "NOUN", morph: "Number=Plur") == "zorb")
    }

    @Test("base forms are lowercased, never stemmed; PROPN without tables keeps its case")
    func baseForms() {
        #expect(tables.lemma("Glasses", pos: "NOUN", morph: "Number=Sing") == "glasses")
        #expect(tables.lemma("Honda", pos: "PROPN", morph: "NounType=Prop|Number=Sing") == "Honda")
        #expect(tables.lemma("Dogs", pos: "SPACE", morph: "") == "dogs")
        #expect(RuleLemmatizer.isBaseForm(pos: "verb", morph: "VerbForm=Inf"))
        #expect(RuleLemmatizer.isBaseForm(pos: "verb", morph: "Tense=Pres|VerbForm=Fin"))
        #expect(!RuleLemmatizer.isBaseForm(pos: "verb", morph: "Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"))
    }

    @Test("the model's tables lemmatize verbs, nouns and adjectives like spaCy")
    func modelTables() throws {
        let lemmatizer = try BuiltinTestModel.model().lemmatizer
        #expect(lemmatizer.lemma("running", pos: "VERB", morph: "Aspect=Prog|Tense=Pres|VerbForm=Part") == "run")
        #expect(lemmatizer.lemma("mice", pos: "NOUN", morph: "Number=Plur") == "mouse")
        #expect(lemmatizer.lemma("bigger", pos: "ADJ", morph: "Degree=Cmp") == "big")
    }

    @Test("string ids are spaCy's: MurmurHash64A with seed 1, symbols by number")
    func stringIDs() throws {
        #expect(MurmurHash.hash64A(Array("author".utf8)) == 5_523_486_818_848_559_749)
        #expect(MurmurHash.hash64A(Array("a much longer string over eight bytes".utf8)) == 12_290_408_190_158_259_523)
        #expect(MurmurHash.hash64A(Array("é".utf8)) == 16_256_712_947_286_012_828)
        let vocabulary = try BuiltinTestModel.model().vocabulary
        #expect(vocabulary.id("") == 0)
        #expect(vocabulary.id("dog") == 7_562_983_679_033_046_312)
    }

    @Test("hash-embedding rows come from thinc's MurmurHash3 of the 64-bit id")
    func embeddingHash() {
        let hash = MurmurHash.x86_128(5_523_486_818_848_559_749, seed: 8)
        #expect([hash.0, hash.1, hash.2, hash.3] == [2_616_344_052, 1_097_639_570, 3_924_516_078, 3_793_943_003])
        let one = MurmurHash.x86_128(1, seed: 8)
        #expect([one.0, one.1, one.2, one.3] == [1_161_550_108, 2_247_783_286, 1_742_325_162, 1_224_191_281])
    }

    @Test("lexical attributes: prefix, suffix, shape and norm")
    func lexicalAttributes() throws {
        #expect(Vocabulary.prefix("Dogs") == "D")
        #expect(Vocabulary.suffix("Dogs") == "ogs")
        #expect(Vocabulary.shape("Dogs") == "Xxxx")
        #expect(Vocabulary.shape("Wonderful") == "Xxxxx")
        #expect(Vocabulary.shape("C3PO-12") == "XdXX-dd")
        #expect(Vocabulary.isSpace("  \n"))
        let vocabulary = try BuiltinTestModel.model().vocabulary
        #expect(vocabulary.norm("Dogs") == "dogs")
        #expect(vocabulary.norm("colour") == "color")
    }

    @Test("attribute-ruler regexes: the literal prefix a match must start with is checked first, and only where it is certain")
    func rulerRegexPrefix() throws {
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^n[ou]thin'$") == "n")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^y'?$") == "y")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^ab?c") == "a")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^ab*") == "a")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^ab+c") == "ab")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^(ab|cd)") == "")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "ab|^cd") == "")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "nothin'") == "")
        #expect(AttributeRuler.RegexBox.requiredPrefix(of: "^\\d+") == "")
        let nothing = try AttributeRuler.RegexBox(pattern: "^n[ou]thin'$")
        #expect(nothing.matches("nothin'") && nothing.matches("nuthin'"))
        #expect(!nothing.matches("nothing") && !nothing.matches("thin'"))
        let you = try AttributeRuler.RegexBox(pattern: "^y'?$")
        #expect(you.matches("y") && you.matches("y'") && !you.matches("ya") && !you.matches("'y"))
    }

    @Test("a text has a letter when one of its characters is alphabetic, ASCII or not")
    func hasLetter() {
        for text in ["a", "1.7a", "Z", "é", "1é", "ß", "日本", "x😀"] { #expect(Vocabulary.hasLetter(text), "\(text)") }
        for text in ["", "1.7", ".", "@#[`{", "😀", "8×10", "–", "\u{301}"] { #expect(!Vocabulary.hasLetter(text), "\(text)") }
    }

    @Test("the ASCII shape path agrees with the Unicode one")
    func asciiShapeAgrees() {
        let alphabet = Array("aZq9 0-.'\u{0}xX$").map(String.init)
        var texts = [""]
        for _ in 0..<3 { texts += texts.flatMap { prefix in alphabet.map { prefix + $0 } } }
        texts += ["aaaaaZZZZZ99999", "Hello-World.", "C3PO-12", "''''''", "$$$$$$5"]
        for base in Set(texts) {
            let text = base + "7"
            // "é" forces the scalar path; it maps to "x", which cannot extend a run after "d".
            #expect(Vocabulary.shape(text + "é") == Vocabulary.shape(text) + "x", "\(text.debugDescription)")
        }
        #expect(Vocabulary.shape("\u{0}\u{0}\u{0}\u{0}\u{0}") == "\u{0}\u{0}\u{0}\u{0}")
        #expect(Vocabulary.shape("aaaaaa1111") == "xxxxdddd")
        #expect(Vocabulary.shape(String(repeating: "a", count: 100)) == "LONG")
    }

    @Test("an embedding table reading an attribute the network cannot compute is refused at load, naming it")
    func unknownEmbeddingAttribute() throws {
        let json = try JSONParser.parse("""
            {"tok2vec": {"width": 2, "maxoutPieces": 1, "encoderDepth": 0, "windowSize": 1,
                         "embeddings": [{"attribute": "LEMMA", "seed": 1, "rows": 1, "weights": "embed0"}]},
             "weights": {"embed0": {"offset": 0, "shape": [1, 2]}}, "tags": ["NN"]}
            """)
        let error = #expect(throws: FreqBenchError.self) {
            try TaggerWeights(json: json, weights: [0, 0], reader: ModelReader(file: "model.json"), weightsFile: "weights.bin")
        }
        #expect(error?.description.contains("`LEMMA`") == true)
        #expect(error?.description.contains("model.json") == true)
    }

    @Test("a column block of a weight matrix is that input block of every row")
    func columnBlocks() {
        // 2 rows × (3 blocks of width 2).
        let matrix: [Float] = [0, 1, 2, 3, 4, 5,
                               6, 7, 8, 9, 10, 11]
        #expect(TaggerWeights.columnBlock(matrix, columns: 6, block: 0, width: 2) == [0, 1, 6, 7])
        #expect(TaggerWeights.columnBlock(matrix, columns: 6, block: 2, width: 2) == [4, 5, 10, 11])
    }

    @Test("the attribute ruler's one-token shortcut sets what applying every match in rule order sets")
    func rulerShortcutAgreesWithRuleOrder() throws {
        let model = try BuiltinTestModel.model()
        let ruler = model.attributeRuler
        // Words the rules name (pronouns, contractions, `'s`, `ai`, ...) and ordinary ones.
        let words = ["me", "i", "'s", "s", "n't", "nt", "ai", "'m", "ca", "wo", "let", "us", "ta", "na", "all", "y'",
                     "there", "is", "'re", "dog", "dogs", "run", "the", "a", "of", "-", ",", "\n", " ", "nothin'", "2"]
        var cache: [AttributeRuler.SingleTokenKey: AttributeRuler.SingleTokenMatches] = [:]
        var checked = 0
        for tag in model.tags {
            for word in words {
                let token = AttributeRuler.TokenState(tag: tag, lower: word, isSpace: Vocabulary.isSpace(word))
                var alone = [token]
                ruler.apply(&alone, cache: &cache)
                // `gon` may start a multi-token rule (`gon na`), which sends the text down the
                // general path; without `na` after it, nothing else matches.
                var general = [token, AttributeRuler.TokenState(tag: "VBG", lower: "gon", isSpace: false)]
                ruler.apply(&general, cache: &cache)
                #expect(alone[0].tag == general[0].tag && alone[0].pos == general[0].pos, "\(tag) \(word)")
                #expect(alone[0].morph == general[0].morph && alone[0].lemma == general[0].lemma, "\(tag) \(word)")
                checked += 1
            }
        }
        #expect(checked == model.tags.count * words.count)
        let gon = AttributeRuler.SingleTokenKey(tag: "VBG", lower: "gon", isSpace: false, dependency: "")
        #expect(cache[gon]?.multiTokenStarts.isEmpty == false, "`gon` no longer starts a multi-token rule")
        var gonna = [AttributeRuler.TokenState(tag: "VBG", lower: "gon", isSpace: false),
                     AttributeRuler.TokenState(tag: "TO", lower: "na", isSpace: false)]
        ruler.apply(&gonna, cache: &cache)
        #expect(gonna.map(\.lemma) == ["go", "to"])
        // Both paths assign: a plural noun becomes NOUN with Number=Plur.
        var plural = [AttributeRuler.TokenState(tag: "NNS", lower: "dogs", isSpace: false)]
        ruler.apply(&plural, cache: &cache)
        #expect(plural[0].pos == "NOUN" && plural[0].morph == "Number=Plur")
    }

    @Test("single-token rules apply in rule order, whichever index finds them")
    func singleTokenRulesInRuleOrder() throws {
        // Rule 0 accepts several tags (found after the by-tag rules), rule 1 exactly NN:
        // rule 1 comes later, so its POS wins on NN, on the shortcut and the general path.
        let json = try JSONParser.parse("""
            [{"patterns": [[{"TAG": {"IN": ["NN", "NNS"]}}]], "attrs": {"POS": "X", "MORPH": "A=1"}, "index": 0},
             {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 0},
             {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 0}]
            """)
        let ruler = try AttributeRuler(json: json, reader: ModelReader(file: "model.json"))
        var cache: [AttributeRuler.SingleTokenKey: AttributeRuler.SingleTokenMatches] = [:]
        var alone = [AttributeRuler.TokenState(tag: "NN", lower: "dog", isSpace: false)]
        ruler.apply(&alone, cache: &cache)
        var general = [AttributeRuler.TokenState(tag: "NN", lower: "dog", isSpace: false),
                       AttributeRuler.TokenState(tag: "VBG", lower: "gon", isSpace: false)]
        ruler.apply(&general, cache: &cache)
        for token in [alone[0], general[0]] {
            #expect(token.pos == "NOUN")
            #expect(token.morph == "A=1")
        }
    }
}
