import CMalloc
import Foundation

/// Writes one text index file, streaming: posting lists are appended term by term in
/// strictly increasing UTF-8 byte order, then `finish()` writes the dictionary, the
/// term strings and, last, the header (with the digest of everything after it).
///
/// Memory does not grow with the index: the dictionary and the term strings, which come
/// after the postings in the file, are spilled to temporary files beside it until `finish()`
/// copies them in. The output is a function of the header fields and the (term, ids) pairs
/// only, so a single build and a merge of shards give the same bytes.
final class TextIndexWriter {
    private let url: URL
    private let handle: FileHandle
    private var header: TextIndexHeader
    private var bodyHasher = SHA256()
    private var buffer: [UInt8] = []
    private var offset: Int
    private let dictionary: SpillFile
    private let strings: SpillFile
    private var previousTerm: [UInt8]?
    private var encoded: [UInt8] = []
    /// Bytes handed to the file so far, and where the last started writeback ended.
    private var written = 0
    private var writebackStart = 0
    /// Writeback is started every this many bytes, so that the disk works while the writer
    /// computes and the final fsync waits only for the last piece (as fast as the disk).
    private static let writebackInterval = 8 << 20

    init(url: URL, header: TextIndexHeader) throws {
        self.url = url
        self.header = header
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw FreqBenchError("cannot create index file", file: url.path)
        }
        self.handle = handle
        let directory = url.deletingLastPathComponent()
        dictionary = try SpillFile(url: directory.appendingPathComponent(".dictionary.spill"))
        strings = try SpillFile(url: directory.appendingPathComponent(".strings.spill"))
        let placeholder = [UInt8](repeating: 0, count: header.length)
        try handle.write(contentsOf: placeholder)
        written = placeholder.count
        self.offset = header.length
        self.header.postingsOffset = header.length
        buffer.reserveCapacity(1 << 21)
    }

    /// Appends the posting list of `term`; `ids` sorted ascending and distinct, not empty.
    func append(term: String, ids: UnsafeBufferPointer<UInt32>) throws {
        var term = term
        try term.withUTF8 { try append(termBytes: UnsafeRawBufferPointer($0), ids: ids) }
    }

    /// Appends the posting list of the term whose UTF-8 bytes are `termBytes`.
    func append(termBytes: UnsafeRawBufferPointer, ids: UnsafeBufferPointer<UInt32>) throws {
        precondition(!ids.isEmpty, "empty posting list")
        try append(termBytes: termBytes, count: ids.count) { emit in
            encoded.removeAll(keepingCapacity: true)
            PostingsCodec.encode(ids, into: &encoded)
            try encoded.withUnsafeBytes { try emit($0) }
        }
    }

    /// Appends the posting list of `count` ids of a term, whose encoding `writePostings`
    /// hands, in pieces, to the `emit` it is given (for lists too long to hold: see
    /// `PostingsConcatenation`).
    func append(termBytes: UnsafeRawBufferPointer, count: Int,
                writePostings: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        if let previousTerm, !previousTerm.lexicographicallyPrecedes(termBytes) {
            throw FreqBenchError("internal error: index terms not in increasing byte order at '\(String(decoding: termBytes, as: UTF8.self))'",
                                 file: url.path)
        }
        previousTerm = Array(termBytes)
        guard count > 0, count <= Int(UInt32.max) else {
            throw FreqBenchError("internal error: posting list of \(count) ids", file: url.path)
        }
        let listOffset = offset
        var listChecksum: UInt32 = 0
        try writePostings { bytes in
            listChecksum = CRC32C.checksum(bytes, continuing: listChecksum)
            try emit(bytes)
        }
        let listLength = offset - listOffset
        try dictionary.appendLittleEndian(UInt32(truncatingIfNeeded: strings.count))
        try dictionary.appendLittleEndian(UInt32(truncatingIfNeeded: termBytes.count))
        try dictionary.appendLittleEndian(UInt32(truncatingIfNeeded: count))
        try dictionary.appendLittleEndian(listChecksum)
        try dictionary.appendLittleEndian(UInt64(listOffset))
        try dictionary.appendLittleEndian(UInt64(listLength))
        try strings.append(contentsOf: termBytes)
        header.termCount += 1
        header.postingCount += count
    }

    /// Writes the remaining sections and the header, and closes the file.
    func finish() throws -> TextIndexHeader {
        try [UInt8](repeating: 0, count: PostingsCodec.readPadding).withUnsafeBytes { try emit($0) }
        header.postingsLength = offset - header.postingsOffset
        header.dictionaryOffset = offset
        header.dictionaryLength = dictionary.count
        var sectionsChecksum: UInt32 = 0
        try dictionary.copy { bytes in
            sectionsChecksum = CRC32C.checksum(bytes, continuing: sectionsChecksum)
            try emit(bytes)
        }
        header.stringsOffset = offset
        header.stringsLength = strings.count
        try strings.copy { bytes in
            sectionsChecksum = CRC32C.checksum(bytes, continuing: sectionsChecksum)
            try emit(bytes)
        }
        header.sectionsChecksum = sectionsChecksum
        try flush()
        dictionary.remove()
        strings.remove()
        header.bodyDigest = bodyHasher.digest()
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header.encoded())
        try handle.synchronize()
        try handle.close()
        return header
    }

    /// Closes the file after a failure (the caller removes it).
    func abandon() {
        try? handle.close()
        dictionary.remove()
        strings.remove()
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bodyHasher.update(bytes: $0) }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw FreqBenchError("cannot write index: \(error.localizedDescription)", file: url.path)
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
        if written - writebackStart >= Self.writebackInterval {
            // Only a hint: where the call fails (ENOSYS, a file system without it) the final
            // fsync does all the work, as before.
            _ = cmalloc_sync_file_range(handle.fileDescriptor, Int64(writebackStart), Int64(written - writebackStart),
                                        UInt32(CMALLOC_SYNC_FILE_RANGE_WRITE))
            writebackStart = written
        }
    }
}
