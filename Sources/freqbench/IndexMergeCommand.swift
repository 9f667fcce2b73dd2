import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index merge SHARD_DIR... --out DIR`: merges index shards of one kind.
struct IndexMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge index shards into one index (the kind is detected from the shards).",
        discussion: """
            Text indexes: all N shards of one build, in any order; the result is byte-identical to a \
            single build. Range shards of a plan (`index text --plan P --shard I`) are concatenated term \
            by term, streaming (memory stays bounded whatever the index size); id-mod-N shards \
            (`--shard I/N`) are interleaved. A missing, duplicated, overlapping or foreign shard is refused \
            with the shard named; with --plan every shard must also carry that plan's completion record.

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
            if let completionRecord {
                try JSONWriter(indent: 1).write(.object([
                    "plan_digest": planDigest.map { .string(SHA256.hex(bytes: $0)) } ?? .null,
                    "annotator": .string(header.annotator.name),
                    "annotator_version": .string(header.annotator.version),
                    "output": .string(output.standardizedFileURL.path),
                    "output_sha256": .string(SHA256.hex(bytes: header.bodyDigest)),
                    "shards": .int(directories.count),
                ]), to: URL(fileURLWithPath: completionRecord))
            }
            FileHandle.standardError.write(Data(("index merge: \(shards.count) text shards, \(header.termCount) terms, "
                + "\(header.postingCount) postings -> \(out)\n").utf8))
            return
        }
        if plan != nil || completionRecord != nil {
            throw ValidationError("--plan and --completion-record apply to text range shards only; these are image index shards")
        }
        try ImageIndexMerger.merge(directories, to: output, allowDuplicateIDs: allowDuplicateIds)
    }
}
