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
    private let offsetsStart: Int
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
        guard version == ImageIndexLayout.formatVersion else {
            throw fail("image index format version \(version) is not supported (expected \(ImageIndexLayout.formatVersion))")
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
        self.thresholds = try thresholdValues.map {
            guard let value = $0.doubleValue else { throw fail("image index header has a non-numeric threshold") }
            return try TagThreshold(value)
        }
        self.tags = try tagValues.map {
            guard let tag = $0.stringValue else { throw fail("image index header has a non-string tag") }
            return tag
        }
        self.sampleCount = sampleCount
        self.duplicateIDsAllowed = duplicates
        var columns: [String: Int] = [:]
        for (column, tag) in tags.enumerated() { columns[tag] = column }
        tagColumns = columns

        let offsetsStart = 16 + headerLength
        let listCount = thresholds.count * tags.count
        let postingsStart = offsetsStart + (listCount + 1) * 8
        guard postingsStart + postingCount * 4 == length else {
            throw fail("image index is truncated or corrupt (expected \(postingsStart + postingCount * 4) bytes, found \(length))")
        }
        func offset(_ key: Int) -> Int {
            Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offsetsStart + key * 8, as: UInt64.self)))
        }
        var previous = 0
        for key in 0...listCount {
            let current = offset(key)
            guard current >= previous, current <= postingCount, key > 0 || current == 0 else { throw fail("image index offsets are corrupt") }
            previous = current
        }
        guard previous == postingCount else { throw fail("image index offsets are corrupt") }
        self.base = base
        self.mappedLength = length
        self.offsetsStart = offsetsStart
        self.postingsStart = postingsStart
        parsed = true
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }

    @inline(__always)
    private func offset(_ key: Int) -> Int {
        Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offsetsStart + key * 8, as: UInt64.self)))
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
        let key = t * tags.count + j
        return offset(key + 1) - offset(key)
    }

    /// The sorted sample ids of (threshold position `t`, tag column `j`).
    public func postings(threshold t: Int, tag j: Int) -> [UInt32] {
        let key = t * tags.count + j
        let start = offset(key)
        let count = offset(key + 1) - start
        return [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let destination = buffer.baseAddress {
                memcpy(destination, base + postingsStart + start * 4, count * 4)
            }
            initialized = count
        }
    }
}
