import Foundation

/// A memory-mapped image index: for each threshold and tag, the sorted ids of the samples
/// tagged with it (docs/FORMATS.md, "Image index").
///
/// Opening reads only the header; postings are read from the mapping when asked for, so a
/// cold process answers its first query without loading the index.
public final class ImageIndex: @unchecked Sendable {
    /// The file inside an index directory.
    public static let fileName = "image-index.fbi"

    /// The index file, for messages.
    public let url: URL
    /// `url.path`, kept for messages (`URL.path` is computed anew at each call).
    private let path: String
    public let precision: TagPrecision
    /// Ascending.
    public let thresholds: [TagThreshold]
    /// Tag names in column order.
    public let tags: [String]
    /// Number of samples (probability rows) indexed.
    public let sampleCount: Int
    /// Whether lists may repeat a sample id (built with `--allow-duplicate-ids`).
    public let duplicateIDsAllowed: Bool

    private let tagColumns: [String: Int]
    private let base: UnsafeRawPointer
    private let mappedLength: Int
    private let tableStart: Int
    /// Version 3: where the lists' CRC32Cs start.
    private let checksumTableStart: Int?
    private let postingsStart: Int

    /// Whether `directory` holds an image index.
    public static func isImageIndex(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    /// Opens the index in `directory`, checking its header and layout.
    public static func open(_ directory: URL) throws -> ImageIndex {
        try ImageIndex(url: directory.appendingPathComponent(fileName))
    }

    private init(url: URL) throws {
        self.url = url
        self.path = url.path
        func fail(_ message: String) -> FreqBenchError { FreqBenchError(message, file: url.path) }
        let descriptor = Foundation.open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FreqBenchError("cannot open image index (\(String(cString: strerror(errno))))", file: url.path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("cannot stat image index") }
        let length = Int(status.st_size)
        guard length >= 16 else { throw fail("not an image index (file too short)") }
        guard let mapping = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw fail("cannot map image index")
        }
        let base = UnsafeRawPointer(mapping)
        var parsed = false
        defer { if !parsed { munmap(mapping, length) } }

        let magic = (0..<8).map { base.load(fromByteOffset: $0, as: UInt8.self) }
        guard magic == ImageIndexLayout.magic else { throw fail("not an image index (bad magic)") }
        let version = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == 2 || version == ImageIndexLayout.formatVersion else {
            throw fail("image index format version \(version) is not supported (expected 2 or \(ImageIndexLayout.formatVersion))")
        }
        let headerLength = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        guard 16 + headerLength <= length else { throw fail("truncated image index header") }
        let headerData = Data(bytes: base + 16, count: headerLength)
        let header = try JSONParser.parse(headerData, source: url.path)
        guard header["kind"]?.stringValue == "image",
              let precisionName = header["precision"]?.stringValue, let precision = TagPrecision(rawValue: precisionName),
              let thresholdValues = header["thresholds"]?.arrayValue,
              let tagValues = header["tags"]?.arrayValue,
              let sampleCount = header["sample_count"]?.intValue,
              let postingCount = header["posting_count"]?.intValue,
              case .bool(let duplicates)? = header["duplicate_ids_allowed"] else {
            throw fail("image index header is incomplete")
        }
        self.precision = precision
        let thresholds = try thresholdValues.map {
            guard let value = $0.doubleValue, let threshold = try? TagThreshold(value) else {
                throw fail("corrupted image index: header threshold \($0) is not a number in [0, 1]")
            }
            return threshold
        }
        guard zip(thresholds, thresholds.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("corrupted image index: header thresholds \(thresholds.map(\.label)) are not ascending and distinct")
        }
        self.thresholds = thresholds
        guard sampleCount >= 0, postingCount >= 0 else {
            throw fail("corrupted image index: header sample_count \(sampleCount), posting_count \(postingCount)")
        }
        let tags = try tagValues.map {
            guard let tag = $0.stringValue else { throw fail("image index header has a non-string tag") }
            return tag
        }
        self.tags = tags
        self.sampleCount = sampleCount
        self.duplicateIDsAllowed = duplicates
        var columns: [String: Int] = [:]
        for (column, tag) in tags.enumerated() {
            guard columns.updateValue(column, forKey: tag) == nil else {
                throw fail("corrupted image index: header tag '\(tag)' appears twice")
            }
        }
        tagColumns = columns

        // Trailer: the offset of the list table; table: per list (u64 byte offset into the
        // postings, u32 count, u32 encoding), then the postings' end offset.
        let postingsStart = 16 + headerLength
        let listCount = thresholds.count * tags.count
        let tableLength = listCount * 16 + 8
        // Version 3: after the table, a CRC32C per list, the layout's CRC32C and 4 zero bytes.
        let checksumsLength = version >= 3 ? listCount * 4 + 8 : 0
        guard length >= postingsStart + PostingsCodec.readPadding + tableLength + checksumsLength + 8 else {
            throw fail("image index is truncated (\(length) bytes)")
        }
        // Every value read from the file is converted with `exactly:` and bounds-checked before
        // any arithmetic, so a damaged table is an error, never a trap.
        let tableValue = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
        guard let tableStart = Int(exactly: tableValue), tableStart == length - 8 - checksumsLength - tableLength,
              tableStart >= postingsStart + PostingsCodec.readPadding else {
            throw fail("corrupted image index: truncated or damaged (list table at \(tableValue), file of \(length) bytes)")
        }
        if version >= 3 {
            var checksum = CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: postingsStart))
            checksum = CRC32C.checksum(UnsafeRawBufferPointer(start: base + tableStart, count: tableLength + listCount * 4), continuing: checksum)
            let recorded = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: tableStart + tableLength + listCount * 4, as: UInt32.self))
            guard checksum == recorded else {
                throw fail("corrupted image index: the header or the list table does not match its checksum")
            }
        }
        self.checksumTableStart = version >= 3 ? tableStart + tableLength : nil
        let postingsEnd = tableStart - PostingsCodec.readPadding
        var total = 0
        var previous = 0
        for key in 0...listCount {
            let offsetValue = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: tableStart + key * 16, as: UInt64.self))
            guard let offset = Int(exactly: offsetValue), offset >= previous, offset <= postingsEnd - postingsStart else {
                throw FreqBenchError("corrupted image index: list table entry \(key) has offset \(offsetValue) (expected \(previous)...\(postingsEnd - postingsStart))",
                                     file: url.path, location: "list \(key)")
            }
            previous = offset
            if key < listCount {
                let count = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: tableStart + key * 16 + 8, as: UInt32.self)))
                let encoding = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: tableStart + key * 16 + 12, as: UInt32.self))
                guard encoding <= 1, encoding == 0 || duplicates else {
                    throw FreqBenchError("corrupted image index: unknown list encoding \(encoding)", file: url.path, location: "list \(key)")
                }
                total += count
            }
        }
        guard postingsStart + previous == postingsEnd, total == postingCount else {
            throw fail("corrupted image index: the postings do not match the header's posting_count")
        }
        self.base = base
        self.mappedLength = length
        self.tableStart = tableStart
        self.postingsStart = postingsStart
        parsed = true
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }

    /// List `key`'s entry: where its bytes start and end, its id count, and whether it is
    /// stored raw (the table was bounds-checked when the index was opened).
    @inline(__always)
    private func entry(_ key: Int) -> (start: Int, end: Int, count: Int, raw: Bool) {
        let at = tableStart + key * 16
        let offset = Int(truncatingIfNeeded: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        let next = Int(truncatingIfNeeded: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self)))
        let count = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)))
        let encoding = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))
        return (postingsStart + offset, postingsStart + next, count, encoding == 1)
    }

    /// The column of a tag, or nil when the tag list does not have it.
    public func column(of tag: String) -> Int? { tagColumns[tag] }

    /// The position of `threshold` among the indexed thresholds, or an error listing them.
    public func thresholdPosition(_ threshold: TagThreshold) throws -> Int {
        guard let position = thresholds.firstIndex(of: threshold) else {
            throw FreqBenchError("threshold \(threshold) is not in this image index (it has \(thresholds.map(\.label).joined(separator: ", ")))",
                                 file: url.path)
        }
        return position
    }

    /// Number of postings of (threshold position `t`, tag column `j`): the image count.
    public func postingCount(threshold t: Int, tag j: Int) -> Int {
        entry(t * tags.count + j).count
    }

    /// The sorted sample ids of (threshold position `t`, tag column `j`). Throws "corrupted image
    /// index" naming the file and the list when the list's bytes do not hold `count` ascending ids.
    public func postings(threshold t: Int, tag j: Int) throws -> [UInt32] {
        let key = t * tags.count + j
        let (start, end, count, raw) = entry(key)
        if let checksumTableStart {
            let recorded = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: checksumTableStart + 4 * key, as: UInt32.self))
            guard CRC32C.checksum(UnsafeRawBufferPointer(start: base + start, count: end - start)) == recorded else {
                throw FreqBenchError("corrupted image index: the list does not match its checksum", file: path, location: "list \(key)")
            }
        }
        guard count > 0 || end > start else { return [] }
        if raw {
            guard end - start == count * 4 else {
                throw FreqBenchError("corrupted image index: a raw list of \(count) ids in \(end - start) bytes",
                                     file: path, location: "list \(key)")
            }
            let ids = [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let destination = buffer.baseAddress { memcpy(destination, base + start, count * 4) }
                initialized = count
            }
            // Little-endian hosts (the writer checks); a raw list may repeat ids but is sorted.
            for k in ids.indices.dropFirst() where ids[k] < ids[k - 1] {
                throw FreqBenchError("corrupted image index: raw list ids are not ascending at position \(k)",
                                     file: path, location: "list \(key)")
            }
            return ids
        }
        return try PostingList.checked(count: count, bytes: base + start, length: end - start,
                                       ids: 0..<(UInt64(UInt32.max) + 1),
                                       file: path, index: "image", kind: "list", position: key).decoded()
    }
}

extension ImageIndex {
    /// Decodes every list (each checked: sizes, sorted ids) and returns the number of
    /// postings (`freqbench index check`).
    public func check() throws -> Int {
        var postings = 0
        for threshold in thresholds.indices {
            for tag in tags.indices { postings += try self.postings(threshold: threshold, tag: tag).count }
        }
        return postings
    }
}
