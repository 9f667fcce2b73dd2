import Foundation

#if _endian(big)
#error("the image index format is little-endian; this writer assumes a little-endian host")
#endif

/// Writes an image index directory (docs/FORMATS.md, "Image index").
///
/// The directory is written under a temporary name and renamed into place, so an interrupted
/// build leaves no half-written index under the output name. The bytes depend only on the
/// postings (no paths, times or shard layout), so a merged index equals a single build.
public enum ImageIndexWriter {
    /// Writes `postings` as an index directory at `directory`.
    public static func write(_ postings: ImagePostings, to directory: URL) throws {
        let sizes = (0..<postings.listCount).map { postings.offsets[$0 + 1] - postings.offsets[$0] }
        try write(layout: ImageIndexLayout(postings), listSizes: sizes, to: directory) { postings.list($0) }
    }

    /// Writes an index list by list: `list(k)` returns list `k` (threshold-major), whose size must be `listSizes[k]`.
    static func write(layout: ImageIndexLayout, listSizes: [Int], to directory: URL,
                      list: (Int) throws -> ArraySlice<UInt32>) throws {
        try IndexKind.checkOutput(directory)
        let temporary = AtomicFile.temporaryURL(for: directory)
        do { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false) } catch {
            throw AtomicFile.wrap(error, "cannot create the temporary index directory \(temporary.path)", file: directory)
        }
        do {
            let fileURL = temporary.appendingPathComponent(ImageIndex.fileName)
            guard FileManager.default.createFile(atPath: fileURL.path, contents: nil) else {
                throw FreqBenchError("cannot create index file", file: fileURL.path)
            }
            let handle = try FileHandle(forWritingTo: fileURL)
            var output = Data()
            output.reserveCapacity(1 << 22)
            func flush(force: Bool) throws {
                if force || output.count >= 1 << 22 {
                    try handle.write(contentsOf: output)
                    output.removeAll(keepingCapacity: true)
                }
            }
            let prefix = layout.encodedPrefix(postingCount: listSizes.reduce(0, +))
            output.append(contentsOf: prefix)
            // Postings: each list in the text index's block codec (`PostingsCodec`), or, when it
            // repeats an id (only with duplicates allowed), as raw little-endian u32.
            var checksums: [UInt32] = []
            checksums.reserveCapacity(listSizes.count)
            var entries: [UInt8] = []
            entries.reserveCapacity(listSizes.count * 16 + 8)
            func appendEntry<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { entries.append(contentsOf: $0) } }
            var position = 0
            var encoded: [UInt8] = []
            for key in listSizes.indices {
                let ids = try list(key)
                guard ids.count == listSizes[key] else {
                    throw FreqBenchError("internal: list \(key) has \(ids.count) ids, expected \(listSizes[key])")
                }
                encoded.removeAll(keepingCapacity: true)
                let raw = ImagePostings.firstRepeat(ids) != nil
                if raw {
                    ids.withUnsafeBytes { encoded.append(contentsOf: $0) } // little-endian hosts (checked above)
                } else {
                    ids.withUnsafeBufferPointer { PostingsCodec.encode($0, into: &encoded) }
                }
                appendEntry(UInt64(position))
                appendEntry(UInt32(ids.count))
                appendEntry(UInt32(raw ? 1 : 0))
                checksums.append(encoded.withUnsafeBytes { CRC32C.checksum($0) })
                output.append(contentsOf: encoded)
                position += encoded.count
                try flush(force: false)
            }
            appendEntry(UInt64(position))
            output.append(contentsOf: [UInt8](repeating: 0, count: PostingsCodec.readPadding))
            let tableOffset = UInt64(prefix.count + position + PostingsCodec.readPadding)
            output.append(contentsOf: entries)
            // Version 3: each list's CRC32C, then the CRC32C of the header, the table and these.
            var checksumTable: [UInt8] = []
            checksumTable.reserveCapacity(4 * checksums.count)
            for checksum in checksums { withUnsafeBytes(of: checksum.littleEndian) { checksumTable.append(contentsOf: $0) } }
            output.append(contentsOf: checksumTable)
            var layoutChecksum = prefix.withUnsafeBytes { CRC32C.checksum($0) }
            layoutChecksum = entries.withUnsafeBytes { CRC32C.checksum($0, continuing: layoutChecksum) }
            layoutChecksum = checksumTable.withUnsafeBytes { CRC32C.checksum($0, continuing: layoutChecksum) }
            withUnsafeBytes(of: layoutChecksum.littleEndian) { output.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(0)) { output.append(contentsOf: $0) }
            withUnsafeBytes(of: tableOffset.littleEndian) { output.append(contentsOf: $0) }
            try flush(force: true)
            try handle.synchronize()
            try handle.close()
            try AtomicFile.replaceDirectory(directory, with: temporary, ownedEntries: IndexKind.directoryEntries)
        } catch {
            // Before the exchange the new index, after it the old one: either way not needed.
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFile.wrap(error, "cannot write the index", file: directory)
        }
    }
}

/// Everything of an image index except its postings: the header and the list layout.
struct ImageIndexLayout: Equatable {
    static let magic: [UInt8] = Array("FBIMGIDX".utf8)
    /// Version 3 adds CRC32Cs: of every list, and of the header and list table together.
    static let formatVersion: UInt32 = 3

    var precision: TagPrecision
    var thresholds: [TagThreshold]
    var tags: [String]
    var sampleCount: Int
    var duplicateIDsAllowed: Bool

    init(precision: TagPrecision, thresholds: [TagThreshold], tags: [String], sampleCount: Int, duplicateIDsAllowed: Bool) {
        self.precision = precision
        self.thresholds = thresholds
        self.tags = tags
        self.sampleCount = sampleCount
        self.duplicateIDsAllowed = duplicateIDsAllowed
    }

    init(_ postings: ImagePostings) {
        self.init(precision: postings.precision, thresholds: postings.thresholds, tags: postings.tags,
                  sampleCount: postings.sampleCount, duplicateIDsAllowed: postings.duplicateIDsAllowed)
    }

    /// The header as JSON (compact, keys in this order).
    func headerJSON(postingCount: Int) -> JSONValue {
        .object([
            "kind": .string("image"),
            "format_version": .int(Int(Self.formatVersion)),
            "precision": .string(precision.rawValue),
            "thresholds": .array(thresholds.map { .double($0.value) }),
            "sample_count": .int(sampleCount),
            "posting_count": .int(postingCount),
            "duplicate_ids_allowed": .bool(duplicateIDsAllowed),
            "tags": .array(tags.map { .string($0) }),
        ])
    }

    /// Magic, version, header length and header (padded to 8 bytes).
    func encodedPrefix(postingCount: Int) -> [UInt8] {
        var header = Array(JSONWriter().string(headerJSON(postingCount: postingCount)).utf8)
        while (16 + header.count) % 8 != 0 { header.append(0x20) }
        var bytes = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(Self.formatVersion)
        append(UInt32(header.count))
        bytes.append(contentsOf: header)
        return bytes
    }
}
