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
}
