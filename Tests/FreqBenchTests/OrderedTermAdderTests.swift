import Testing
@testable import FreqBench

/// Term sets added on a queue of their own reach the builder in order, and a failing add
/// surfaces at the next call.
@Suite("Ordered term adder")
struct OrderedTermAdderTests {
    @Test("batches are added in submission order; an error is thrown by the next add or by finish")
    func orderAndErrors() throws {
        let builder = TextIndexBuilder()
        let adder = OrderedTermAdder(builder: builder)
        for start in stride(from: 0, to: 100, by: 10) {
            let records = (start..<(start + 10)).map { CorpusRecord(id: $0, caption: "") }
            try adder.add([(records, records.map { ["t\($0.id % 3)"] })])
        }
        try adder.finish()
        #expect(builder.indexedRecordCount == 100)

        let failing = OrderedTermAdder(builder: TextIndexBuilder())
        try failing.add([([CorpusRecord(id: 5, caption: "")], [["a"]])])
        try failing.add([([CorpusRecord(id: 3, caption: "")], [["b"]])])  // ids must increase
        #expect(throws: FreqBenchError.self) { try failing.finish() }
        #expect(throws: FreqBenchError.self) { try failing.add([([CorpusRecord(id: 9, caption: "")], [["c"]])]) }
    }
}
