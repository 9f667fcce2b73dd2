import Foundation
import Testing
@testable import FreqBench

/// Plans, range shards and their merge: a sharded build equals a single build byte for byte,
/// each shard reads only its own bytes, and changed or foreign inputs are refused by name.
@Suite("Corpus plans and range shards")
struct CorpusPlanTests {
    /// A corpus of several cc3m files: varied caption lengths, blank lines, CRLF, a quoted
    /// field with an embedded line break, an empty file and a one-record file.
    static func makeCorpus(in directory: URL, seed: UInt64 = 1) throws -> [URL] {
        var generator = SplitMix64(seed: seed)
        let words = ["red", "car", "dog", "a", "the", "photo", "of", "blue", "sky", "tree", "house", "cat", "bird", "road"]
        func caption() -> String {
            (0..<Int(generator.next() % 12 + 1)).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        var files: [URL] = []
        for (index, count) in [700, 0, 1, 1300, 40].enumerated() {
            var text = ""
            for record in 0..<count {
                switch generator.next() % 50 {
                case 0: text += "\n"                                                       // blank line
                case 1: text += "\"\(caption())\nsecond line\"\thttp://x.invalid/\(record)\r\n"   // quoted, CRLF
                default: text += "\(caption())\thttp://x.invalid/\(record)\n"
                }
            }
            let url = directory.appendingPathComponent(String(format: "part-%02d.tsv", index))
            try Data(text.utf8).write(to: url)
            files.append(url)
        }
        return files
    }

    @Test("plans of 1, 2, 5 and 32 shards: merged shards are byte-identical to a single build; each shard reads exactly its bytes")
    func shardedBuildsEqualASingleBuild() throws {
        let directory = try TemporaryDirectory.make()
        let files = try Self.makeCorpus(in: directory)
        let options = CorpusOptions(format: .cc3m)
        let single = directory.appendingPathComponent("single")
        try TextIndexer.build(corpus: files, options: options, annotators: [WordAnnotator()], output: single, batchSize: 100)
        let singleBytes = try Data(contentsOf: single.appendingPathComponent(TextIndex.fileName))
        for count in [1, 2, 5, 32] {
            let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: count)
            #expect(plan.shards.count == count)
            #expect(plan.recordCount == (try TextIndex(directory: single)).header.recordCount)
            // Written and read back, the plan is the same.
            let planURL = directory.appendingPathComponent("plan-\(count).json")
            try plan.write(to: planURL)
            #expect(try CorpusPlan.read(from: planURL) == plan)
            var shards: [URL] = []
            for shard in plan.shards.indices {
                let url = directory.appendingPathComponent("shard-\(count)-\(shard)")
                var read = TextIndexer.ReadStatistics()
                let header = try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()],
                                                   output: url, batchSize: 37, statistics: { read = $0 })
                #expect(header.isRangeShard && header.idRange == plan.shards[shard].idRange)
                #expect(read.bytesRead == plan.shards[shard].bytes, "shard \(shard)/\(count) read \(read.bytesRead) bytes, its range holds \(plan.shards[shard].bytes)")
                #expect(ShardCompletion.isComplete(url, planDigest: plan.digest, shard: shard, annotator: WordAnnotator().identity))
                shards.append(url)
            }
            let merged = directory.appendingPathComponent("merged-\(count)")
            try TextIndexMerger.merge(shards.shuffled(), into: merged)
            #expect(try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName)) == singleBytes, "\(count) shards")
            #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path) == [TextIndex.fileName])
        }
    }

    @Test("the plan's record count (found without the field parser where a line has no quote) equals what a full read consumes, on every line-break and quoting case")
    func countOnlyScanMatchesTheParser() throws {
        let directory = try TemporaryDirectory.make()
        let long = String(repeating: "word ", count: 40)
        let cases = [
            "a\tb\rc\td\r\ne\tf\n",                    // lone CR, CRLF, LF
            "   \n\t\n \t \nx\ty\n\n\n",                // blank lines (a tab-only line is a record in TSV)
            "no newline at the end\turl",
            "\"quoted\nacross lines\"\turl\nplain\turl\n",
            "mid \"quote\" literal\turl\n\"\"\"\"\turl\n",
            "\(long)\turl\n\(long)\(long)\turl\r",
            "three\tfields\there\nbad \"open quote\turl\n",
            "trailing cr\turl\r",
            "\r\r\n\n",
        ]
        for (index, text) in cases.enumerated() {
            for (format, quoting) in [(CorpusFormat.cc3m, CaptionQuoting.csv), (.cc3m, .none), (.csv, .csv), (.tsv, .none)] {
                let file = directory.appendingPathComponent("case-\(index).\(format.rawValue)")
                try Data(text.utf8).write(to: file)
                var options = CorpusOptions(format: format, quoting: quoting, skipBadRecords: true)
                if format != .cc3m { options.captionColumn = "0" }
                let reader = try CorpusReader(paths: [file], options: options)
                while try reader.next() != nil {}
                let consumed = reader.summaries.reduce(0) { $0 + $1.records }
                let plan = try CorpusPlanner.plan(paths: [file], options: options, shardCount: 3)
                #expect(plan.recordCount == consumed, "case \(index), \(format) \(quoting): plan \(plan.recordCount), read \(consumed)")
            }
        }
    }

    @Test("shards are balanced by bytes within one record, and whole files where a boundary is near")
    func cutsAreBalanced() throws {
        let directory = try TemporaryDirectory.make()
        let files = try Self.makeCorpus(in: directory)
        let plan = try CorpusPlanner.plan(paths: files, options: CorpusOptions(format: .cc3m), shardCount: 4)
        let share = Double(plan.totalBytes) / 4
        for shard in plan.shards { #expect(abs(Double(shard.bytes) - share) <= 0.05 * share + 200, "shard \(shard.index): \(shard.bytes) bytes of \(share)") }
        // A cut target close to a file boundary moves onto it.
        #expect(CorpusPlanner.cutTargets(total: 1000, shardCount: 2, fileStarts: [0, 490, 1000], splittable: true) == [490])
        #expect(CorpusPlanner.cutTargets(total: 1000, shardCount: 2, fileStarts: [0, 300, 1000], splittable: true) == [500])
        #expect(CorpusPlanner.cutTargets(total: 1000, shardCount: 2, fileStarts: [0, 300, 1000], splittable: false) == [300])
    }

    @Test("a header row is read from the file's start by shards that start after it; ids and bytes match a single build")
    func headerRowsAndJSONLines() throws {
        let directory = try TemporaryDirectory.make()
        var csv = "id,title\n"
        var jsonl = ""
        for k in 0..<500 {
            csv += "\(k),\"caption \(k % 7), with comma\"\n"
            jsonl += k % 9 == 0 ? "\n" : "{\"caption\": \"word\(k % 11) other\"}\n"
        }
        for (name, text, options) in [("t.csv", csv, CorpusOptions(format: .csv, captionColumn: "title")),
                                      ("t.jsonl", jsonl, CorpusOptions(format: .jsonl))] {
            let file = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            let single = directory.appendingPathComponent("\(name).single")
            try TextIndexer.build(corpus: [file], options: options, annotators: [WordAnnotator()], output: single)
            let plan = try CorpusPlanner.plan(paths: [file], options: options, shardCount: 3)
            var shards: [URL] = []
            for shard in plan.shards.indices {
                let url = directory.appendingPathComponent("\(name).\(shard)")
                try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
                shards.append(url)
            }
            #expect(plan.shards[1].pieces[0].byteRange.lowerBound > 0)
            let merged = directory.appendingPathComponent("\(name).merged")
            try TextIndexMerger.merge(shards, into: merged)
            #expect(try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName))
                    == Data(contentsOf: single.appendingPathComponent(TextIndex.fileName)), "\(name)")
        }
    }

    @Test("a file changed after planning fails its shard, naming the file; restored, the shard builds")
    func changedFileIsRefused() throws {
        let directory = try TemporaryDirectory.make()
        let files = try Self.makeCorpus(in: directory)
        let plan = try CorpusPlanner.plan(paths: files, options: CorpusOptions(format: .cc3m), shardCount: 4)
        let victim = try #require(plan.shards[1].pieces.first { $0.byteRange.count > 4 })
        let url = plan.files[victim.file].path
        let original = try Data(contentsOf: url)
        // Same size, one byte changed inside shard 1's range.
        var changed = original
        let position = victim.byteRange.lowerBound + 3
        changed[position] = changed[position] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try changed.write(to: url)
        let output = directory.appendingPathComponent("shard-1")
        do {
            try TextIndexer.build(planShard: try .init(plan: plan, index: 1), annotators: [WordAnnotator()], output: output)
            Issue.record("a changed file was not noticed")
        } catch let error as FreqBenchError {
            #expect(error.file == url.path)
            #expect(error.message.contains("changed since the plan"))
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // A different size is refused before anything is read.
        try (original + Data("extra\thttp://x\n".utf8)).write(to: url)
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(planShard: try .init(plan: plan, index: 1), annotators: [WordAnnotator()], output: output)
        }
        try original.write(to: url)
        try TextIndexer.build(planShard: try .init(plan: plan, index: 1), annotators: [WordAnnotator()], output: output)
        #expect(ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 1, annotator: WordAnnotator().identity))
    }

    @Test("merge refuses a missing, duplicated, overlapping or foreign shard, naming it")
    func mergeRefusesBadShardSets() throws {
        let directory = try TemporaryDirectory.make()
        let files = try Self.makeCorpus(in: directory)
        let options = CorpusOptions(format: .cc3m)
        func build(_ plan: CorpusPlan, _ prefix: String) throws -> [URL] {
            try plan.shards.indices.map { shard in
                let url = directory.appendingPathComponent("\(prefix)-\(shard)")
                try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
                return url
            }
        }
        let shards = try build(try CorpusPlanner.plan(paths: files, options: options, shardCount: 3), "a")
        func message(_ set: [URL]) -> String {
            do {
                try TextIndexMerger.merge(set, into: directory.appendingPathComponent("out"))
                return ""
            } catch { return "\(error)" }
        }
        #expect(message([shards[0], shards[2]]).contains("missing shard(s) 1/3"))
        #expect(message([shards[0], shards[1], shards[1], shards[2]]).contains("given twice"))
        // Another corpus (one file fewer): its shards are foreign.
        let foreign = try build(try CorpusPlanner.plan(paths: Array(files.dropLast()), options: options, shardCount: 3), "b")
        let foreignMessage = message([shards[0], foreign[1], shards[2]])
        #expect(foreignMessage.contains("another corpus or plan") && foreignMessage.contains(foreign[1].path))
        // Same corpus, another shard count.
        let fourWay = try build(try CorpusPlanner.plan(paths: files, options: options, shardCount: 4), "c")
        #expect(message([shards[0], fourWay[1], shards[2]]).contains("is not one of 3"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
        #expect(message(shards).isEmpty)
    }

    @Test("a plan over an empty file or a one-record file works; a damaged plan is refused, naming the field")
    func smallCorporaAndDamagedPlans() throws {
        let directory = try TemporaryDirectory.make()
        let empty = directory.appendingPathComponent("empty.tsv")
        let one = directory.appendingPathComponent("one.tsv")
        try Data().write(to: empty)
        try Data("a red car\thttp://x\n".utf8).write(to: one)
        for (files, records) in [([empty], 0), ([one], 1), ([empty, one], 1)] {
            let plan = try CorpusPlanner.plan(paths: files, options: CorpusOptions(format: .cc3m), shardCount: 4)
            #expect(plan.recordCount == records && plan.shards.count == 4)
            var shards: [URL] = []
            for shard in plan.shards.indices {
                let url = directory.appendingPathComponent("s-\(files.count)-\(records)-\(shard)")
                try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
                shards.append(url)
            }
            let merged = directory.appendingPathComponent("m-\(files.count)-\(records)")
            let header = try TextIndexMerger.merge(shards, into: merged)
            #expect(header.recordCount == records && header.indexedRecordCount == records)
        }
        let plan = try CorpusPlanner.plan(paths: [one], options: CorpusOptions(format: .cc3m), shardCount: 2)
        let planURL = directory.appendingPathComponent("plan.json")
        try plan.write(to: planURL)
        let text = try String(contentsOf: planURL, encoding: .utf8)
        try text.replacingOccurrences(of: "\"records\": 1,", with: "\"records\": 2,").write(to: planURL, atomically: true, encoding: .utf8)
        do {
            _ = try CorpusPlan.read(from: planURL)
            Issue.record("a damaged plan was read")
        } catch let error as FreqBenchError {
            #expect(error.file == planURL.path)
        }
    }

    @Test("a shard whose build fails leaves no output and no completion record; the rerun completes it")
    func failedShardLeavesNothing() throws {
        let directory = try TemporaryDirectory.make()
        let files = try Self.makeCorpus(in: directory)
        let plan = try CorpusPlanner.plan(paths: files, options: CorpusOptions(format: .cc3m), shardCount: 2)
        let output = directory.appendingPathComponent("shard-0")
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(planShard: try .init(plan: plan, index: 0), annotators: [FailingAnnotator(after: 300)],
                                  output: output, batchSize: 100)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }.isEmpty)
        #expect(!ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 0, annotator: WordAnnotator().identity))
        try TextIndexer.build(planShard: try .init(plan: plan, index: 0), annotators: [WordAnnotator()], output: output)
        #expect(ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 0, annotator: WordAnnotator().identity))
        // A completion record whose index no longer matches is not taken as done.
        let file = output.appendingPathComponent(TextIndex.fileName)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: file)
        #expect(!ShardCompletion.isComplete(output, planDigest: plan.digest, shard: 0, annotator: WordAnnotator().identity)
                || (try? TextIndex(directory: output).verify()) == nil)
    }

    @Test("a streaming concatenation of long lists encodes exactly like the whole list")
    func streamingConcatenationMatchesEncode() throws {
        var generator = SplitMix64(seed: 3)
        var all: [UInt32] = []
        var next: UInt32 = 0
        for _ in 0..<(PostingsConcatenation.inMemoryLimit + 300_000) {
            next += UInt32(1 + generator.next() % 3)
            all.append(next)
        }
        var expected: [UInt8] = []
        all.withUnsafeBufferPointer { PostingsCodec.encode($0, into: &expected) }
        // Split into runs at uneven points, each encoded as its own list.
        let cuts = [0, 5, 130_001, 4_000_000, all.count - 1, all.count]
        var storage: [[UInt8]] = []
        for k in 0..<(cuts.count - 1) {
            var bytes: [UInt8] = []
            all[cuts[k]..<cuts[k + 1]].withUnsafeBufferPointer { PostingsCodec.encode($0, into: &bytes) }
            bytes.append(contentsOf: [UInt8](repeating: 0, count: PostingsCodec.readPadding))
            storage.append(bytes)
        }
        var produced: [UInt8] = []
        try withExtendedLifetime(storage) {
            let runs = (0..<storage.count).map { k in
                storage[k].withUnsafeBytes { PostingList(count: cuts[k + 1] - cuts[k], bytes: $0.baseAddress!) }
            }
            var scratch: [UInt32] = []
            var output: [UInt8] = []
            try PostingsConcatenation(runs: runs).encode(scratch: &scratch, output: &output) { produced.append(contentsOf: $0) }
            // Out of order: refused.
            #expect(throws: FreqBenchError.self) {
                try PostingsConcatenation(runs: [runs[1], runs[0]]).encode(scratch: &scratch, output: &output) { _ in }
            }
        }
        #expect(produced == expected)
    }
}

/// Throws once it has been asked for more than `after` captions.
final class FailingAnnotator: Annotator {
    let identity = AnnotatorIdentity(name: "words", version: "test")
    private let limit: Int
    private var seen = 0
    init(after limit: Int) { self.limit = limit }
    func captionTerms(_ captions: [String]) throws -> [[String]] {
        seen += captions.count
        if seen > limit { throw FreqBenchError("simulated failure of the annotator") }
        return captions.map { CaptionTerms.sortedSet($0.split(separator: " ").map(String.init)) }
    }
    func queryTerms(_ words: [String]) throws -> [String] { words }
}
