import Foundation

/// The single source of truth of a sharded run over a caption corpus (`freqbench plan`):
/// how the corpus is read, its files (size, modification time, SHA-256, records, first id)
/// and N shards, each a contiguous range of ids made of whole files or byte ranges of files
/// that start at records. A shard job reads only its pieces and checks their bytes against
/// the plan, so a file that changed since is an error naming it. Format: docs/FORMATS.md,
/// "Plans".
public struct CorpusPlan: Sendable, Equatable {
    public static let formatVersion = 1

    /// One corpus file.
    public struct File: Sendable, Equatable {
        public var path: URL
        public var size: Int
        /// Modification time, nanoseconds since the epoch (informative; the digest decides).
        public var modificationTime: Int
        public var sha256: [UInt8]
        /// Sample ids the file consumes (records, bad ones included).
        public var records: Int
        public var firstID: Int
    }

    /// A byte range of one file: what a shard reads of it.
    public struct Piece: Sendable, Equatable {
        /// Index into `files`.
        public var file: Int
        public var byteRange: Range<Int>
        public var firstID: Int
        public var records: Int
        /// Line number at the start of the range (for messages).
        public var firstLine: Int
        /// XXH3-128 of the range's bytes (a fast check that they did not change).
        public var checksum: [UInt8]
    }

    /// One shard: the ids `idRange`, read from `pieces` in order.
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var idRange: Range<Int>
        public var pieces: [Piece]
        /// Bytes of its pieces.
        public var bytes: Int { pieces.reduce(0) { $0 + $1.byteRange.count } }
    }

    public var options: CorpusOptions
    public var files: [File]
    public var shards: [Shard]

    /// Records (ids) in the corpus.
    public var recordCount: Int { files.last.map { $0.firstID + $0.records } ?? 0 }
    /// Bytes of all files.
    public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }

    /// The corpus digest every index of this corpus carries (`CorpusDigest`).
    public var corpusDigest: [UInt8] {
        CorpusDigest.digest(options: options, files: files.map {
            CorpusPieceSummary(file: $0.path, bytes: $0.size, records: $0.records, sha256: $0.sha256)
        })
    }

    /// SHA-256 of the plan's content (options, files, shards; not when or by what it was
    /// made): shards of one plan carry it, so a shard of another plan is recognised.
    public var digest: [UInt8] {
        var hasher = SHA256()
        hasher.update(Data(JSONWriter().string(contentJSON).utf8))
        return hasher.digest()
    }

    /// The pieces of shard `index`, as a `CorpusReader` reads them, with what the plan
    /// recorded of each.
    public func readerPieces(shard index: Int) throws -> [CorpusPiece] {
        guard shards.indices.contains(index) else {
            throw FreqBenchError("shard \(index) is not in the plan (it has shards 0..<\(shards.count))")
        }
        return shards[index].pieces.map { piece in
            let file = files[piece.file]
            let whole = piece.byteRange == 0..<file.size
            return CorpusPiece(file: file.path, byteRange: whole ? nil : piece.byteRange, firstID: piece.firstID,
                               firstLine: piece.firstLine,
                               expected: .init(fileSize: file.size, records: piece.records, checksum: piece.checksum))
        }
    }

    // MARK: JSON

    private var contentJSON: JSONValue {
        .object([
            "corpus": .object([
                "format": .string(options.format.rawValue),
                "caption_column": options.captionColumn.map(JSONValue.string) ?? .null,
                "quoting": .string(options.quoting.rawValue),
                "header": options.hasHeader.map(JSONValue.bool) ?? .null,
                "skip_bad_records": .bool(options.skipBadRecords),
                "url_column": options.urlColumn.map(JSONValue.string) ?? .null,
                "keep_empty": .bool(options.keepEmpty),
                "id_column": options.idColumn.map(JSONValue.string) ?? .null,
            ]),
            "records": JSONValue.int(recordCount),
            "bytes": JSONValue.int(totalBytes),
            "files": .array(files.map { file in
                .object([
                    "path": .string(file.path.path),
                    "size": JSONValue.int(file.size),
                    "mtime_ns": JSONValue.int(file.modificationTime),
                    "sha256": .string(SHA256.hex(bytes: file.sha256)),
                    "records": JSONValue.int(file.records),
                    "first_id": JSONValue.int(file.firstID),
                ])
            }),
            "shards": .array(shards.map { shard in
                .object([
                    "index": JSONValue.int(shard.index),
                    "first_id": JSONValue.int(shard.idRange.lowerBound),
                    "end_id": JSONValue.int(shard.idRange.upperBound),
                    "bytes": JSONValue.int(shard.bytes),
                    "pieces": .array(shard.pieces.map { piece in
                        .object([
                            "file": JSONValue.int(piece.file),
                            "start": JSONValue.int(piece.byteRange.lowerBound),
                            "end": JSONValue.int(piece.byteRange.upperBound),
                            "first_id": JSONValue.int(piece.firstID),
                            "records": JSONValue.int(piece.records),
                            "first_line": JSONValue.int(piece.firstLine),
                            "xxh3": .string(SHA256.hex(bytes: piece.checksum)),
                        ])
                    }),
                ])
            }),
        ])
    }

    /// The plan as written to PLAN.json.
    public var json: JSONValue {
        guard case var .object(members) = contentJSON else { return contentJSON }
        members.updateValue(.string(SHA256.hex(bytes: digest)), forKey: "plan_digest", insertingAt: 0)
        members.updateValue(.string("\(ToolVersion.current)"), forKey: "tool", insertingAt: 0)
        members.updateValue(.string("captions"), forKey: "kind", insertingAt: 0)
        members.updateValue(JSONValue.int(Self.formatVersion), forKey: "freqbench_plan", insertingAt: 0)
        return .object(members)
    }

    /// Writes the plan atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(JSONWriter(indent: 1).string(json) + "\n", to: url)
    }

    /// Reads and checks a plan: every field present and of its type, files and shards
    /// consistent (ids contiguous, pieces inside their files), and the plan digest equal to
    /// its content's. Errors name the file and the field.
    public static func read(from url: URL) throws -> CorpusPlan {
        let value = try JSONParser.parse(contentsOf: url)
        var reader = PlanFieldReader(file: url.path)
        return try reader.plan(value)
    }
}
