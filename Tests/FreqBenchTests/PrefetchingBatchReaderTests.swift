import Foundation
import Testing
@testable import FreqBench

/// Reading ahead on a background thread gives the same batches, file digests and errors as
/// reading in the caller's thread.
@Suite("Prefetching batch reader")
struct PrefetchingBatchReaderTests {
    private static func corpus(_ lines: [String]) throws -> (directory: URL, file: URL) {
        let directory = try TemporaryDirectory.make()
        let file = directory.appendingPathComponent("corpus.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        return (directory, file)
    }

    @Test("batches (the first a quarter of the others) and file digests equal a plain reader's, for batch sizes that do and do not divide the corpus")
    func sameBatchesAndDigest() throws {
        let lines = (0..<23).map { #"{"caption": "caption number \#($0)"}"# }
        let (directory, file) = try Self.corpus(lines)
        defer { try? FileManager.default.removeItem(at: directory) }
        for batchSize in [1, 5, 23, 100] {
            let plain = try CorpusReader(paths: [file], options: CorpusOptions(format: .jsonl))
            var expected: [[CorpusRecord]] = []
            while true {
                // The first batch is a quarter of the others.
                let batch = try plain.nextBatch(maxCount: expected.isEmpty ? max(1, batchSize / 4) : batchSize)
                if batch.isEmpty { break }
                expected.append(batch)
            }
            let prefetching = PrefetchingBatchReader(
                reader: try CorpusReader(paths: [file], options: CorpusOptions(format: .jsonl)), batchSize: batchSize)
            var batches: [[CorpusRecord]] = []
            while true {
                let batch = try prefetching.next()
                if batch.isEmpty { break }
                batches.append(batch)
            }
            #expect(batches == expected, "batch size \(batchSize)")
            #expect(batches.flatMap { $0 }.count == 23)
            #expect(prefetching.summaries == plain.summaries, "batch size \(batchSize)")
            #expect(prefetching.summaries.first?.sha256 == (try SHA256.digest(ofFile: file)), "the file's own SHA-256")
            #expect(try prefetching.next().isEmpty, "stays at the end")
        }
    }

    @Test("a bad record fails the batch that holds it, after the earlier batches; skipped records are counted")
    func errorsAndSkips() throws {
        var lines = (0..<10).map { #"{"caption": "c\#($0)"}"# }
        lines[7] = "not json"
        let (directory, file) = try Self.corpus(lines)
        defer { try? FileManager.default.removeItem(at: directory) }

        let failing = PrefetchingBatchReader(
            reader: try CorpusReader(paths: [file], options: CorpusOptions(format: .jsonl)), batchSize: 4)
        #expect(try failing.next().map(\.id) == [0])
        #expect(try failing.next().map(\.id) == [1, 2, 3, 4])
        #expect(throws: FreqBenchError.self) { try failing.next() }

        let skipping = PrefetchingBatchReader(
            reader: try CorpusReader(paths: [file], options: CorpusOptions(format: .jsonl, skipBadRecords: true)),
            batchSize: 4)
        var ids: [Int] = []
        while true {
            let batch = try skipping.next()
            if batch.isEmpty { break }
            ids += batch.map(\.id)
        }
        #expect(ids == [0, 1, 2, 3, 4, 5, 6, 8, 9])
        #expect(skipping.skippedRecords == 1)
        #expect(skipping.skipReasons.count == 1)
    }
}
