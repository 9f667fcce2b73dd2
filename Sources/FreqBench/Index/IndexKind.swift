import Foundation

/// The two kinds of index directory, told apart by the file inside (`TextIndex.fileName`,
/// `ImageIndex.fileName`), for commands that accept either (`index merge`).
public enum IndexKind: String, Sendable, Equatable {
    case text, image

    /// Every entry an index directory may hold: the index file of either kind and a range
    /// shard's completion record. An existing directory is replaced by a new index only when
    /// it holds nothing else (`AtomicFile.replaceDirectory`), so `--out` never destroys a
    /// directory that is not an index.
    public static let directoryEntries: Set<String> = [TextIndex.fileName, ImageIndex.fileName, ShardCompletion.fileName,
                                                       ShardCompletion.nounsFileName, SourceIDs.fileName]

    /// Checks before a build that `directory` may receive an index: absent, empty, or an index
    /// directory (through symbolic links); errors name the path.
    public static func checkOutput(_ directory: URL) throws {
        try AtomicFile.checkDirectoryOutput(directory, ownedEntries: directoryEntries)
    }

    /// The kind of the index in `directory`. Errors name the directory and say what it is
    /// instead: missing, not a directory, or a directory without an index file. `role` names
    /// the directory in messages ("shard": "no such shard directory").
    public static func of(_ directory: URL, role: String = "index") throws -> IndexKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw FreqBenchError("no such \(role) directory", file: directory.path)
        }
        guard isDirectory.boolValue else {
            throw FreqBenchError("not a directory (expected an index directory holding \(TextIndex.fileName) or \(ImageIndex.fileName))",
                                 file: directory.path)
        }
        switch (TextIndex.isTextIndex(directory), ImageIndex.isImageIndex(directory)) {
        case (true, false): return .text
        case (false, true): return .image
        case (true, true):
            throw FreqBenchError("holds both \(TextIndex.fileName) and \(ImageIndex.fileName) (expected one index)", file: directory.path)
        case (false, false):
            throw FreqBenchError("not an index directory (no \(TextIndex.fileName) or \(ImageIndex.fileName))", file: directory.path)
        }
    }

    /// The kind shared by all `shards`; the first directory that is missing, not an index, or
    /// of another kind than the first one is named in the error.
    public static func ofShards(_ shards: [URL]) throws -> IndexKind {
        guard let first = shards.first else { throw FreqBenchError("no shard directories given") }
        let kinds = try shards.map { try of($0, role: "shard") }
        if let other = zip(shards, kinds).first(where: { $0.1 != kinds[0] }) {
            throw FreqBenchError("cannot merge \(other.1.withArticle) index with \(kinds[0].withArticle) index (\(first.path))",
                                 file: other.0.path)
        }
        return kinds[0]
    }

    /// "a text", "an image".
    var withArticle: String { self == .image ? "an image" : "a text" }
}
