import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index merge SHARD_DIR... --out DIR`: merges index shards of one kind.
struct IndexMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge index shards into one index (the kind is detected from the shards).",
        discussion: """
            Text indexes: all N shards of one `index text --shard I/N` build, in any order; the result is \
            byte-identical to a single build.
            """)

    @Argument(help: "Shard index directories.")
    var shards: [String]

    @Option(help: "Output index directory.")
    var out: String

    @Flag(help: "Image indexes: keep a sample id found in two shards (upstream's behaviour) instead of failing.")
    var allowDuplicateIds = false

    func run() throws {
        let directories = shards.map { URL(fileURLWithPath: $0) }
        let output = URL(fileURLWithPath: out)
        if directories.allSatisfy(TextIndex.isTextIndex) {
            let header = try TextIndexMerger.merge(directories, into: output, progress: ProgressBar("index merge"))
            FileHandle.standardError.write(Data(("index merge: \(shards.count) text shards, \(header.termCount) terms, "
                + "\(header.postingCount) postings -> \(out)\n").utf8))
            return
        }
        if directories.allSatisfy(ImageIndex.isImageIndex) {
            try ImageIndexMerger.merge(directories, to: output, allowDuplicateIDs: allowDuplicateIds)
            return
        }
        if let notImage = directories.first(where: { !ImageIndex.isImageIndex($0) }), directories.contains(where: ImageIndex.isImageIndex) {
            throw FreqBenchError("cannot merge an image index with another kind of index", file: notImage.path)
        }
        if let notText = directories.first(where: { !TextIndex.isTextIndex($0) }), directories.contains(where: TextIndex.isTextIndex) {
            throw FreqBenchError("cannot merge a text index with another kind of index", file: notText.path)
        }
        throw FreqBenchError("not an index directory (no \(TextIndex.fileName) or \(ImageIndex.fileName))", file: directories.first?.path)
    }
}
