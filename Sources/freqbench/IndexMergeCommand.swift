import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index merge SHARD_DIR... --out DIR`: merges index shards of one kind.
struct IndexMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shards into one output: text or image indexes, or annotate shards (the kind is detected).",
        discussion: """
            Text indexes: all N shards of one build, in any order; the result is byte-identical to a \
            single build. Range shards of a plan (`index text --plan P --shard I`) are concatenated term \
            by term, streaming (memory stays bounded whatever the index size); id-mod-N shards \
            (`--shard I/N`) are interleaved. A missing, duplicated, overlapping or foreign shard is refused \
            with the shard named; with --plan every shard must also carry that plan's completion record. \
            Image indexes merge the same way. Annotate shards of a plan (DIR/nouns.jsonl + DIR/shard.json) \
            are concatenated in shard order into the NOUNS.jsonl file --out.

            Example:
              freqbench index merge --plan laion.plan.json shards/shard-* --out laion.index
            """)

    @Argument(help: "Shard index directories.")
    var shards: [String]

    @Option(help: "Output index directory.")
    var out: String

    @Option(help: "Text range shards: the plan they were built from (each shard's completion record must name it).")
    var plan: String?

    @Option(help: .hidden)
    var completionRecord: String?

    @Flag(help: "Image indexes: keep a sample id found in two shards (upstream's behaviour) instead of failing.")
    var allowDuplicateIds = false

    func run() throws {
        let directories = shards.map { URL(fileURLWithPath: $0) }
        let output = URL(fileURLWithPath: out)
        if !directories.isEmpty, directories.allSatisfy(AnnotationShards.isShard) {
            let planDigest = try plan.map { try CorpusPlan.read(from: URL(fileURLWithPath: $0)).digest }
            if let planDigest {
                for directory in directories where ShardCompletion.read(in: directory)?.planDigest != planDigest {
                    throw FreqBenchError("foreign shard: not a shard of \(plan ?? "")", file: directory.path)
                }
            }
            let digest = try AnnotationShards.merge(directories, into: output)
            try writeCompletionRecord(planDigest: planDigest, identity: ShardCompletion.read(in: directories[0])?.annotator,
                                      outputDigest: digest, output: output, shards: directories.count)
            FileHandle.standardError.write(Data("index merge: \(shards.count) annotate shards -> \(out)\n".utf8))
            return
        }
        let kind = try IndexKind.ofShards(directories)
        if kind == .text {
            var planDigest: [UInt8]?
            if let plan {
                let loaded = try CorpusPlan.read(from: URL(fileURLWithPath: plan))
                planDigest = loaded.digest
                for directory in directories {
                    guard let completion = ShardCompletion.read(in: directory) else {
                        throw FreqBenchError("not a complete shard of a plan: no readable \(ShardCompletion.fileName)", file: directory.path)
                    }
                    guard completion.planDigest == loaded.digest else {
                        throw FreqBenchError("foreign shard: built from another plan (digest \(SHA256.hex(bytes: completion.planDigest).prefix(16))…, "
                            + "\(plan) has \(SHA256.hex(bytes: loaded.digest).prefix(16))…)", file: directory.path)
                    }
                }
            }
            let header = try TextIndexMerger.merge(directories, into: output, progress: ProgressBar("index merge"))
            try writeCompletionRecord(planDigest: planDigest, identity: header.annotator, outputDigest: header.bodyDigest,
                                      output: output, shards: directories.count)
            FileHandle.standardError.write(Data(("index merge: \(shards.count) text shards, \(header.termCount) terms, "
                + "\(header.postingCount) postings -> \(out)\n").utf8))
            return
        }
        let planDigest = try plan.map { try TagProbabilityPlan.read(from: URL(fileURLWithPath: $0)).digest }
        if let planDigest {
            for directory in directories where ShardCompletion.read(in: directory)?.planDigest != planDigest {
                throw FreqBenchError("not a complete shard of \(plan ?? ""): its shard.json is missing or names another plan", file: directory.path)
            }
        }
        try ImageIndexMerger.merge(directories, to: output, allowDuplicateIDs: allowDuplicateIds)
        try writeCompletionRecord(planDigest: planDigest, identity: ShardCompletion.read(in: directories[0])?.annotator,
                                  outputDigest: try SHA256.digest(ofFile: output.appendingPathComponent(ImageIndex.fileName)),
                                  output: output, shards: directories.count)
    }

    /// With --completion-record (cluster runs): what was merged, for `cluster run` to find it done.
    private func writeCompletionRecord(planDigest: [UInt8]?, identity: AnnotatorIdentity?, outputDigest: [UInt8], output: URL,
                                       shards: Int) throws {
        guard let completionRecord else { return }
        try JSONWriter(indent: 1).write(.object([
            "plan_digest": planDigest.map { .string(SHA256.hex(bytes: $0)) } ?? .null,
            "annotator": identity.map { .string($0.name) } ?? .null,
            "annotator_version": identity.map { .string($0.version) } ?? .null,
            "output": .string(output.standardizedFileURL.path),
            "output_sha256": .string(SHA256.hex(bytes: outputDigest)),
            "shards": .int(shards),
        ]), to: URL(fileURLWithPath: completionRecord))
    }
}
