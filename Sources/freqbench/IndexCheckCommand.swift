import ArgumentParser
import Foundation
import FreqBench

/// `freqbench index check DIR...`: verifies indexes completely.
struct IndexCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check indexes completely: digests, checksums, and every posting list decoded.",
        discussion: """
            Text indexes: the body's SHA-256, the header's, dictionary's and every posting list's CRC32C \
            (format version 3), and every list decoded (ids sorted, inside the index's range); source ids \
            when present. Image indexes: opened (header, lists' bounds) and every list decoded. Exit 0 when \
            every index is sound; otherwise the first error, naming the file and the term or list.

            Example:
              freqbench index check laion.index
            """)

    @Argument(help: "Index directories.")
    var indexes: [String]

    func run() throws {
        for path in indexes {
            let directory = URL(fileURLWithPath: path)
            switch try IndexKind.of(directory) {
            case .text:
                let index = try TextIndex(directory: directory)
                let postings = try index.check()
                let sourceIDs = directory.appendingPathComponent(SourceIDs.fileName)
                var extra = ""
                if FileManager.default.fileExists(atPath: sourceIDs.path) {
                    let table = try SourceIDs.Table(url: sourceIDs)
                    extra = ", \(table.count) source ids"
                }
                print("\(path): text index (format \(index.header.version)), \(index.termCount) terms, \(postings) postings\(extra): ok")
            case .image:
                let index = try ImageIndex.open(directory)
                let postings = try index.check()
                print("\(path): image index, \(postings) postings: ok")
            }
        }
    }
}
