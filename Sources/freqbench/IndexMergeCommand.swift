import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index merge SHARD_DIR... --out DIR`: merges index shards of one kind.
struct IndexMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge index shards into one index (the kind is detected from the shards).")

    @Argument(help: "Shard index directories.")
    var shards: [String]

    @Option(help: "Output index directory.")
    var out: String

    @Flag(help: "Image indexes: keep a sample id found in two shards (upstream's behaviour) instead of failing.")
    var allowDuplicateIds = false

    func run() throws {
        let directories = shards.map { URL(fileURLWithPath: $0) }
        let output = URL(fileURLWithPath: out)
        if directories.allSatisfy(ImageIndex.isImageIndex) {
            try ImageIndexMerger.merge(directories, to: output, allowDuplicateIDs: allowDuplicateIds)
            return
        }
        if let notImage = directories.first(where: { !ImageIndex.isImageIndex($0) }), directories.contains(where: ImageIndex.isImageIndex) {
            throw FreqBenchError("cannot merge an image index with another kind of index", file: notImage.path)
        }
        throw FreqBenchError("not an index directory (no \(ImageIndex.fileName))", file: directories.first?.path)
    }
}
