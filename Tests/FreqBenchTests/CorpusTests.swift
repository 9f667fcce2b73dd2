import Foundation
import Testing
@testable import FreqBench

/// Corpus readers: every format, pandas-compatible TSV/CSV quoting, ids across files, and
/// every kind of bad input with the message it gives.
///
/// Expected values of the quoting cases were printed by pandas 3.1.1,
/// `pd.read_csv(io.BytesIO(data), sep='\t', names=['caption', 'url'])['caption'].tolist()`
/// (NaN, pandas' empty field, is read here as the empty caption).
@Suite("Corpus")
struct CorpusTests {
    // MARK: helpers

    private static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private static func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        try write(Array(text.utf8), name, in: directory)
    }

    private static func captions(_ text: String, _ options: CorpusOptions) throws -> [String] {
        try records(Array(text.utf8), options).map(\.caption)
    }

    private static func records(_ bytes: [UInt8], _ options: CorpusOptions, name: String = "corpus.txt") throws -> [CorpusRecord] {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try write(bytes, name, in: directory)
        let reader = try CorpusReader(paths: [url], options: options)
        var all: [CorpusRecord] = []
        while let record = try reader.next() { all.append(record) }
        return all
    }

    /// The error reading `bytes` gives, with the temporary path replaced by `FILE`.
    private static func failure(_ bytes: [UInt8], _ options: CorpusOptions, name: String = "corpus.txt") throws -> String {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try write(bytes, name, in: directory)
        do {
            let reader = try CorpusReader(paths: [url], options: options)
            while try reader.next() != nil {}
        } catch let error as FreqBenchError {
            return error.description.replacingOccurrences(of: url.path, with: "FILE")
        }
        Issue.record("expected an error")
        return ""
    }

    private static let cc3m = CorpusOptions(format: .cc3m)

    // MARK: pandas-compatible quoting

    @Test("doubled quotes, tabs and newlines inside quoted fields")
    func quotedFields() throws {
        #expect(try Self.captions("\"a \"\"b\"\" c\"\tu1\n", Self.cc3m) == ["a \"b\" c"])
        #expect(try Self.captions("\"multi\nline\"\tu1\nnext\tu2\n", Self.cc3m) == ["multi\nline", "next"])
        #expect(try Self.captions("\"tab\tinside\"\tu1\n", Self.cc3m) == ["tab\tinside"])
        #expect(try Self.captions("\"x\r\ny\"\tu1\r\n", Self.cc3m) == ["x\r\ny"])
        #expect(try Self.captions("\"x\ry\"\tu1\n", Self.cc3m) == ["x\ry"])
        #expect(try Self.captions("\"a\n\n b\"\tu1\n", Self.cc3m) == ["a\n\n b"])
    }

    @Test("a quote not at the start of a field is literal; text after the closing quote is kept")
    func literalQuotes() throws {
        #expect(try Self.captions("a \"b\" c\tu1\n", Self.cc3m) == ["a \"b\" c"])
        #expect(try Self.captions(" \"ab\"\tu1\n", Self.cc3m) == [" \"ab\""])
        #expect(try Self.captions("\"closed\" junk\tu1\n", Self.cc3m) == ["closed junk"])
        #expect(try Self.captions("\"ab\"c\"d\tu1\n", Self.cc3m) == ["abc\"d"])
        #expect(try Self.captions("\"a\"b\"c\"\tu1\n", Self.cc3m) == ["ab\"c\""])
        #expect(try Self.captions("\"ab\" \tu1\n", Self.cc3m) == ["ab "])
        #expect(try Self.captions("cap\t\"u1\"\n", Self.cc3m) == ["cap"])
    }

    @Test("line ends: \\n, \\r\\n, lone \\r, no final newline, BOM")
    func lineEnds() throws {
        #expect(try Self.captions("a\tu1\r\nb\tu2\r\n", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("a\rb\tu1\nc\tu2\n", Self.cc3m) == ["a", "b", "c"])
        #expect(try Self.captions("a\tu1\rb\tu2\r", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("a\tu1\nb\tu2", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("\u{FEFF}a\tu1\n", Self.cc3m) == ["a"])
        #expect(try Self.captions("\"ab\"\r\n", Self.cc3m) == ["ab"])
    }

    @Test("blank and space-only lines are skipped; other whitespace lines are records")
    func blankLines() throws {
        #expect(try Self.records(Array("a\tu1\n\n\nb\tu2\n".utf8), Self.cc3m) == [CorpusRecord(id: 0, caption: "a"), CorpusRecord(id: 1, caption: "b")])
        #expect(try Self.captions("\n\na\tu1\n", Self.cc3m) == ["a"])
        #expect(try Self.captions("a\tu1\n  \nb\tu2\n", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("a\tu1\n \r\nb\tu2\n", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("a\tu1\r\n\r\n\r\nb\tu2\r\n", Self.cc3m) == ["a", "b"])
        #expect(try Self.captions("a\tu1\n \t\nb\tu2\n", Self.cc3m) == ["a", " ", "b"])
        #expect(try Self.captions("a\tu1\n\t\nb\tu2\n", Self.cc3m) == ["a", "", "b"])
        #expect(try Self.captions("a\tu1\n  x\nb\tu2\n", Self.cc3m) == ["a", "  x", "b"])
        #expect(try Self.captions("a\tu1\n\u{0B}\nb\tu2\n", Self.cc3m) == ["a", "\u{0B}", "b"])
    }

    @Test("empty fields and a missing url column (cc3m needs only the caption)")
    func emptyFields() throws {
        #expect(try Self.captions("\"\"\tu1\nb\tu2\n", Self.cc3m) == ["", "b"])
        #expect(try Self.captions("only\nb\tu2\n", Self.cc3m) == ["only", "b"])
        #expect(try Self.captions("a\u{0}b\tu1\n", Self.cc3m) == ["a\u{0}b"])
    }

    @Test("--quoting none reads quotes literally")
    func quotingNone() throws {
        let options = CorpusOptions(format: .cc3m, quoting: .none)
        #expect(try Self.captions("\"a \"\"b\"\"\tu1\n\"x\tu2\n", options) == ["\"a \"\"b\"\"", "\"x"])
    }

    @Test("records longer than one read chunk and quotes across chunk boundaries")
    func chunkBoundaries() throws {
        var text = ""
        var expected: [String] = []
        for index in 0..<40_000 {
            let caption = index % 7 == 0 ? "q\(index) \"\"x\"\"\nline" : "caption number \(index) " + String(repeating: "w", count: index % 300)
            let stored = index % 7 == 0 ? "\"\(caption)\"" : caption
            text += "\(stored)\thttp://example.com/\(index)\(index % 5 == 0 ? "\r\n" : "\n")"
            expected.append(caption.replacingOccurrences(of: "\"\"", with: "\""))
        }
        let records = try Self.records(Array(text.utf8), Self.cc3m)
        #expect(records.map(\.caption) == expected)
        #expect(records.map(\.id) == Array(0..<40_000))
    }

    // MARK: formats

    @Test("cc12m reads url<TAB>caption")
    func cc12m() throws {
        #expect(try Self.captions("http://a\tfirst caption\nhttp://b\t\"second, \"\"quoted\"\"\"\n", CorpusOptions(format: .cc12m)) == ["first caption", "second, \"quoted\""])
    }

    @Test("tsv with a header name (ProtoCLIP's filepath<TAB>title) and with an index")
    func genericTSV() throws {
        let text = "filepath\ttitle\np1\t\"q \"\"x\"\"\"\np2\tt2\n"
        #expect(try Self.captions(text, CorpusOptions(format: .tsv, captionColumn: "title")) == ["q \"x\"", "t2"])
        #expect(try Self.captions(text, CorpusOptions(format: .tsv, captionColumn: "1", hasHeader: true)) == ["q \"x\"", "t2"])
        #expect(try Self.captions(text, CorpusOptions(format: .tsv, captionColumn: "1")) == ["title", "q \"x\"", "t2"])
    }

    @Test("csv with a header: commas inside quotes, short rows keep their caption")
    func genericCSV() throws {
        let text = "id,title,x\n1,\"a, b\",2\n3,plain\n"
        #expect(try Self.captions(text, CorpusOptions(format: .csv, captionColumn: "title")) == ["a, b", "plain"])
        #expect(try Self.captions("caption\nfirst\n", CorpusOptions(format: .csv)) == ["first"])
        #expect(try Self.captions("a,b\n\t \t\nx,y\n", CorpusOptions(format: .csv, captionColumn: "0", hasHeader: true)) == ["x"])
    }

    @Test("jsonl with the default and a named caption field; blank lines are not records")
    func jsonLines() throws {
        let text = "{\"caption\": \"a dog\", \"url\": \"u\"}\n\n{\"caption\": \"caf\\u00e9\\n\\\"x\\\"\"}\r\n"
        #expect(try Self.captions(text, CorpusOptions(format: .jsonl)) == ["a dog", "café\n\"x\""])
        #expect(try Self.captions("{\"text\": \"t1\"}\n{\"text\": \"t2\"}", CorpusOptions(format: .jsonl, captionColumn: "text")) == ["t1", "t2"])
    }

    @Test("ids are global across files; a directory is its files sorted by name")
    func multipleFiles() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shards = directory.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
        _ = try Self.write("c\tu\nd\tu\n", "b.tsv", in: shards)
        _ = try Self.write("a\tu\nb\tu\n", "a.tsv", in: shards)
        _ = try Self.write("hidden\tu\n", ".hidden.tsv", in: shards)
        let last = try Self.write("e\tu\n", "last.tsv", in: directory)
        let reader = try CorpusReader(paths: [shards, last], options: Self.cc3m)
        #expect(reader.files.map(\.lastPathComponent) == ["a.tsv", "b.tsv", "last.tsv"])
        let batch = try reader.nextBatch(maxCount: 4)
        #expect(batch == [CorpusRecord(id: 0, caption: "a"), CorpusRecord(id: 1, caption: "b"), CorpusRecord(id: 2, caption: "c"), CorpusRecord(id: 3, caption: "d")])
        #expect(try reader.nextBatch(maxCount: 4) == [CorpusRecord(id: 4, caption: "e")])
        #expect(try reader.nextBatch(maxCount: 4).isEmpty)
    }

    // MARK: WebDataset

    /// Makes a tar shard with /usr/bin/tar from `members` (path -> content), in that order.
    private static func tar(_ members: [(String, [UInt8])], in directory: URL, name: String = "shard.tar") throws -> URL {
        let staging = directory.appendingPathComponent("staging-\(name)")
        for (path, content) in members {
            let url = staging.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content).write(to: url)
        }
        let output = directory.appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = ["-cf", output.path, "-C", staging.path, "--no-recursion"] + members.map(\.0)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FreqBenchError("tar failed", file: output.path) }
        return output
    }

    private static func read(_ urls: [URL], _ options: CorpusOptions) throws -> [CorpusRecord] {
        let reader = try CorpusReader(paths: urls, options: options)
        var all: [CorpusRecord] = []
        while let record = try reader.next() { all.append(record) }
        return all
    }

    @Test("WebDataset shards: samples by key in tar order, .txt or .json caption")
    func webDataset() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shard = try Self.tar([
            ("000002.jpg", [0xFF, 0xD8]),
            ("000002.txt", Array("second\nline".utf8)),
            ("000002.json", Array("{\"caption\": \"json second\", \"alt\": \"alt2\"}".utf8)),
            ("000001.json", Array("{\"caption\": \"only json\", \"alt\": \"alt1\"}".utf8)),
            ("sub/000003.en.TXT", Array("not the .txt member".utf8)),
            ("sub/000003.json", Array("{\"caption\": \"third\", \"alt\": \"alt3\"}".utf8)),
        ], in: directory)
        let other = try Self.tar([("x.txt", Array("café".utf8))], in: directory, name: "other.tar")
        #expect(try Self.read([shard, other], CorpusOptions(format: .wds)) == [
            CorpusRecord(id: 0, caption: "second\nline"), CorpusRecord(id: 1, caption: "only json"),
            CorpusRecord(id: 2, caption: "third"), CorpusRecord(id: 3, caption: "café"),
        ])
        #expect(try Self.read([shard], CorpusOptions(format: .wds, captionColumn: "alt")).map(\.caption) == ["alt2", "alt1", "alt3"])
        #expect(try Self.read([directory], CorpusOptions(format: .wds)).count == 4)
        #expect(WebDatasetCaptionSource.split("a/b.c/000.en.txt") == ("a/b.c/000", "en.txt"))
    }

    @Test("a truncated tar shard names the member; with skipping, the complete samples before it are kept")
    func truncatedTar() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shard = try Self.tar([
            ("a.txt", Array("first".utf8)),
            ("b.txt", Array(repeating: UInt8(ascii: "x"), count: 5000)),
        ], in: directory)
        let bytes = try [UInt8](Data(contentsOf: shard))
        let cut = Array(bytes[..<(512 + 512 + 512 + 1000)])
        let message = try Self.failure(cut, CorpusOptions(format: .wds), name: "cut.tar")
        #expect(message.hasPrefix("FILE: member b.txt: truncated or damaged tar archive (expected complete tar members)"), "\(message)")
        let reader = try CorpusReader(paths: [try Self.write(cut, "cut2.tar", in: directory)], options: CorpusOptions(format: .wds, skipBadRecords: true))
        #expect(try reader.next() == CorpusRecord(id: 0, caption: "first"))
        #expect(try reader.next() == nil)
        #expect(reader.skippedRecords == 1)
    }

    @Test("WebDataset bad samples: no caption, missing key, malformed json, invalid UTF-8, duplicates")
    func webDatasetBadSamples() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        func message(_ members: [(String, [UInt8])], _ options: CorpusOptions = CorpusOptions(format: .wds)) throws -> String {
            let shard = try Self.tar(members, in: directory, name: "s\(UUID().uuidString).tar")
            do {
                _ = try Self.read([shard], options)
            } catch let error as FreqBenchError {
                return error.description.replacingOccurrences(of: shard.path, with: "FILE")
            }
            Issue.record("expected an error")
            return ""
        }
        #expect(try message([("k.jpg", [1])]) == "FILE: sample k: no caption (expected a .txt member or a .json member with a \"caption\" key)")
        #expect(try message([("k.json", Array("{\"text\": \"t\"}".utf8))]) == "FILE: sample k: missing caption field \"caption\" in the .json member")
        #expect(try message([("k.txt", Array("t".utf8))], CorpusOptions(format: .wds, captionColumn: "alt")) == "FILE: sample k: no caption (expected a .json member with a \"alt\" key)")
        #expect(try message([("k.json", Array("{\"caption\": ".utf8))]) == "FILE: sample k: malformed .json member (expected a JSON object)")
        #expect(try message([("k.json", Array("{\"caption\": 3}".utf8))]) == "FILE: sample k: caption field \"caption\" of the .json member is not a string")
        #expect(try message([("k.txt", [0x61, 0xFF])]) == "FILE: sample k: invalid UTF-8 in the .txt member (expected UTF-8 text)")
        #expect(try message([("k.txt", [0x61]), ("k.json", [0x7B, 0x7D]), ("k.TXT", [0x62])]) == "FILE: sample k: duplicate member k.TXT (expected one member per extension)")
        let notTar = try Self.failure(Array("just text, no tar".utf8), CorpusOptions(format: .wds), name: "bad.tar")
        #expect(notTar == "FILE: cannot open WebDataset shard (expected a tar file): Unrecognized archive format")
    }

    // MARK: bad input

    @Test("bad TSV records: each message names file, line and expectation")
    func badDelimitedRecords() throws {
        #expect(try Self.failure(Array("ok\tu\n\"abc\tu1\nnext\tu2\n".utf8), Self.cc3m)
            == "FILE: line 2: unterminated quoted field (expected a closing \" before the end of the file)")
        #expect(try Self.failure(Array("http://a\tok\nhttp://only\n".utf8), CorpusOptions(format: .cc12m))
            == "FILE: line 2: missing caption column 1 (expected url<TAB>caption with at least 2 fields, found 1)")
        #expect(try Self.failure(Array("a\tu1\nb\tu2\textra\n".utf8), Self.cc3m)
            == "FILE: line 2: expected at most 2 fields (caption<TAB>url), found 3")
        #expect(try Self.failure([0x61, 0x0A, 0x62, 0xC3, 0x28, 0x09, 0x75, 0x0A], Self.cc3m)
            == "FILE: line 2: invalid UTF-8 in the caption (expected UTF-8 text)")
        #expect(try Self.failure(Array("\"multi\nline\"\tu\nx\t\"y\n".utf8), Self.cc3m)
            == "FILE: line 3: unterminated quoted field (expected a closing \" before the end of the file)")
        #expect(try Self.failure(Array("a\tb\n1\t2\n".utf8), CorpusOptions(format: .tsv, captionColumn: "3"))
            == "FILE: line 1: missing caption column 3 (expected tsv with at least 4 fields, found 2)")
        #expect(try Self.failure(Array("a\tb\n1\t2\t3\n".utf8), CorpusOptions(format: .tsv, captionColumn: "b"))
            == "FILE: line 2: expected at most 2 fields (tsv), found 3")
        #expect(try Self.failure(Array("filepath\ttitle\n".utf8), CorpusOptions(format: .tsv, captionColumn: "caption"))
            == "FILE: line 1: no column named \"caption\" in the header row (found \"filepath\", \"title\"); set the caption column")
    }

    @Test("bad JSONL lines: malformed JSON, not an object, missing or non-string field, invalid UTF-8")
    func badJSONLines() throws {
        let jsonl = CorpusOptions(format: .jsonl)
        #expect(try Self.failure(Array("{\"caption\": \"a\"}\n{\"caption\": \"b\"\n".utf8), jsonl)
            .hasPrefix("FILE: line 2: malformed JSON (expected one JSON object per line): invalid JSON"))
        #expect(try Self.failure(Array("[1]\n".utf8), jsonl) == "FILE: line 1: expected a JSON object")
        #expect(try Self.failure(Array("\n{\"text\": \"a\"}\n".utf8), jsonl) == "FILE: line 2: missing caption field \"caption\"")
        #expect(try Self.failure(Array("{\"caption\": null}\n".utf8), jsonl) == "FILE: line 1: caption field \"caption\" is not a string")
        #expect(try Self.failure([0x7B, 0xFF, 0x7D, 0x0A], jsonl) == "FILE: line 1: invalid UTF-8 (expected a UTF-8 JSON object)")
    }

    @Test("skipping bad records counts them, keeps their ids and the first reasons")
    func skipBadRecords() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.write([0x61, 0x09, 0x75, 0x0A, 0xFF, 0x09, 0x75, 0x0A, 0x63, 0x09, 0x75, 0x09, 0x78, 0x0A,
                                  0x64, 0x09, 0x75, 0x0A, 0x22, 0x65, 0x0A, 0x66, 0x09, 0x75, 0x0A], "bad.tsv", in: directory)
        let reader = try CorpusReader(paths: [url], options: CorpusOptions(format: .cc3m, skipBadRecords: true))
        var records: [CorpusRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records == [CorpusRecord(id: 0, caption: "a"), CorpusRecord(id: 3, caption: "d"), CorpusRecord(id: 5, caption: "f")])
        #expect(reader.skippedRecords == 3)
        #expect(reader.skipReasons.map(\.location) == ["line 2", "line 3", "line 5"])
    }

    @Test("skipping bad records: a whole file of bad records (a wrong caption column) is an error naming the file and the first reason")
    func skipBadRecordsFailsOnAFileWithoutGoodRecords() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try Self.write("a dog\thttp://x/0\nsome cat\thttp://x/1\n", "good.tsv", in: directory)
        let other = try Self.write("a bird\thttp://x/2\n", "other.tsv", in: directory)
        func readAll(_ paths: [URL], _ options: CorpusOptions) throws -> [CorpusRecord] {
            let reader = try CorpusReader(paths: paths, options: options)
            var records: [CorpusRecord] = []
            while let record = try reader.next() { records.append(record) }
            return records
        }
        // Caption column 5 of a 2-column file: every record is bad.
        let wrongColumn = CorpusOptions(format: .tsv, captionColumn: "5", skipBadRecords: true)
        #expect { _ = try readAll([good], wrongColumn) } throws: { error in
            let text = "\(error)"
            return (error as? FreqBenchError)?.file == good.path && text.contains("every record of the file is bad (2 skipped")
                && text.contains("line 1") && text.contains("missing caption column 5")
        }
        // Also through an index build, and when only one of several files is all bad.
        let allBad = try Self.write(Array("\u{22}open\n".utf8) + [0xFF, 0x09, 0x75, 0x0A], "allbad.tsv", in: directory)
        #expect {
            try TextIndexer.build(corpus: [good, allBad, other], options: CorpusOptions(format: .cc3m, skipBadRecords: true),
                                  annotators: [WordAnnotator()], output: directory.appendingPathComponent("index"))
        } throws: { ($0 as? FreqBenchError)?.file == allBad.path && "\($0)".contains("every record of the file is bad (2 skipped") }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("index").path))
        // A plan shard's job: its pieces are the whole files here.
        let plan = try CorpusPlanner.plan(paths: [other, good], options: wrongColumn, shardCount: 1)
        #expect {
            try TextIndexer.build(planShard: try .init(plan: plan, index: 0), annotators: [WordAnnotator()],
                                  output: directory.appendingPathComponent("shard"))
        } throws: { ($0 as? FreqBenchError)?.file == other.path && "\($0)".contains("every record of the file is bad (1 skipped") }
        // Shards that read parts of such a file each succeed (a part may hold only bad records),
        // and their merge refuses it, naming the file.
        let long = try Self.write((0..<400).map { "caption \($0)\thttp://x/\($0)\n" }.joined(), "long.tsv", in: directory)
        let halves = try CorpusPlanner.plan(paths: [long], options: wrongColumn, shardCount: 2)
        #expect(halves.shards[1].pieces.first?.byteRange.lowerBound ?? 0 > 0)
        let halfDirectories = try (0..<2).map { shard in
            let output = directory.appendingPathComponent("half\(shard)")
            try TextIndexer.build(planShard: try .init(plan: halves, index: shard), annotators: [WordAnnotator()], output: output)
            return output
        }
        #expect { try TextIndexMerger.merge(halfDirectories, into: directory.appendingPathComponent("merged")) } throws: {
            ($0 as? FreqBenchError)?.file == long.path && "\($0)".contains("every record of the file is bad (400 skipped")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("merged").path))
        // A shard whose part of a file holds only bad records reads nothing, without an error, as
        // the single build skips them (found by ci/fuzz: the shard used to fail).
        let mixed = try Self.write(String(repeating: "three\tfields\there\n", count: 100)
                                   + (0..<100).map { "caption \($0)\thttp://x/\($0)\n" }.joined(), "mixed.tsv", in: directory)
        let options = CorpusOptions(format: .cc3m, skipBadRecords: true)
        let thirds = try CorpusPlanner.plan(paths: [mixed], options: options, shardCount: 20)
        #expect(thirds.shards[1].idRange.upperBound < 100)   // a shard of bad records only
        var sharded: [CorpusRecord] = []
        for shard in thirds.shards.indices {
            let reader = try CorpusReader(pieces: try thirds.readerPieces(shard: shard), options: options)
            while let record = try reader.next() { sharded.append(record) }
        }
        #expect(sharded == (try readAll([mixed], options)))
        #expect(sharded.first?.id == 100)
        // A file with some good records is fine, and so is an empty file (no records at all).
        let empty = try Self.write("", "empty.tsv", in: directory)
        let some = try Self.write(Array("ok\tu\n".utf8) + [0xFF, 0x09, 0x75, 0x0A], "some.tsv", in: directory)
        #expect(try readAll([good, empty, some], CorpusOptions(format: .cc3m, skipBadRecords: true)).map(\.id) == [0, 1, 2])
    }

    @Test("bad options and paths")
    func badOptions() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.tsv")
        #expect(throws: FreqBenchError("corpus file not found", file: missing.path)) {
            try CorpusReader(paths: [missing], options: Self.cc3m)
        }
        #expect(throws: FreqBenchError("directory holds no corpus files (expected *.tar shards)", file: directory.path)) {
            try CorpusReader(paths: [directory], options: CorpusOptions(format: .wds))
        }
        let file = try Self.write("a\tb\n", "a.tsv", in: directory)
        #expect(throws: FreqBenchError("the caption column is fixed for cc3m; use --format tsv to choose one")) {
            try CorpusReader(paths: [file], options: CorpusOptions(format: .cc3m, captionColumn: "1"))
        }
        #expect(throws: FreqBenchError("caption column \"title\" is a header name, but the files have no header row; give a 0-based index")) {
            try CorpusReader(paths: [file], options: CorpusOptions(format: .tsv, captionColumn: "title", hasHeader: false))
        }
    }

    @Test("cc3m_val.tsv: 15,833 captions, each the text before the first TAB")
    func sharedCC3MValidation() throws {
        let url = try SharedData.corpora("cc3m_val.tsv")
        let reader = try CorpusReader(paths: [url], options: Self.cc3m)
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = text.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
        var captions: [String] = []
        while let record = try reader.next() { captions.append(record.caption) }
        #expect(captions.count == 15_833)
        #expect(captions == expected)
    }
}
