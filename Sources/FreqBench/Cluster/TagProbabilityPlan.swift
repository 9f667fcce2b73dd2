import Foundation

/// The plan of a sharded image-index build (`freqbench plan PROBS.h5... --format hdf5`):
/// the tag-probability files in order with size, modification time, rows and a digest of
/// their metadata (shape, precision, tag list), and N shards as contiguous ranges of the
/// rows of all files together, balanced by bytes. Made from HDF5 metadata only (a RAM++
/// file of LAION-400M is terabytes): a shard job checks each file's size, modification time
/// and metadata against the plan before reading. Format: docs/FORMATS.md, "Plans".
public struct TagProbabilityPlan: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: URL
        public var size: Int
        public var modificationTime: Int
        public var rows: Int
        public var firstRow: Int
        /// SHA-256 of "rows × tags precision" and the tag list (the metadata a change of layout changes).
        public var metadataDigest: [UInt8]
    }

    public var files: [File]
    /// Shard k covers rows `shards[k]` of all files together.
    public var shards: [Range<Int>]

    public var rowCount: Int { files.last.map { $0.firstRow + $0.rows } ?? 0 }

    /// Plans `paths` in `shardCount` row ranges of (nearly) equal size.
    public static func plan(paths: [URL], shardCount: Int) throws -> TagProbabilityPlan {
        guard shardCount >= 1 else { throw FreqBenchError("--shards must be at least 1") }
        guard !paths.isEmpty else { throw FreqBenchError("no tag-probability files given") }
        var files: [File] = []
        var firstRow = 0
        for url in paths.map(\.standardizedFileURL) {
            let source = try TagProbabilities.open(url)
            let status = try FileStatus(of: url)
            files.append(File(path: url, size: status.size, modificationTime: status.modificationTime, rows: source.sampleCount, firstRow: firstRow,
                              metadataDigest: metadataDigest(source)))
            firstRow += source.sampleCount
        }
        // Every row has the same width in bytes, so equal row counts are equal bytes.
        let shards = (0..<shardCount).map { ($0 * firstRow / shardCount)..<(($0 + 1) * firstRow / shardCount) }
        return TagProbabilityPlan(files: files, shards: shards)
    }

    static func metadataDigest(_ source: TagProbabilities) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Data("\(source.sampleCount) × \(source.tags.count) \(source.precision.rawValue)\n".utf8))
        for tag in source.tags { hasher.update(Data((tag + "\n").utf8)) }
        return hasher.digest()
    }

    /// Checks that every file is as planned (size, modification time, metadata): the
    /// contents are not digested, so an unchanged size and time are taken as unchanged data.
    public func checkFiles() throws {
        for file in files {
            let status = try FileStatus(of: file.path)
            let (size, time) = (status.size, status.modificationTime)
            guard size == file.size, time == file.modificationTime else {
                throw FreqBenchError("tag-probability file changed since the plan: \(size) bytes, modified at \(time) ns; "
                    + "the plan recorded \(file.size) bytes at \(file.modificationTime) ns (make a new plan, or restore the file)",
                                     file: file.path.path)
            }
            guard Self.metadataDigest(try TagProbabilities.open(file.path)) == file.metadataDigest else {
                throw FreqBenchError("tag-probability file changed since the plan: its shape, precision or tags differ", file: file.path.path)
            }
        }
    }

    /// SHA-256 of the plan's content.
    public var digest: [UInt8] {
        var hasher = SHA256()
        hasher.update(Data(JSONWriter().string(contentJSON).utf8))
        return hasher.digest()
    }

    private var contentJSON: JSONValue {
        .object([
            "rows": .int(rowCount),
            "files": .array(files.map { file in
                .object([
                    "path": .string(file.path.path), "size": .int(file.size), "mtime_ns": .int(file.modificationTime),
                    "rows": .int(file.rows), "first_row": .int(file.firstRow),
                    "metadata_sha256": .string(SHA256.hex(bytes: file.metadataDigest)),
                ])
            }),
            "shards": .array(shards.enumerated().map { index, rows in
                .object(["index": .int(index), "first_row": .int(rows.lowerBound), "end_row": .int(rows.upperBound)])
            }),
        ])
    }

    public var json: JSONValue {
        guard case var .object(members) = contentJSON else { return contentJSON }
        members.updateValue(.string(SHA256.hex(bytes: digest)), forKey: "plan_digest", insertingAt: 0)
        members.updateValue(.string(ToolVersion.current), forKey: "tool", insertingAt: 0)
        members.updateValue(.string("tag-probabilities"), forKey: "kind", insertingAt: 0)
        members.updateValue(.int(CorpusPlan.formatVersion), forKey: "freqbench_plan", insertingAt: 0)
        return .object(members)
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(JSONWriter(indent: 1).string(json) + "\n", to: url)
    }

    /// Reads and checks a plan (fields, consistency, digest); errors name the file and field.
    public static func read(from url: URL) throws -> TagProbabilityPlan {
        let root = try JSONParser.parse(contentsOf: url)
        func fail(_ message: String, _ field: String) -> FreqBenchError {
            FreqBenchError("invalid plan: \(message)", file: url.path, location: field)
        }
        func int(_ value: JSONValue?, _ field: String, minimum: Int = 0) throws -> Int {
            guard let number = value?.intValue, number >= minimum else { throw fail("expected an integer ≥ \(minimum)", field) }
            return number
        }
        guard root["kind"]?.stringValue == "tag-probabilities" else { throw fail("expected kind \"tag-probabilities\"", "kind") }
        guard root["freqbench_plan"]?.intValue == CorpusPlan.formatVersion else { throw fail("unsupported plan format", "freqbench_plan") }
        var files: [File] = []
        var nextRow = 0
        for (index, item) in (root["files"]?.arrayValue ?? []).enumerated() {
            let field = "files[\(index)]"
            guard let path = item["path"]?.stringValue, let digest = item["metadata_sha256"]?.stringValue, digest.utf8.count == 64 else {
                throw fail("expected path and metadata_sha256", field)
            }
            let file = File(path: URL(fileURLWithPath: path), size: try int(item["size"], "\(field).size"),
                            modificationTime: try int(item["mtime_ns"], "\(field).mtime_ns", minimum: Int.min),
                            rows: try int(item["rows"], "\(field).rows"), firstRow: try int(item["first_row"], "\(field).first_row"),
                            metadataDigest: SHA256.bytes(ofHex: digest))
            guard file.firstRow == nextRow else { throw fail("first row \(file.firstRow), expected \(nextRow)", "\(field).first_row") }
            nextRow += file.rows
            files.append(file)
        }
        guard !files.isEmpty else { throw fail("no files", "files") }
        var shards: [Range<Int>] = []
        for (index, item) in (root["shards"]?.arrayValue ?? []).enumerated() {
            let field = "shards[\(index)]"
            let first = try int(item["first_row"], "\(field).first_row"), end = try int(item["end_row"], "\(field).end_row")
            guard item["index"]?.intValue == index, first == (shards.last?.upperBound ?? 0), end >= first else {
                throw fail("rows \(first)..<\(end) do not continue the previous shard", field)
            }
            shards.append(first..<end)
        }
        guard !shards.isEmpty, shards.last?.upperBound == nextRow else { throw fail("shards do not cover the \(nextRow) rows", "shards") }
        let plan = TagProbabilityPlan(files: files, shards: shards)
        guard root["plan_digest"]?.stringValue == SHA256.hex(bytes: plan.digest) else {
            throw fail("the content does not match plan_digest (the plan was edited or damaged; make a new one)", "plan_digest")
        }
        return plan
    }

    /// The kind of plan in `url` (`captions` or `tag-probabilities`), without checking the rest.
    public static func kind(of url: URL) throws -> String {
        let root = try JSONParser.parse(contentsOf: url)
        guard let kind = root["kind"]?.stringValue else {
            throw FreqBenchError("invalid plan: expected a string", file: url.path, location: "kind")
        }
        return kind
    }
}
