import Testing
@testable import FreqBench

/// `freqbench bench text`'s plan.
@Suite("Text benchmark")
struct TextBenchmarkTests {
    @Test("spacy, the baseline of every ratio, is timed first, whatever order the annotators are asked in")
    func spacyFirst() {
        let registered = ["builtin-exact", "spacy", "builtin"]
        #expect(TextBenchmark.annotatorOrder(requested: [], registered: registered) == ["spacy", "builtin", "builtin-exact"])
        #expect(TextBenchmark.annotatorOrder(requested: ["builtin", "spacy"], registered: registered) == ["spacy", "builtin"])
        #expect(TextBenchmark.annotatorOrder(requested: ["builtin-exact", "builtin"], registered: registered) == ["builtin-exact", "builtin"])
    }
}
