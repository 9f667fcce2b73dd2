import Foundation

/// A text index opened for search: term -> sorted caption ids, memory-mapped.
///
/// Opening reads and checks only the header (and its checksum), so it costs the same for any
/// corpus size; a lookup binary-searches the sorted dictionary in place and touches only the
/// pages of the terms asked for. Checksums (format version 3) are checked as data is used: the
/// dictionary and strings sections once, at the first lookup, and each posting list the first
/// time it is used, so a damaged byte is an error naming the file and the term, never a wrong
/// count. An index is a directory holding one file, `text.fbidx`
/// (format: docs/FORMATS.md, "Text index").
public final class TextIndex: @unchecked Sendable {
    /// The file inside an index directory.
    public static let fileName = "text.fbidx"

    public let directory: URL
    public let header: TextIndexHeader
    private let file: MemoryMappedFile
    /// The file's path, for messages (kept: `URL.path` is computed anew at each call).
    private let path: String
    /// Guards `sectionsChecked` and `checkedLists`.
    private let lock = NSLock()
    private var sectionsChecked = false
    /// One bit per term: its posting list's checksum has been checked.
    private var checkedLists: [UInt64]
    /// Whether lists and sections are checked against their checksums as they are first read
    /// (always, except in `bench text`, which measures what the checks cost).
    private let verifiesChecksums: Bool

    /// Opens the index in `directory` (or the index file itself).
    public convenience init(directory: URL) throws {
        try self.init(directory: directory, verifyingChecksums: true)
    }

    /// `verifyingChecksums: false` is for measuring the checks' cost only.
    init(directory: URL, verifyingChecksums: Bool) throws {
        verifiesChecksums = verifyingChecksums
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw FreqBenchError("no such index directory", file: directory.path)
        }
        let fileURL = isDirectory.boolValue ? directory.appendingPathComponent(Self.fileName) : directory
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw FreqBenchError("not a text index directory: \(Self.fileName) is missing", file: directory.path)
        }
        self.directory = directory
        self.file = try MemoryMappedFile(url: fileURL)
        self.path = fileURL.path
        self.header = try TextIndexHeader.decode(file.bytes, file: fileURL.path)
        checkedLists = [UInt64](repeating: 0, count: (header.termCount + 63) / 64)
    }

    /// Checks the dictionary and strings sections against their checksum, once (version 3).
    private func checkSections() throws {
        guard header.version >= 3, verifiesChecksums else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !sectionsChecked else { return }
        let sections = UnsafeRawBufferPointer(rebasing: file.bytes[header.dictionaryOffset..<(header.stringsOffset + header.stringsLength)])
        guard CRC32C.checksum(sections) == header.sectionsChecksum else {
            throw FreqBenchError("corrupted text index: the dictionary or the terms do not match their checksum", file: path,
                                 location: "dictionary")
        }
        sectionsChecked = true
    }

    /// Checks term `position`'s posting list against the checksum in its entry, once (version 3).
    private func checkList(_ entry: Entry, position: Int) throws {
        guard header.version >= 3, verifiesChecksums else { return }
        lock.lock()
        defer { lock.unlock() }
        let word = position >> 6, bit = UInt64(1) << UInt64(position & 63)
        guard checkedLists[word] & bit == 0 else { return }
        let list = UnsafeRawBufferPointer(rebasing: file.bytes[entry.postingsOffset..<(entry.postingsOffset + entry.postingsLength)])
        guard CRC32C.checksum(list) == entry.checksum else {
            throw FreqBenchError("corrupted text index: the posting list does not match its checksum", file: path,
                                 location: "term \(position)")
        }
        checkedLists[word] |= bit
    }

    /// Checks everything: the body digest, the sections' and every posting list's checksum,
    /// and that every list decodes to sorted ids inside the index's id range
    /// (`freqbench index check`). Returns the number of postings checked.
    @discardableResult
    public func check() throws -> Int {
        try verify()
        try checkSections()
        var postings = 0
        for position in 0..<termCount {
            let list = try entry(at: position).postings
            _ = try list.decoded()
            postings += list.count
        }
        return postings
    }

    /// Whether `directory` holds a text index file.
    public static func isTextIndex(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    public var termCount: Int { header.termCount }

    /// The `position`-th term in byte order, with its posting list.
    public func entry(at position: Int) throws -> (term: String, postings: PostingList) {
        precondition(position >= 0 && position < termCount)
        try checkSections()
        let entry = try checkedEntry(position)
        let key = UnsafeRawBufferPointer(rebasing: file.bytes[entry.keyStart..<(entry.keyStart + entry.keyLength)])
        return (String(decoding: key, as: UTF8.self), try postings(entry, position: position))
    }

    /// The `position`-th term's UTF-8 bytes (inside the mapping) and its posting list: what
    /// a merge needs, without making a `String` per term.
    func rawEntry(at position: Int) throws -> (key: UnsafeRawBufferPointer, postings: PostingList) {
        precondition(position >= 0 && position < termCount)
        try checkSections()
        let entry = try checkedEntry(position)
        let key = UnsafeRawBufferPointer(rebasing: file.bytes[entry.keyStart..<(entry.keyStart + entry.keyLength)])
        return (key, try postings(entry, position: position))
    }

    /// Drops the mapped pages of the postings before term `position` from this process's
    /// resident memory (they stay in the page cache, and are read again if touched): a
    /// merge, which reads each shard's postings once in order, stays bounded in memory.
    func releasePostingPages(before position: Int) {
        guard position > 0, position <= termCount, let base = file.bytes.baseAddress,
              let entry = try? checkedEntry(position == termCount ? position - 1 : position) else { return }
        let end = position == termCount ? entry.postingsOffset + entry.postingsLength : entry.postingsOffset
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = end / page * page
        if length > 0 { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_DONTNEED) }
    }

    /// The posting list of `term` (exact, case-sensitive), or nil when the index lacks it.
    public func postings(for term: String) throws -> PostingList? {
        guard let position = try position(of: term) else { return nil }
        return try postings(at: position)
    }

    /// The position of `term` in the dictionary (exact, case-sensitive), or nil when the
    /// index lacks it.
    public func position(of term: String) throws -> Int? {
        try checkSections()
        var term = term
        return try term.withUTF8 { key -> Int? in
            var low = 0, high = termCount
            while low < high {
                let middle = (low + high) / 2
                let order = compare(try checkedEntry(middle), key)
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The posting list of the term at `position` (checked against its checksum on first use).
    public func postings(at position: Int) throws -> PostingList {
        precondition(position >= 0 && position < termCount)
        try checkSections()
        return try postings(try checkedEntry(position), position: position)
    }

    /// The number of records of the term at `position`, from the dictionary alone (checked
    /// with it): a one-term count never reads, or checks, the list itself.
    public func postingCount(at position: Int) throws -> Int {
        precondition(position >= 0 && position < termCount)
        try checkSections()
        return try checkedEntry(position).count
    }

    /// Document frequency of `term`: the number of captions that contain it (0 if absent).
    public func documentFrequency(of term: String) throws -> Int { try position(of: term).map { try postingCount(at: $0) } ?? 0 }

    /// Reads the whole body and checks it against the header's digest. The file is read
    /// with `pread`, not through the mapping, so checking a large index does not leave its
    /// pages in this process's resident memory.
    public func verify() throws {
        var hasher = SHA256()
        let descriptor = open(file.url.path, O_RDONLY)
        guard descriptor >= 0 else { throw FreqBenchError("cannot open: \(String(cString: strerror(errno)))", file: path) }
        defer { close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 64)
        defer { chunk.deallocate() }
        var offset = header.length
        while offset < file.bytes.count {
            let count = pread(descriptor, chunk.baseAddress, min(chunk.count, file.bytes.count - offset), off_t(offset))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw FreqBenchError("cannot read the index body: \(String(cString: strerror(errno)))", file: path) }
            hasher.update(bytes: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            offset += count
        }
        guard hasher.digest() == header.bodyDigest else {
            throw FreqBenchError("corrupted text index: the content does not match the digest in its header", file: path)
        }
    }

    /// Size of the index file in bytes.
    public var fileSize: Int { file.bytes.count }

    private struct Entry {
        var keyStart: Int
        var keyLength: Int
        var count: Int
        var postingsOffset: Int
        var postingsLength: Int
        /// CRC32C of the list's bytes (version 3).
        var checksum: UInt32
    }

    private func checkedEntry(_ position: Int) throws -> Entry {
        let base = header.dictionaryOffset + position * TextIndexHeader.entrySize
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: base + offset, as: UInt32.self))) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: base + offset, as: UInt64.self)) }
        let keyOffset = u32(0), keyLength = u32(4), count = u32(8), checksum = UInt32(truncatingIfNeeded: u32(12))
        let postingsOffset = u64(16), postingsLength = u64(24)
        let postingsEnd = UInt64(header.postingsOffset + header.postingsLength - PostingsCodec.readPadding)
        guard keyOffset + keyLength <= header.stringsLength, count > 0,
              postingsOffset >= UInt64(header.postingsOffset), postingsLength <= postingsEnd,
              postingsOffset <= postingsEnd - postingsLength,
              Int(postingsLength) >= 5 * PostingsCodec.blockCount(count) else {
            throw FreqBenchError("corrupted text index: dictionary entry out of bounds", file: path, location: "term \(position)")
        }
        return Entry(keyStart: header.stringsOffset + keyOffset, keyLength: keyLength, count: count,
                     postingsOffset: Int(postingsOffset), postingsLength: Int(postingsLength), checksum: checksum)
    }

    private func postings(_ entry: Entry, position: Int) throws -> PostingList {
        guard let base = file.bytes.baseAddress else { throw FreqBenchError("empty index file", file: path) }
        try checkList(entry, position: position)
        let range = header.idRange
        return try PostingList.checked(count: entry.count, bytes: base + entry.postingsOffset, length: entry.postingsLength,
                                       ids: UInt64(range.lowerBound)..<UInt64(range.upperBound),
                                       file: path, index: "text", kind: "term", position: position)
    }

    /// memcmp-style order of the entry's key against `key`.
    private func compare(_ entry: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = file.bytes.baseAddress else { return 0 }
        let common = min(entry.keyLength, key.count)
        if common > 0, let keyBase = key.baseAddress {
            let order = memcmp(base + entry.keyStart, keyBase, common)
            if order != 0 { return Int(order) }
        }
        return entry.keyLength - key.count
    }
}
