import Foundation

/// The completion record of a plan shard's output (`shard.json` inside a shard's index
/// directory): which plan and shard it is and the digest of what was written. It is written
/// into the output's temporary directory before that is renamed into place, so it exists
/// exactly when the whole output does; a rerun of the same shard finds it and does nothing,
/// which makes shard jobs idempotent (and a cluster run resumable).
public struct ShardCompletion: Sendable, Equatable {
    public static let fileName = "shard.json"
    /// The output file of an annotate shard (beside its completion record).
    public static let nounsFileName = "nouns.jsonl"

    public var planDigest: [UInt8]
    public var shard: Int
    public var shardCount: Int
    /// Records indexed (good records of the shard).
    public var records: Int
    /// Bytes of the corpus read to build it.
    public var bytesRead: Int
    public var annotator: AnnotatorIdentity
    /// SHA-256 of the output's content (the index body digest).
    public var outputDigest: [UInt8] = []
    /// Wall seconds the shard job took, and its peak resident memory (informative).
    public var seconds: Double = 0
    public var peakResidentBytes: Int = 0
    /// Corpus shards: each piece's file with its good and skipped records, so that a merge can
    /// refuse a file none of whose records is good (as a single build does) though each shard
    /// saw only part of it.
    public var pieces: [PieceRecords] = []

    /// The records a shard read from one piece of a corpus file.
    public struct PieceRecords: Sendable, Equatable {
        public var file: String
        public var good: Int
        public var skipped: Int

        public init(file: String, good: Int, skipped: Int) {
            self.file = file
            self.good = good
            self.skipped = skipped
        }

        /// The pieces of `summaries` (a shard's reader).
        public static func of(_ summaries: [CorpusPieceSummary]) -> [PieceRecords] {
            summaries.map { PieceRecords(file: $0.file.path, good: $0.goodRecords, skipped: $0.skippedRecords) }
        }
    }

    public init(planDigest: [UInt8], shard: Int, shardCount: Int, records: Int, bytesRead: Int, annotator: AnnotatorIdentity) {
        self.planDigest = planDigest
        self.shard = shard
        self.shardCount = shardCount
        self.records = records
        self.bytesRead = bytesRead
        self.annotator = annotator
    }

    public var json: JSONValue {
        .object([
            "plan_digest": .string(SHA256.hex(bytes: planDigest)),
            "shard": JSONValue.int(shard),
            "shard_count": JSONValue.int(shardCount),
            "records": JSONValue.int(records),
            "bytes_read": JSONValue.int(bytesRead),
            "annotator": .string(annotator.name),
            "annotator_version": .string(annotator.version),
            "output_sha256": .string(SHA256.hex(bytes: outputDigest)),
            "seconds": .double(seconds),
            "peak_resident_bytes": .int(peakResidentBytes),
            "tool": .string(ToolVersion.current),
            "pieces": .array(pieces.map {
                .object(["file": .string($0.file), "good": .int($0.good), "skipped": .int($0.skipped)])
            }),
        ])
    }

    /// The identity an image shard records in place of an annotator: its thresholds.
    public static func imageIdentity(thresholds: [TagThreshold]) -> AnnotatorIdentity {
        AnnotatorIdentity(name: "image", version: thresholds.map(\.description).joined(separator: ","))
    }

    /// Writes the record into `directory`.
    public func write(into directory: URL) throws {
        try AtomicFile.write(JSONWriter(indent: 1).string(json) + "\n", to: directory.appendingPathComponent(Self.fileName))
    }

    /// The record in `directory`, or `nil` when there is none or it cannot be read.
    public static func read(in directory: URL) -> ShardCompletion? {
        guard let value = try? JSONParser.parse(contentsOf: directory.appendingPathComponent(fileName)),
              let plan = value["plan_digest"]?.stringValue, plan.utf8.count == 64,
              let shard = value["shard"]?.intValue, let count = value["shard_count"]?.intValue,
              let records = value["records"]?.intValue, let bytes = value["bytes_read"]?.intValue,
              let name = value["annotator"]?.stringValue, let version = value["annotator_version"]?.stringValue,
              let output = value["output_sha256"]?.stringValue, output.utf8.count == 64 else { return nil }
        var completion = ShardCompletion(planDigest: SHA256.bytes(ofHex: plan), shard: shard, shardCount: count, records: records,
                                         bytesRead: bytes, annotator: AnnotatorIdentity(name: name, version: version))
        completion.outputDigest = SHA256.bytes(ofHex: output)
        completion.seconds = value["seconds"]?.doubleValue ?? 0
        completion.peakResidentBytes = value["peak_resident_bytes"]?.intValue ?? 0
        for piece in value["pieces"]?.arrayValue ?? [] {
            guard let file = piece["file"]?.stringValue, let good = piece["good"]?.intValue, good >= 0,
                  let skipped = piece["skipped"]?.intValue, skipped >= 0 else { return nil }
            completion.pieces.append(PieceRecords(file: file, good: good, skipped: skipped))
        }
        return completion
    }

    /// Whether `directory` holds the complete output of shard `shard` of the plan whose
    /// digest is `planDigest`, by `annotator`: its completion record matches and the index
    /// header's body digest is the recorded one.
    public static func isComplete(_ directory: URL, planDigest: [UInt8], shard: Int, annotator: AnnotatorIdentity) -> Bool {
        isComplete(directory, planDigest: planDigest, shard: shard, annotatorName: annotator.name)
            && read(in: directory)?.annotator == annotator
    }

    /// `isComplete` by annotator name only (its version is known only once the annotator is
    /// loaded: `cluster status` does not load it).
    public static func isComplete(_ directory: URL, planDigest: [UInt8], shard: Int, annotatorName: String) -> Bool {
        guard let completion = read(in: directory), completion.planDigest == planDigest, completion.shard == shard else { return false }
        if completion.annotator.name != annotatorName { return false }
        if let index = try? TextIndex(directory: directory) { return index.header.bodyDigest == completion.outputDigest }
        for name in [ImageIndex.fileName, nounsFileName] {
            let file = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { return (try? SHA256.digest(ofFile: file)) == completion.outputDigest }
        }
        return false
    }
}

extension ShardCompletion {
    /// Throws for a corpus file that the shards read only bad records of (all skipped as bad,
    /// none good): a wrong option such as the caption column, which a single build refuses.
    public static func checkEveryFileHasGoodRecords(_ completions: [ShardCompletion]) throws {
        var totals: [String: (good: Int, skipped: Int)] = [:]
        var order: [String] = []
        for piece in completions.flatMap(\.pieces) {
            if totals[piece.file] == nil { order.append(piece.file) }
            totals[piece.file, default: (0, 0)].good += piece.good
            totals[piece.file, default: (0, 0)].skipped += piece.skipped
        }
        for file in order {
            guard let total = totals[file], total.good == 0, total.skipped > 0 else { continue }
            throw FreqBenchError("every record of the file is bad (\(total.skipped) skipped across the shards, none read): "
                                 + "check --format and --caption-column (each shard's log names its first bad record)", file: file)
        }
    }
}
