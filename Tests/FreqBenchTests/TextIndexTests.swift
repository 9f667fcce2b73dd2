import Foundation
import Testing
@testable import FreqBench

@Suite("TextIndex")
struct TextIndexTests {
    @Test func postingsCodecRoundTripsEdgeWidths() throws {
        var generator = SplitMix64(seed: 7)
        let cases: [[UInt32]] = [
            [0],
            [UInt32.max],
            [0, UInt32.max],                                   // width 32
            Array(0..<1000),                                   // width 0 (consecutive)
            Array(stride(from: 5, to: 100_000, by: 3)),
            (0..<5000).map { _ in UInt32(generator.next() % 50_000_000) },
        ].map { Array(Set($0)).sorted() }
        for ids in cases {
            var bytes: [UInt8] = []
            ids.withUnsafeBufferPointer { PostingsCodec.encode($0, into: &bytes) }
            bytes.append(contentsOf: [UInt8](repeating: 0, count: PostingsCodec.readPadding))
            let decoded = try bytes.withUnsafeBytes { raw -> [UInt32] in
                guard let base = raw.baseAddress else { return [] }
                let list = PostingList(count: ids.count, bytes: base)
                #expect(list.encodedSize == bytes.count - PostingsCodec.readPadding)
                var probe = list.makeProbe()
                let probed = try (0..<ids.count).filter { try probe.contains(ids[$0]) }.count
                #expect(probed == ids.count)
                return try list.decoded()
            }
            #expect(decoded == ids)
        }
    }

    @Test func indexAnswersDocumentFrequenciesOfTheReference() throws {
        let fixture = try ReferenceTextFixture.shared()
        let index = try TextIndex(directory: fixture.indexDirectory)
        var expected: [String: [UInt32]] = [:]
        for (id, terms) in fixture.terms.enumerated() { for term in terms { expected[term, default: []].append(UInt32(id)) } }
        #expect(index.termCount == expected.count)
        #expect(index.header.recordCount == 15_833)
        #expect(index.header.postingCount == expected.values.reduce(0) { $0 + $1.count })
        for (term, ids) in expected { #expect(try index.postings(for: term)?.decoded() == ids, "term '\(term)'") }
        #expect(try index.postings(for: "")?.count == 133)          // the empty term is real
        #expect(try index.postings(for: "no such term") == nil)
        #expect(try index.postings(for: "Dog") == nil)              // lookup is case-sensitive
        try index.verify()
    }

    @Test func mergedShardsAreByteIdenticalToASingleBuild() throws {
        let fixture = try ReferenceTextFixture.shared()
        let directory = try TemporaryDirectory.make()
        let single = try Data(contentsOf: fixture.indexDirectory.appendingPathComponent(TextIndex.fileName))
        for count in [1, 2, 7] {
            var shards: [URL] = []
            for index in 0..<count {
                let url = directory.appendingPathComponent("shard-\(index)-of-\(count)")
                try fixture.writeIndex(shard: ShardSpec(index: index, count: count), to: url)
                shards.append(url)
            }
            let merged = directory.appendingPathComponent("merged-\(count)")
            try TextIndexMerger.merge(shards.reversed(), into: merged)
            let bytes = try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName))
            #expect(bytes == single, "merge of \(count) shards differs from the single build")
            #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path) == [TextIndex.fileName])
        }
    }

    @Test func corpusBuildIsTheSameForAnyWorkerCountShardingAndAnnotationsFile() throws {
        let fixture = try ReferenceTextFixture.shared()
        let captions = try allCaptions(fixture.corpusURL)
        let directory = try TemporaryDirectory.make()
        let options = CorpusOptions(format: .cc3m)
        let single = try Data(contentsOf: fixture.indexDirectory.appendingPathComponent(TextIndex.fileName))
        for (workers, batch) in [(1, 5000), (2, 1000), (3, 333)] {
            let output = directory.appendingPathComponent("workers-\(workers)")
            let annotators = (0..<workers).map { _ in ReferenceAnnotator(fixture: fixture, captions: captions) }
            try TextIndexer.build(corpus: [fixture.corpusURL], options: options, annotators: annotators,
                                  output: output, batchSize: batch)
            #expect(try Data(contentsOf: output.appendingPathComponent(TextIndex.fileName)) == single, "\(workers) workers")
        }
        var shards: [URL] = []
        for index in 0..<2 {
            let url = directory.appendingPathComponent("annotations-shard-\(index)")
            try TextIndexer.build(corpus: [fixture.corpusURL], options: options, annotations: fixture.nounsURL,
                                  annotator: ReferenceTextFixture.identity, shard: ShardSpec(index: index, count: 2), output: url)
            shards.append(url)
        }
        let merged = directory.appendingPathComponent("merged")
        try TextIndexMerger.merge(shards, into: merged)
        #expect(try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName)) == single)
    }

    @Test func interruptedBuildLeavesNothingUnderTheOutputName() throws {
        let directory = try TemporaryDirectory.make()
        var lines = (0..<200).map { "caption number \($0)\thttp://example.invalid/\($0)" }
        lines.insert("\"unterminated quote\thttp://example.invalid/bad", at: 150)
        let corpus = directory.appendingPathComponent("broken.tsv")
        try lines.joined(separator: "\n").write(to: corpus, atomically: false, encoding: .utf8)
        let annotator = WordAnnotator()
        let output = directory.appendingPathComponent("index")
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotators: [annotator],
                                  output: output, batchSize: 10)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // An index already under the name is left untouched.
        let good = directory.appendingPathComponent("good.tsv")
        try lines.filter { !$0.hasPrefix("\"") }.joined(separator: "\n").write(to: good, atomically: false, encoding: .utf8)
        try TextIndexer.build(corpus: [good], options: CorpusOptions(format: .cc3m), annotators: [annotator], output: output)
        let before = try Data(contentsOf: output.appendingPathComponent(TextIndex.fileName))
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotators: [annotator],
                                  output: output, batchSize: 10)
        }
        #expect(try Data(contentsOf: output.appendingPathComponent(TextIndex.fileName)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary directories left behind: \(leftovers)")
    }

    @Test func skippedBadRecordsAreReportedWithTheirReasonsAndKeepTheirIds() throws {
        let directory = try TemporaryDirectory.make()
        var corpus = Data("a dog\thttp://example.invalid/0\n".utf8)
        corpus.append(contentsOf: [0xFF, 0xFE] + Array(" not UTF-8\thttp://example.invalid/1\n".utf8))
        corpus.append(Data("a cat\thttp://example.invalid/2\n".utf8))
        let url = directory.appendingPathComponent("corpus.tsv")
        try corpus.write(to: url)
        var reported: (count: Int, reasons: [FreqBenchError])?
        let header = try TextIndexer.build(corpus: [url], options: CorpusOptions(format: .cc3m, skipBadRecords: true),
                                           annotators: [WordAnnotator()], output: directory.appendingPathComponent("index"),
                                           skipped: { reported = ($0, $1) })
        #expect(reported?.count == 1)
        #expect(reported?.reasons.first?.description.contains("line 2") == true)
        #expect(header.recordCount == 3)
        #expect(header.indexedRecordCount == 2)
        let index = try TextIndex(directory: directory.appendingPathComponent("index"))
        #expect(try index.postings(for: "cat")?.decoded() == [2])
    }

    @Test("index merge: a missing shard, a file, a folder without an index and mixed kinds are named as such")
    func mergeShardKinds() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = directory.appendingPathComponent("c.tsv")
        try "a dog\tu\n".write(to: corpus, atomically: false, encoding: .utf8)
        let text = directory.appendingPathComponent("text")
        try TextIndexer.build(corpus: [corpus], options: CorpusOptions(format: .cc3m), annotators: [WordAnnotator()], output: text)
        let probabilities = directory.appendingPathComponent("p.h5")
        try TagProbabilityFile.write(probabilities, float16: [[0.9]], ids: [0], tags: ["dog"])
        let image = directory.appendingPathComponent("image")
        try ImageIndexWriter.write(try ImageIndexBuilder(thresholds: [try TagThreshold(0.5)]).build([probabilities]), to: image)
        let missing = directory.appendingPathComponent("nonexistent")
        let empty = directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        func message(_ shards: [URL]) -> String {
            do { return "kind \(try IndexKind.ofShards(shards))" } catch { return "\(error)" }
        }
        #expect(message([text, text]) == "kind text" && message([image]) == "kind image")
        for first in [text, image] {
            #expect(message([first, missing]) == "\(missing.path): no such shard directory")
            #expect(message([first, corpus]).hasPrefix("\(corpus.path): not a directory"))
            #expect(message([first, empty]).hasPrefix("\(empty.path): not an index directory"))
        }
        #expect(message([missing, text]) == "\(missing.path): no such shard directory")
        #expect(message([text, image]) == "\(image.path): cannot merge an image index with a text index (\(text.path))")
        #expect(message([image, text]) == "\(text.path): cannot merge a text index with an image index (\(image.path))")
    }

    @Test func truncatedAndCorruptedIndexesGiveClearErrors() throws {
        let fixture = try ReferenceTextFixture.shared()
        let original = try Data(contentsOf: fixture.indexDirectory.appendingPathComponent(TextIndex.fileName))
        let directory = try TemporaryDirectory.make()
        func damaged(_ name: String, _ bytes: Data) throws -> (URL, String) {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let file = url.appendingPathComponent(TextIndex.fileName)
            try bytes.write(to: file)
            return (url, file.path)
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let (truncated, truncatedPath) = try damaged("truncated", original.prefix(original.count - 100))
        let truncatedMessage = message { _ = try TextIndex(directory: truncated) }
        #expect(truncatedMessage.contains(truncatedPath) && truncatedMessage.contains("truncated text index"), "\(truncatedMessage)")
        let (short, shortPath) = try damaged("short", original.prefix(50))
        let shortMessage = message { _ = try TextIndex(directory: short) }
        #expect(shortMessage.contains(shortPath) && shortMessage.contains("expected at least the 192-byte header"), "\(shortMessage)")
        var badMagic = original
        badMagic[0] = UInt8(ascii: "X")
        let (magic, magicPath) = try damaged("magic", badMagic)
        let magicMessage = message { _ = try TextIndex(directory: magic) }
        #expect(magicMessage.contains(magicPath) && magicMessage.contains("bad magic"), "\(magicMessage)")
        var flipped = original
        flipped[TextIndexHeader.fixedSize + 64] ^= 0x5A       // a byte of the postings
        let (corrupt, corruptPath) = try damaged("corrupt", flipped)
        let corruptMessage = message { try TextIndex(directory: corrupt).verify() }
        #expect(corruptMessage.contains(corruptPath) && corruptMessage.contains("does not match the digest"), "\(corruptMessage)")
        let mergeMessage = message { try TextIndexMerger.merge([corrupt], into: directory.appendingPathComponent("out")) }
        // A merge reads every list of a version-3 shard, each checked by its CRC32C.
        #expect(mergeMessage.contains(corruptPath) && mergeMessage.contains("does not match its checksum"), "\(mergeMessage)")
        let missing = message { _ = try TextIndex(directory: directory.appendingPathComponent("absent")) }
        #expect(missing.contains("no such index directory"))
    }

    @Test func incompatibleShardsAreRefused() throws {
        let fixture = try ReferenceTextFixture.shared()
        let directory = try TemporaryDirectory.make()
        func shard(_ name: String, _ index: Int, _ count: Int, annotator: AnnotatorIdentity = ReferenceTextFixture.identity,
                   digest: [UInt8]? = nil) throws -> URL {
            let url = directory.appendingPathComponent(name)
            try fixture.writeIndex(shard: ShardSpec(index: index, count: count), annotator: annotator, corpusDigest: digest, to: url)
            return url
        }
        func message(_ shards: [URL]) -> String {
            do { try TextIndexMerger.merge(shards, into: directory.appendingPathComponent("out")); return "" } catch { return "\(error)" }
        }
        let a = try shard("a", 0, 2)
        let b = try shard("b", 1, 2)
        let otherAnnotator = try shard("c", 1, 2, annotator: AnnotatorIdentity(name: "builtin", version: "1"))
        let otherCorpus = try shard("d", 1, 2, digest: [UInt8](repeating: 7, count: 32))
        let third = try shard("e", 1, 3)
        #expect(message([a, otherAnnotator]).contains("annotator builtin 1 differs"))
        #expect(message([a, otherCorpus]).contains("corpus digest"))
        #expect(message([a, otherCorpus]).contains(otherCorpus.path))
        #expect(message([a, third]).contains("is not one of 2"))
        #expect(message([a]).contains("missing shard(s) 1/2"))
        #expect(message([a, a, b]).contains("given twice"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
        #expect(message([a, b]).isEmpty)
    }

    @Test func shardSpecParsing() throws {
        #expect(try ShardSpec(parsing: "3/7") == ShardSpec(index: 3, count: 7))
        for bad in ["7/7", "-1/2", "1/0", "1", "a/b", "1/2/3"] {
            #expect(throws: FreqBenchError.self) { try ShardSpec(parsing: bad) }
        }
    }

    private func allCaptions(_ url: URL) throws -> [String] {
        let reader = try CorpusReader(paths: [url], options: CorpusOptions(format: .cc3m))
        var captions: [String] = []
        while let record = try reader.next() { captions.append(record.caption) }
        return captions
    }
}

/// A trivial annotator for index tests that do not need real linguistics: every
/// space-separated word is a term.
final class WordAnnotator: Annotator {
    let identity = AnnotatorIdentity(name: "words", version: "test")
    func captionTerms(_ captions: [String]) throws -> [[String]] {
        captions.map { CaptionTerms.sortedSet($0.split(separator: " ").map(String.init)) }
    }
    func queryTerms(_ words: [String]) throws -> [String] { words }
}
