import Testing
@testable import FreqBench

/// spaCy's English tokenizer rules as the builtin annotator applies them. Expected tokens
/// are what en_core_web_sm 3.8.0 produces for the same text.
@Suite("Builtin annotator: tokenizer")
struct BuiltinAnnotatorTokenizerTests {
    private func tokens(_ text: String) throws -> [String] {
        BuiltinTokenizer(rules: try BuiltinTestModel.model().tokenizerRules).tokenize(text).map(\.text)
    }

    @Test("splits at whitespace; a single space is not a token, a second one is")
    func whitespace() throws {
        #expect(try tokens("a dog") == ["a", "dog"])
        #expect(try tokens("a  b") == ["a", " ", "b"])
        let spaced = BuiltinTokenizer(rules: try BuiltinTestModel.model().tokenizerRules).tokenize("a dog ran")
        #expect(spaced.map(\.spaceAfter) == [true, true, false])
    }

    @Test("splits prefixes and suffixes such as brackets, quotes, currency and punctuation")
    func affixes() throws {
        #expect(try tokens("(dogs)") == ["(", "dogs", ")"])
        #expect(try tokens("$5.99") == ["$", "5.99"])
        #expect(try tokens("Hello!!") == ["Hello", "!", "!"])
        #expect(try tokens("dogs'") == ["dogs", "'"])
        #expect(try tokens("10km") == ["10", "km"])
        #expect(try tokens("ca.") == ["ca", "."])
    }

    @Test("splits infixes: hyphens between letters, brackets inside words")
    func infixes() throws {
        #expect(try tokens("t-shirt") == ["t", "-", "shirt"])
        #expect(try tokens("co-operate") == ["co", "-", "operate"])
        #expect(try tokens("<br>shoes") == ["<", "br", ">", "shoes"])
        #expect(try tokens("rock'n'roll") == ["rock'n'roll"])
    }

    @Test("applies special cases: contractions with their norms, abbreviations, emoticons")
    func specialCases() throws {
        let tokenizer = BuiltinTokenizer(rules: try BuiltinTestModel.model().tokenizerRules)
        let dont = tokenizer.tokenize("don't stop")
        #expect(dont.map(\.text) == ["do", "n't", "stop"])
        #expect(dont[1].norm == "not")
        #expect(try tokens("I'm") == ["I", "'m"])
        #expect(try tokens("e.g. cats") == ["e.g.", "cats"])
        #expect(try tokens("U.S.A.") == ["U.S.A."])
        #expect(try tokens(":)") == [":)"])
    }

    @Test("keeps URLs whole")
    func urls() throws {
        #expect(try tokens("visit https://example.com/a?b=1 now") == ["visit", "https://example.com/a?b=1", "now"])
    }

    @Test("a chunk of only ASCII letters or only ASCII digits is one token without running the patterns, as the patterns agree")
    func plainWordsSkipPatterns() throws {
        let tokenizer = BuiltinTokenizer(rules: try BuiltinTestModel.model().tokenizerRules)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").map(String.init)
        var probes = letters
        for first in letters { for second in letters { probes.append(first + second) } }
        // Unit and currency suffixes, contraction pieces, and words ending in them.
        let endings = ["km", "cm", "mm", "kg", "mph", "GB", "TB", "Pa", "in", "ft", "oz", "lb", "s", "S", "T", "G", "M", "K", "US", "nt"]
        for ending in endings { probes += [ending, "x" + ending, "Dogs" + ending, ending + "s"] }
        probes += (0..<1200).map(String.init) + ["007", "00", "1234567890"]
        probes += ["supercalifragilistic", "LOUD", "McDonald", "iPhone"]
        var checked = 0
        for probe in probes where tokenizer.rules.specials[probe] == nil {
            #expect(BuiltinTokenizer.isPlainWord(probe), "\(probe)")
            #expect(tokenizer.tokenizeChunk(probe) == [SpecialToken(orth: probe, norm: nil)], "the patterns split `\(probe)`")
            checked += 1
        }
        #expect(checked > 3_000)
        for mixed in ["", "5km", "a1", "10x", "dog.", "t-shirt", "café", "$5", "don't", "dogs'"] {
            #expect(!BuiltinTokenizer.isPlainWord(mixed), "\(mixed)")
        }
        // Through `tokenize`, plain words keep their spacing and special cases still apply.
        #expect(tokenizer.tokenize("two dogs 10 km").map(\.text) == ["two", "dogs", "10", "km"])
        #expect(tokenizer.tokenize("two dogs").map(\.spaceAfter) == [true, false])
        #expect(tokenizer.tokenize("Mr. dogs").map(\.text) == ["Mr.", "dogs"])
    }

    @Test("the special-case prefilter passes every special case and re-matched first piece, and few other strings")
    func specialCasePrefilter() throws {
        let rules = try BuiltinTestModel.model().tokenizerRules
        let specials = StringSetPrefilter(rules.specials.keys)
        for special in rules.specials.keys { #expect(specials.mayContain(special), "\(special)") }
        let firstPieces = Set(rules.matcherSpecials.compactMap(\.first))
        let pieces = StringSetPrefilter(firstPieces)
        for piece in firstPieces { #expect(pieces.mayContain(piece), "\(piece)") }
        // Bytes, not canonical equivalence: precomposed ü is a member, u + U+0308 is not.
        #expect(pieces.mayContain("\u{FC}"))
        #expect(!StringSetPrefilter(["\u{FC}"]).mayContain("u\u{308}"))
        let others = (0..<20_000).map { "w\($0)x" }.filter { rules.specials[$0] == nil }
        let passed = others.filter(specials.mayContain).count
        #expect(passed < others.count / 50, "\(passed) of \(others.count) non-members pass")
    }
}
