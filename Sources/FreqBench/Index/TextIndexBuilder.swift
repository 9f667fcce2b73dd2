import Foundation

/// Collects the term sets of captions in memory and writes them as a text index.
///
/// Records must be added in increasing id order (so each posting list is already sorted);
/// the result depends only on the (id, terms) pairs and the header fields, never on
/// batching or threads.
public final class TextIndexBuilder {
    private var postings: [String: [UInt32]] = [:]
    private var lastId = -1
    public private(set) var indexedRecordCount = 0

    public init() {}

    /// Adds the terms of record `id`. Duplicate terms are ignored.
    public func add(id: Int, terms: [String]) throws {
        guard id > lastId else {
            throw FreqBenchError("record ids must increase: got \(id) after \(lastId)", location: "record \(id)")
        }
        guard id <= Int(UInt32.max) else {
            throw FreqBenchError("record id \(id) exceeds the index limit of \(UInt32.max)", location: "record \(id)")
        }
        lastId = id
        indexedRecordCount += 1
        let value = UInt32(id)
        for term in terms {
            postings[term, default: []].appendIfNew(value)
        }
    }

    /// Writes the index directory `directory` atomically (temp directory + rename).
    @discardableResult
    public func write(to directory: URL, recordCount: Int, shard: ShardSpec, corpusDigest: [UInt8],
                      annotator: AnnotatorIdentity, extraFiles: [URL] = []) throws -> TextIndexHeader {
        let header = TextIndexHeader(recordCount: recordCount, indexedRecordCount: indexedRecordCount, shard: shard,
                                     corpusDigest: corpusDigest, annotator: annotator)
        let terms = postings.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return try Self.writeIndexDirectory(directory, header: header, finishing: { try Self.move(extraFiles, into: $0) }) { writer in
            for term in terms {
                guard let ids = postings[term] else { continue }
                try ids.withUnsafeBufferPointer { try writer.append(term: term, ids: $0) }
            }
        }
    }

    /// Writes the index directory `directory` atomically with `header`'s description (its
    /// indexed record count is this builder's); with a `completion`, the shard's completion
    /// record goes into the directory with it.
    @discardableResult
    public func write(to directory: URL, header: TextIndexHeader, completion: ShardCompletion? = nil,
                      extraFiles: [URL] = []) throws -> TextIndexHeader {
        var header = header
        header.indexedRecordCount = indexedRecordCount
        let terms = postings.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return try Self.writeIndexDirectory(directory, header: header, completion: completion,
                                            finishing: { try Self.move(extraFiles, into: $0) }) { writer in
            for term in terms {
                guard let ids = postings[term] else { continue }
                try ids.withUnsafeBufferPointer { try writer.append(term: term, ids: $0) }
            }
        }
    }

    /// Writes an index into a temporary directory beside `directory` and renames it into
    /// place; on any error the temporary directory is removed and `directory` is untouched.
    static func writeIndexDirectory(_ directory: URL, header: TextIndexHeader, completion: ShardCompletion? = nil,
                                    finishing: ((URL) throws -> Void)? = nil,
                                    body: (TextIndexWriter) throws -> Void) throws -> TextIndexHeader {
        try IndexKind.checkOutput(directory)
        let temporary = AtomicFile.temporaryURL(for: directory)
        do { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false) } catch {
            throw AtomicFile.wrap(error, "cannot create the temporary index directory \(temporary.path)", file: directory)
        }
        do {
            let writer = try TextIndexWriter(url: temporary.appendingPathComponent(TextIndex.fileName), header: header)
            let written: TextIndexHeader
            do {
                try body(writer)
                written = try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
            try finishing?(temporary)
            if var completion {
                completion.outputDigest = written.bodyDigest
                try completion.write(into: temporary)
            }
            try AtomicFile.replaceDirectory(directory, with: temporary, ownedEntries: IndexKind.directoryEntries)
            return written
        } catch {
            // Before the exchange the new index, after it the old one: either way not needed.
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFile.wrap(error, "cannot write the index", file: directory)
        }
    }
}

extension TextIndexBuilder {
    /// Moves `files` (sidecars such as `SourceIDs`) into an index's temporary directory.
    static func move(_ files: [URL], into directory: URL) throws {
        for file in files {
            let target = directory.appendingPathComponent(file.lastPathComponent)
            guard rename(file.path, target.path) == 0 else {
                throw FreqBenchError("cannot move into the index: \(String(cString: strerror(errno)))", file: file.path)
            }
        }
    }
}

private extension Array where Element == UInt32 {
    @inline(__always)
    mutating func appendIfNew(_ value: UInt32) {
        if last != value { append(value) }
    }
}
