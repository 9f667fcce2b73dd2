import Foundation

/// The source ids of an index build while it runs (`CorpusOptions.idColumn`): written in a
/// scratch folder beside the output, then moved into the index directory with it.
final class SourceIDSidecar {
    let writer: SourceIDs.Writer
    private let scratch: URL

    /// nil when the options ask for no source ids.
    init?(options: CorpusOptions, beside output: URL, idRange: Range<Int>) throws {
        guard options.idColumn != nil else { return nil }
        let parent = output.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        scratch = AtomicFile.temporaryURL(for: output.appendingPathExtension("ids"))
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        writer = try SourceIDs.Writer(directory: scratch, firstID: idRange.lowerBound)
    }

    /// Writes the file (covering ids up to `endID`) and returns it.
    func finish(endID: Int) throws -> URL {
        try writer.finish(endID: endID)
        return scratch.appendingPathComponent(SourceIDs.fileName)
    }

    /// Removes the scratch folder (whatever was not moved into the index).
    func discard() { try? FileManager.default.removeItem(at: scratch) }
}
