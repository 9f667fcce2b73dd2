import Foundation
import Testing
@testable import FreqBench

/// gzip, zstd, bzip2 and xz corpora are read as if decompressed; a truncated one is an error.
@Suite("Compressed corpora")
struct CompressedCorpusTests {
    static let codecs: [(tool: String, suffix: String)] = [("gzip", "gz"), ("zstd", "zst"), ("bzip2", "bz2"), ("xz", "xz")]

    /// `file` compressed with `tool` into `file.suffix` (the tool's own command line).
    static func compress(_ file: URL, tool: String, suffix: String) throws -> URL {
        let output = file.appendingPathExtension(suffix)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = tool == "zstd" ? [tool, "-q", "-f", "-k", file.path, "-o", output.path] : ["sh", "-c", "\(tool) -c \"$0\" > \"$1\"", file.path, output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("\(tool) failed (ci/setup installs gzip, zstd, xz-utils, bzip2)")
            throw FreqBenchError("\(tool) failed", file: file.path)
        }
        return output
    }

    static func records(_ file: URL, _ options: CorpusOptions) throws -> [CorpusRecord] {
        let reader = try CorpusReader(paths: [file], options: options)
        var records: [CorpusRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test("TSV and JSONL compressed with each codec read exactly like the plain files (ids, captions, quoting, CRLF)")
    func sameRecords() throws {
        let directory = try TemporaryDirectory.make()
        var tsv = "", jsonl = ""
        for k in 0..<3000 {
            tsv += k % 50 == 0 ? "\"quoted\nline \(k)\"\turl\r\n" : "caption \(k) of a dog\turl\(k)\n"
            jsonl += "{\"caption\": \"caption \(k)\"}\n"
        }
        for (name, text, options) in [("c.tsv", tsv, CorpusOptions(format: .cc3m)), ("c.jsonl", jsonl, CorpusOptions(format: .jsonl))] {
            let plain = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: plain)
            let expected = try Self.records(plain, options)
            #expect(expected.count == 3000)
            for (tool, suffix) in Self.codecs {
                let compressed = try Self.compress(plain, tool: tool, suffix: suffix)
                #expect(DecompressingFile.compression(of: compressed) != nil)
                #expect(try Self.records(compressed, options) == expected, "\(name).\(suffix)")
            }
        }
    }

    @Test("a truncated compressed file is an error naming it; a plan takes compressed files whole and its shards merge into the single build")
    func truncatedAndPlans() throws {
        let directory = try TemporaryDirectory.make()
        var text = ""
        for k in 0..<20_000 { text += "a caption with some words \(k % 313)\thttp://x/\(k)\n" }
        let plain = directory.appendingPathComponent("big.tsv")
        try Data(text.utf8).write(to: plain)
        for (tool, suffix) in Self.codecs {
            let compressed = try Self.compress(plain, tool: tool, suffix: suffix)
            let bytes = try Data(contentsOf: compressed)
            let truncated = directory.appendingPathComponent("truncated.tsv.\(suffix)")
            try bytes.prefix(bytes.count / 2).write(to: truncated)
            do {
                _ = try Self.records(truncated, CorpusOptions(format: .cc3m))
                Issue.record("a truncated .\(suffix) file was read without an error")
            } catch let error as FreqBenchError {
                #expect(error.file == truncated.path, "\(suffix): \(error)")
            }
        }
        let files = [plain] + (try Self.codecs.prefix(2).map { try Self.compress(plain, tool: $0.tool, suffix: $0.suffix) })
        let options = CorpusOptions(format: .cc3m)
        let single = directory.appendingPathComponent("single")
        try TextIndexer.build(corpus: files, options: options, annotators: [WordAnnotator()], output: single)
        let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: 5)
        #expect(plan.shards.flatMap(\.pieces).allSatisfy { $0.byteRange == 0..<plan.files[$0.file].size })
        var shards: [URL] = []
        for shard in plan.shards.indices {
            let url = directory.appendingPathComponent("shard-\(shard)")
            try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
            shards.append(url)
        }
        let merged = directory.appendingPathComponent("merged")
        try TextIndexMerger.merge(shards, into: merged)
        #expect(try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName))
                == Data(contentsOf: single.appendingPathComponent(TextIndex.fileName)))
    }
}

/// A caption longer than `CorpusReader.maximumCaptionCharacters` is a bad record.
@Suite("Caption length limit")
struct CaptionLengthTests {
    @Test("a 150,000-character caption is an error naming the file and record; skipped, it keeps its id")
    func longCaption() throws {
        let directory = try TemporaryDirectory.make()
        let file = directory.appendingPathComponent("long.tsv")
        let long = String(repeating: "é", count: 150_000)
        try Data("first\turl\n\(long)\turl\nthird\turl\n".utf8).write(to: file)
        do {
            _ = try CompressedCorpusTests.records(file, CorpusOptions(format: .cc3m))
            Issue.record("a document-sized caption was read")
        } catch let error as FreqBenchError {
            #expect(error.file == file.path && error.location == "record 1" && error.message.contains("150000 characters"), "\(error)")
        }
        let records = try CompressedCorpusTests.records(file, CorpusOptions(format: .cc3m, skipBadRecords: true))
        #expect(records.map(\.id) == [0, 2] && records.map(\.caption) == ["first", "third"])
        // At the limit it is read (in bytes far over it: 2 bytes per character).
        try Data("\(String(repeating: "é", count: CorpusReader.maximumCaptionCharacters))\turl\n".utf8).write(to: file)
        #expect(try CompressedCorpusTests.records(file, CorpusOptions(format: .cc3m)).count == 1)
    }
}
