import Foundation

/// Writes one text index file, streaming: posting lists are appended term by term in
/// strictly increasing UTF-8 byte order, then `finish()` writes the dictionary, the
/// term strings and, last, the header (with the digest of everything after it).
///
/// The output is a function of the header fields and the (term, ids) pairs only, so a
/// single build and a merge of shards give the same bytes.
final class TextIndexWriter {
    private let url: URL
    private let handle: FileHandle
    private var header: TextIndexHeader
    private var bodyHasher = SHA256()
    private var buffer: [UInt8] = []
    private var offset: Int
    private var dictionary: [UInt8] = []
    private var strings: [UInt8] = []
    private var previousTerm: [UInt8]?
    private var encoded: [UInt8] = []

    init(url: URL, header: TextIndexHeader) throws {
        self.url = url
        self.header = header
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw FreqBenchError("cannot create index file", file: url.path)
        }
        self.handle = handle
        let placeholder = [UInt8](repeating: 0, count: header.length)
        try handle.write(contentsOf: placeholder)
        self.offset = header.length
        self.header.postingsOffset = header.length
    }

    /// Appends the posting list of `term`; `ids` sorted ascending and distinct, not empty.
    func append(term: String, ids: UnsafeBufferPointer<UInt32>) throws {
        let termBytes = Array(term.utf8)
        if let previousTerm, !previousTerm.lexicographicallyPrecedes(termBytes) {
            throw FreqBenchError("internal error: index terms not in increasing byte order at '\(term)'", file: url.path)
        }
        previousTerm = termBytes
        precondition(!ids.isEmpty, "empty posting list")
        encoded.removeAll(keepingCapacity: true)
        PostingsCodec.encode(ids, into: &encoded)
        appendEntry(keyOffset: strings.count, keyLength: termBytes.count, count: ids.count,
                    postingsOffset: offset, postingsLength: encoded.count)
        strings.append(contentsOf: termBytes)
        try emit(encoded)
        header.termCount += 1
        header.postingCount += ids.count
    }

    /// Writes the remaining sections and the header, and closes the file.
    func finish() throws -> TextIndexHeader {
        try emit([UInt8](repeating: 0, count: PostingsCodec.readPadding))
        header.postingsLength = offset - header.postingsOffset
        header.dictionaryOffset = offset
        header.dictionaryLength = dictionary.count
        try emit(dictionary)
        header.stringsOffset = offset
        header.stringsLength = strings.count
        try emit(strings)
        try flush()
        header.bodyDigest = SHA256.bytes(ofHex: bodyHasher.hexDigest())
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header.encoded())
        try handle.synchronize()
        try handle.close()
        return header
    }

    /// Closes the file after a failure (the caller removes it).
    func abandon() { try? handle.close() }

    private func appendEntry(keyOffset: Int, keyLength: Int, count: Int, postingsOffset: Int, postingsLength: Int) {
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { dictionary.append(contentsOf: $0) } }
        func put64(_ value: Int) { withUnsafeBytes(of: UInt64(truncatingIfNeeded: value).littleEndian) { dictionary.append(contentsOf: $0) } }
        put32(keyOffset)
        put32(keyLength)
        put32(count)
        put32(0)
        put64(postingsOffset)
        put64(postingsLength)
    }

    private func emit(_ bytes: [UInt8]) throws {
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
        buffer.removeAll(keepingCapacity: true)
    }
}
