import Foundation
import Testing
@testable import FreqBench

/// Parquet corpora through Apache Arrow (`ci/setup-arrow`), against what upstream's pandas
/// loader keeps (Fixtures/parquet/expected.json, written by make_parquet_fixtures.py).
@Suite("Parquet corpora")
struct ParquetCorpusTests {
    static let directory = DataPaths.repositoryRoot.appendingPathComponent("Fixtures/parquet")

    static func expected() throws -> OrderedFiles {
        let value = try JSONParser.parse(contentsOf: directory.appendingPathComponent("expected.json"))
        guard let files = value["files"]?.objectValue else { throw FreqBenchError("expected.json has no files") }
        return OrderedFiles(files: files.compactMap { name, entry in
            // Files pandas reads but Arrow with page checksums verified rejects are bad input here.
            let failsWithChecksums = entry["pyarrow_error_verifying_crc"]?.stringValue != nil
            guard !failsWithChecksums, let texts = entry["texts"]?.arrayValue,
                  entry["pyarrow_error"] == nil || entry["pyarrow_error"]?.isNull == true,
                  texts.allSatisfy({ $0.stringValue != nil }) else { return nil }
            return (name, texts.compactMap(\.stringValue))
        })
    }

    struct OrderedFiles { var files: [(name: String, texts: [String])] }

    static func captions(_ urls: [URL], options: CorpusOptions) throws -> [CorpusRecord] {
        let reader = try CorpusReader(paths: urls, options: options)
        var records: [CorpusRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test("every readable fixture (both schemas, nulls and empty strings, dictionary urls, five codecs, string_view and large_string, many row groups, nested columns) keeps exactly pandas' rows")
    func captionsMatchPandas() throws {
        let expected = try Self.expected()
        #expect(expected.files.count >= 8)
        for (name, texts) in expected.files {
            let records = try Self.captions([Self.directory.appendingPathComponent(name)], options: CorpusOptions(format: .parquet))
            #expect(records.map(\.caption) == texts, "\(name)")
            #expect(records.map(\.id) == Array(0..<texts.count), "\(name)")
        }
    }

    @Test("ids continue across files in the order given; a directory is its *.parquet files sorted by name")
    func idsAcrossFiles() throws {
        let names = ["img2dataset_snappy.parquet", "all_dropped.parquet", "laion_gzip.parquet"]
        let expected = try Self.expected().files
        let texts = names.flatMap { name in expected.first { $0.name == name }?.texts ?? [] }
        let records = try Self.captions(names.map { Self.directory.appendingPathComponent($0) }, options: CorpusOptions(format: .parquet))
        #expect(records.map(\.caption) == texts)
        #expect(records.map(\.id) == Array(0..<texts.count))
        let folder = try TemporaryDirectory.make()
        for (index, name) in names.enumerated() {
            try FileManager.default.copyItem(at: Self.directory.appendingPathComponent(name),
                                             to: folder.appendingPathComponent("part-\(index).parquet"))
        }
        try Data("not a corpus file".utf8).write(to: folder.appendingPathComponent("README.txt"))
        #expect(try Self.captions([folder], options: CorpusOptions(format: .parquet)).map(\.caption) == texts)
    }

    @Test("--keep-empty keeps every row; --caption-column and --url-column override the defaults")
    func keepEmptyAndColumns() throws {
        let file = Self.directory.appendingPathComponent("img2dataset_snappy.parquet")
        let all = try Self.captions([file], options: CorpusOptions(format: .parquet, keepEmpty: true))
        let parquet = try ParquetFile(url: file)
        #expect(all.count == parquet.rowCount)
        let kept = try Self.captions([file], options: CorpusOptions(format: .parquet))
        #expect(kept.count < all.count)
        // The key column as the "url": rows are then dropped for an empty caption only.
        let byKey = try Self.captions([file], options: CorpusOptions(format: .parquet, urlColumn: "key"))
        #expect(byKey.count >= kept.count)
        #expect(throws: FreqBenchError.self) {
            try Self.captions([file], options: CorpusOptions(format: .parquet, captionColumn: "nope"))
        }
    }

    @Test("bad input: not parquet, truncated, corrupt page, int64 caption, a caption column missing in one of several files; each names the file (and row group)")
    func badInputIsNamed() throws {
        func failure(_ names: [String]) -> FreqBenchError? {
            do {
                _ = try Self.captions(names.map { Self.directory.appendingPathComponent($0) }, options: CorpusOptions(format: .parquet))
                return nil
            } catch let error as FreqBenchError { return error } catch { return FreqBenchError("\(error)") }
        }
        for (name, words) in [("bad_not_parquet.parquet", "Parquet magic bytes"), ("bad_truncated.parquet", "magic bytes"),
                              ("bad_corrupt_page.parquet", "Corrupt snappy"), ("caption_int64.parquet", "type int64"),
                              ("corrupt_crc.parquet", "CRC")] {
            let error = failure([name])
            #expect(error?.file?.hasSuffix(name) == true, "\(name): \(String(describing: error))")
            #expect(error?.message.contains(words) == true, "\(name): \(String(describing: error))")
        }
        #expect(failure(["bad_corrupt_page.parquet"])?.location == "row group 0")
        let missing = failure(["img2dataset_snappy.parquet", "no_caption.parquet"])
        #expect(missing?.file?.hasSuffix("no_caption.parquet") == true)
        #expect(missing?.message.contains("\"key\", \"url\"") == true, "names the columns the file has")
    }

    @Test("annotate and index from parquet: the same terms as the same captions in JSON Lines, nothing written on bad input")
    func indexFromParquet() throws {
        let folder = try TemporaryDirectory.make()
        let file = Self.directory.appendingPathComponent("laion_gzip.parquet")
        let records = try Self.captions([file], options: CorpusOptions(format: .parquet))
        let jsonl = folder.appendingPathComponent("same.jsonl")
        try records.map { JSONWriter().string(.object(["caption": .string($0.caption)])) }.joined(separator: "\n").write(to: jsonl, atomically: true, encoding: .utf8)
        let fromParquet = folder.appendingPathComponent("parquet.index"), fromJSONL = folder.appendingPathComponent("jsonl.index")
        try TextIndexer.build(corpus: [file], options: CorpusOptions(format: .parquet), annotators: [WordAnnotator()], output: fromParquet)
        try TextIndexer.build(corpus: [jsonl], options: CorpusOptions(format: .jsonl), annotators: [WordAnnotator()], output: fromJSONL)
        let a = try TextIndex(directory: fromParquet), b = try TextIndex(directory: fromJSONL)
        #expect(a.termCount == b.termCount && a.header.recordCount == b.header.recordCount)
        for position in 0..<a.termCount {
            let left = try a.entry(at: position), right = try b.entry(at: position)
            #expect(try left.term == right.term && left.postings.decoded() == right.postings.decoded())
        }
        let bad = folder.appendingPathComponent("bad.index")
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(corpus: [file, Self.directory.appendingPathComponent("bad_corrupt_page.parquet")],
                                  options: CorpusOptions(format: .parquet), annotators: [WordAnnotator()], output: bad)
        }
        #expect(!FileManager.default.fileExists(atPath: bad.path))
    }

    @Test("a plan cuts parquet files between row groups; for any shard count its shards merge into the single build, and another file in its place is noticed")
    func planOverParquet() throws {
        let folder = try TemporaryDirectory.make()
        let files = ["img2dataset_snappy.parquet", "laion_gzip.parquet", "img2dataset_zstd_dict_url.parquet"]
            .map { Self.directory.appendingPathComponent($0) }
        let options = CorpusOptions(format: .parquet)
        let single = folder.appendingPathComponent("single")
        try TextIndexer.build(corpus: files, options: options, annotators: [WordAnnotator()], output: single)
        var split = false
        for count in [1, 2, 5, 9] {
            let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: count)
            split = split || plan.shards.flatMap(\.pieces).contains { $0.byteRange != 0..<plan.files[$0.file].size }
            var shards: [URL] = []
            for shard in plan.shards.indices {
                let url = folder.appendingPathComponent("shard-\(count)-\(shard)")
                var read = TextIndexer.ReadStatistics()
                try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url,
                                      statistics: { read = $0 })
                #expect(read.bytesRead <= plan.shards[shard].bytes, "shard \(shard)/\(count) read \(read.bytesRead) of \(plan.shards[shard].bytes)")
                shards.append(url)
            }
            let merged = folder.appendingPathComponent("merged-\(count)")
            try TextIndexMerger.merge(shards, into: merged)
            #expect(try Data(contentsOf: merged.appendingPathComponent(TextIndex.fileName))
                    == Data(contentsOf: single.appendingPathComponent(TextIndex.fileName)), "\(count) shards")
        }
        #expect(split, "some plan cut a file between row groups")
        // Shard pieces are checked against the file's footer digest: a different file is refused.
        let plan = try CorpusPlanner.plan(paths: [files[0]], options: options, shardCount: 1)
        let swapped = folder.appendingPathComponent("swapped.parquet")
        try FileManager.default.copyItem(at: files[0], to: swapped)
        var moved = plan
        moved.files[0].path = swapped
        let other = Self.directory.appendingPathComponent("corrupt_silent_snappy.parquet")
        #expect(try CorpusReader.fileSize(other) == (try CorpusReader.fileSize(Self.directory.appendingPathComponent("bad_corrupt_page.parquet"))))
        try? FileManager.default.removeItem(at: swapped)
        try FileManager.default.copyItem(at: other, to: swapped)
        moved.files[0].size = try CorpusReader.fileSize(swapped)
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(planShard: try .init(plan: moved, index: 0), annotators: [WordAnnotator()],
                                  output: folder.appendingPathComponent("swapped-shard"))
        }
    }

    @Test("a plan counts row groups from the footer where its statistics show no dropped row, and reads the others; --keep-empty reads footers only")
    func planFromFooters() throws {
        // Footer statistics clean, data zeroed: the plan never reads the data and counts 3000
        // rows in 3 row groups; the shard jobs, which read it, fail naming the file.
        let zeroed = Self.directory.appendingPathComponent("bad_data_clean_statistics.parquet")
        let options = CorpusOptions(format: .parquet)
        let plan = try CorpusPlanner.plan(paths: [zeroed], options: options, shardCount: 3)
        #expect(plan.files[0].records == 3000)
        let cut = plan.shards.map(\.idRange).filter { !$0.isEmpty }
        #expect(cut.count >= 2 && cut.allSatisfy { $0.lowerBound % 1000 == 0 && $0.upperBound % 1000 == 0 }, "\(cut)")
        #expect(plan.files[0].sha256 == (try ParquetFooter.digest(of: zeroed)))
        let folder = try TemporaryDirectory.make()
        let shard = try #require(plan.shards.lastIndex { !$0.idRange.isEmpty })
        #expect {
            try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()],
                                  output: folder.appendingPathComponent("shard"))
        } throws: { ($0 as? FreqBenchError)?.file == zeroed.path }
        // Captions with nulls but no empty value, urls never null: the dropped rows are exactly the
        // null captions, so the footer says how many (3000 - 429).
        let nulls = Self.directory.appendingPathComponent("bad_data_null_caption_statistics.parquet")
        let nullPlan = try CorpusPlanner.plan(paths: [nulls], options: options, shardCount: 3)
        #expect(nullPlan.recordCount == 3000 - 429)
        #expect(nullPlan.shards.map(\.idRange).filter { !$0.isEmpty }.count >= 2)
        // Nulls and empty strings: those row groups are read, and the counts are pandas' rows.
        let expected = try JSONParser.parse(contentsOf: Self.directory.appendingPathComponent("expected.json"))
        for name in ["all_dropped.parquet", "laion_gzip.parquet", "img2dataset_snappy.parquet"] {
            let file = Self.directory.appendingPathComponent(name)
            let kept = try CorpusPlanner.plan(paths: [file], options: options, shardCount: 2).recordCount
            #expect(kept == expected["files"]?[name]?["texts"]?.arrayValue?.count, "\(name)")
            // --keep-empty: every row, from the footer.
            let every = try CorpusPlanner.plan(paths: [file], options: CorpusOptions(format: .parquet, keepEmpty: true), shardCount: 2)
            #expect(every.recordCount == expected["files"]?[name]?["rows"]?.intValue, "\(name)")
        }
        // A footer that disagrees with the data (found by ci/fuzz: a row group of 11 rows whose
        // footer says 12): plans count from the footer, so reading it is an error, not 11 records.
        let seed = try Data(contentsOf: DataPaths.repositoryRoot.appendingPathComponent("Fuzz/Seeds/FuzzParquetCorpus/regression-footer-row-count"))
        let damaged = folder.appendingPathComponent("damaged.parquet")
        try seed.dropFirst().write(to: damaged)
        #expect {
            let reader = try CorpusReader(paths: [damaged], options: CorpusOptions(format: .parquet, keepEmpty: true))
            while try reader.next() != nil {}
        } throws: { ($0 as? FreqBenchError)?.file == damaged.path && "\($0)".contains("its footer says") }
        let keepEmpty = try CorpusPlanner.plan(paths: [zeroed], options: CorpusOptions(format: .parquet, keepEmpty: true), shardCount: 1)
        #expect(keepEmpty.recordCount == 3000)
    }
}

/// `--id-column`: each row's own id beside its global id in the index.
@Suite("Source ids")
struct SourceIDTests {
    @Test("index text with --id-column records each kept row's key under its global id; plan shards merge into the same file")
    func sourceIDsOfParquet() throws {
        let folder = try TemporaryDirectory.make()
        let files = ["img2dataset_snappy.parquet", "img2dataset_zstd_dict_url.parquet"].map { ParquetCorpusTests.directory.appendingPathComponent($0) }
        let options = CorpusOptions(format: .parquet, idColumn: "key")
        let records = try ParquetCorpusTests.captions(files, options: options)
        #expect(records.allSatisfy { $0.sourceID?.isEmpty == false })
        let single = folder.appendingPathComponent("single")
        try TextIndexer.build(corpus: files, options: options, annotators: [WordAnnotator()], output: single)
        let table = try SourceIDs.Table(url: single.appendingPathComponent(SourceIDs.fileName))
        #expect(table.firstID == 0 && table.count == records.count)
        for record in records { #expect(table.sourceID(of: record.id) == record.sourceID) }
        #expect(table.sourceID(of: records.count) == nil)
        let plan = try CorpusPlanner.plan(paths: files, options: options, shardCount: 3)
        var shards: [URL] = []
        for shard in plan.shards.indices {
            let url = folder.appendingPathComponent("shard-\(shard)")
            try TextIndexer.build(planShard: try .init(plan: plan, index: shard), annotators: [WordAnnotator()], output: url)
            shards.append(url)
        }
        let merged = folder.appendingPathComponent("merged")
        try TextIndexMerger.merge(shards, into: merged)
        for name in [TextIndex.fileName, SourceIDs.fileName] {
            #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: single.appendingPathComponent(name)), "\(name)")
        }
        // A damaged table is refused, naming the file.
        let file = merged.appendingPathComponent(SourceIDs.fileName)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 1] ^= 0x20
        try bytes.write(to: file)
        #expect(throws: FreqBenchError.self) { try SourceIDs.Table(url: file) }
        #expect(throws: FreqBenchError.self) {
            try TextIndexer.build(corpus: files, options: CorpusOptions(format: .parquet, idColumn: "nope"), annotators: [WordAnnotator()],
                                  output: folder.appendingPathComponent("bad"))
        }
    }
}
