import Foundation

/// What an index file says about itself: where it came from and where its sections lie.
/// The byte layout is documented in docs/FORMATS.md, "Text index".
public struct TextIndexHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("FBTEXTIX".utf8)
    /// Version 2: the corpus digest is made of per-file digests (`CorpusDigest`) and the
    /// header says which ids a shard covers; version 1 files are still read.
    /// Version 3 adds CRC32C checksums: of every posting list (in its dictionary entry), of
    /// the dictionary and strings sections, and of the header itself, checked as they are read.
    public static let formatVersion: UInt32 = 3
    /// Size of the fixed part; the annotator strings follow it.
    public static let fixedSize = 200

    /// The fixed part's size in `version` (192 before version 3).
    static func fixedSize(version: Int) -> Int { version >= 3 ? 200 : 192 }

    /// The format version of this header (files of versions 1 and 2 are still read).
    public var version = Int(TextIndexHeader.formatVersion)
    /// Version 3: CRC32C of the dictionary section followed by the strings section.
    public var sectionsChecksum: UInt32 = 0
    /// Size of one dictionary entry.
    public static let entrySize = 32

    /// Records in the whole corpus.
    public var recordCount: Int
    /// Records whose terms this index holds (all records, or those of its shard).
    public var indexedRecordCount: Int
    /// Which shard of a build this is (0/1 for a whole or merged index).
    public var shard: ShardSpec
    /// Whether `shard` is a plan's range shard (the ids in `idRange`) rather than the ids
    /// `≡ shard.index (mod shard.count)`.
    public var isRangeShard = false
    /// The ids this index covers: `0..<recordCount`, or a range shard's own ids.
    public var idRange: Range<Int>
    /// `CorpusDigest` of the corpus (32 bytes).
    public var corpusDigest: [UInt8]
    public var annotator: AnnotatorIdentity
    public var termCount: Int = 0
    public var postingCount: Int = 0
    public var postingsOffset: Int = 0
    public var postingsLength: Int = 0
    public var dictionaryOffset: Int = 0
    public var dictionaryLength: Int = 0
    public var stringsOffset: Int = 0
    public var stringsLength: Int = 0
    /// SHA-256 of every byte after the header.
    public var bodyDigest: [UInt8] = Array(repeating: 0, count: 32)

    public init(recordCount: Int, indexedRecordCount: Int, shard: ShardSpec, corpusDigest: [UInt8],
                annotator: AnnotatorIdentity) {
        self.recordCount = recordCount
        self.indexedRecordCount = indexedRecordCount
        self.shard = shard
        self.corpusDigest = corpusDigest
        self.annotator = annotator
        self.idRange = 0..<recordCount
    }

    /// The header of shard `shard` of a plan, which covers the ids `idRange` of a corpus of
    /// `recordCount` records.
    public init(rangeShard shard: ShardSpec, idRange: Range<Int>, recordCount: Int, indexedRecordCount: Int,
                corpusDigest: [UInt8], annotator: AnnotatorIdentity) {
        self.init(recordCount: recordCount, indexedRecordCount: indexedRecordCount, shard: shard,
                  corpusDigest: corpusDigest, annotator: annotator)
        self.isRangeShard = true
        self.idRange = idRange
    }

    /// How the shard is described in messages: `3/32 (ids 300..<400)` or `1/4 (id mod 4)`.
    public var shardDescription: String {
        if isRangeShard { return "\(shard) (ids \(idRange.lowerBound)..<\(idRange.upperBound))" }
        return shard.count == 1 ? "whole" : "\(shard) (id mod \(shard.count))"
    }

    /// Total header length: fixed part, annotator strings, zero padding to a multiple of 8.
    public var length: Int {
        let strings = 2 + annotator.name.utf8.count + 2 + annotator.version.utf8.count
        return (Self.fixedSize(version: version) + strings + 7) / 8 * 8
    }

    /// The header's bytes.
    public func encoded() -> [UInt8] {
        var bytes = Self.magic
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { bytes.append(contentsOf: $0) } }
        func put64(_ value: Int) { withUnsafeBytes(of: UInt64(truncatingIfNeeded: value).littleEndian) { bytes.append(contentsOf: $0) } }
        put32(version)
        put32(length)
        put64(recordCount)
        put64(indexedRecordCount)
        put32(shard.index)
        put32(shard.count)
        bytes.append(contentsOf: corpusDigest)
        put64(termCount)
        put64(postingCount)
        put64(postingsOffset)
        put64(postingsLength)
        put64(dictionaryOffset)
        put64(dictionaryLength)
        put64(stringsOffset)
        put64(stringsLength)
        bytes.append(contentsOf: bodyDigest)
        put64(idRange.lowerBound)
        put64(idRange.upperBound)
        put32(isRangeShard ? 1 : 0)
        if version >= 3 {
            put32(Int(sectionsChecksum))   // 188
            put32(0)                       // 192: the header's own CRC32C, filled in below
        }
        bytes.append(contentsOf: [UInt8](repeating: 0, count: Self.fixedSize(version: version) - bytes.count))
        for text in [annotator.name, annotator.version] {
            let utf8 = Array(text.utf8)
            withUnsafeBytes(of: UInt16(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }
        bytes.append(contentsOf: [UInt8](repeating: 0, count: length - bytes.count))
        if version >= 3 {
            let checksum = bytes.withUnsafeBytes { CRC32C.checksum($0) }
            withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(192..<196, with: $0) }
        }
        return bytes
    }

    /// Reads and checks a header at the start of `bytes` (a file of `bytes.count` bytes).
    /// Errors name `file` and say what was expected.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> TextIndexHeader {
        func fail(_ message: String) -> FreqBenchError { FreqBenchError(message, file: file, location: "header") }
        guard bytes.count >= fixedSize(version: 1) else {
            throw fail("truncated text index: \(bytes.count) bytes, expected at least the \(fixedSize(version: 1))-byte header")
        }
        guard Array(bytes[0..<8]) == magic else {
            throw fail("not a FreqBench text index: bad magic, expected \"FBTEXTIX\"")
        }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func u64(_ offset: Int) throws -> Int {
            let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            guard value <= UInt64(Int.max / 2) else { throw fail("corrupted text index: field at byte \(offset) is \(value)") }
            return Int(value)
        }
        let version = u32(8)
        guard (1...Int(formatVersion)).contains(version) else {
            throw fail("unsupported text index format version \(version), expected 1 to \(formatVersion)")
        }
        let fixed = fixedSize(version: version)
        guard bytes.count >= fixed else {
            throw fail("truncated text index: \(bytes.count) bytes, expected at least the \(fixed)-byte header")
        }
        let headerLength = u32(12)
        guard headerLength >= fixed + 4, headerLength <= bytes.count else {
            throw fail("truncated or corrupted text index: header length \(headerLength) for a file of \(bytes.count) bytes")
        }
        if version >= 3 {
            // The header's CRC32C, with its own field taken as zero.
            var copy = Array(bytes[0..<headerLength])
            let recorded = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 192, as: UInt32.self))
            copy.replaceSubrange(192..<196, with: [0, 0, 0, 0])
            guard copy.withUnsafeBytes({ CRC32C.checksum($0) }) == recorded else {
                throw fail("corrupted text index: the header does not match its checksum")
            }
        }
        var cursor = fixed
        func string() throws -> String {
            guard cursor + 2 <= headerLength else { throw fail("corrupted text index: annotator strings overrun the header") }
            let length = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt16.self)))
            guard cursor + 2 + length <= headerLength else { throw fail("corrupted text index: annotator strings overrun the header") }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(cursor + 2)..<(cursor + 2 + length)]), as: UTF8.self)
            cursor += 2 + length
            return text
        }
        let annotator = AnnotatorIdentity(name: try string(), version: try string())
        let shardIndex = u32(32), shardCount = u32(36)
        guard let shard = try? ShardSpec(index: shardIndex, count: shardCount) else {
            throw fail("corrupted text index: shard \(shardIndex)/\(shardCount)")
        }
        var header = TextIndexHeader(recordCount: try u64(16), indexedRecordCount: try u64(24), shard: shard,
                                     corpusDigest: Array(bytes[40..<72]), annotator: annotator)
        header.termCount = try u64(72)
        header.postingCount = try u64(80)
        header.postingsOffset = try u64(88)
        header.postingsLength = try u64(96)
        header.dictionaryOffset = try u64(104)
        header.dictionaryLength = try u64(112)
        header.stringsOffset = try u64(120)
        header.stringsLength = try u64(128)
        header.bodyDigest = Array(bytes[136..<168])
        header.version = version
        if version >= 3 { header.sectionsChecksum = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 188, as: UInt32.self)) }
        if version >= 2 {
            let first = try u64(168), end = try u64(176), kind = u32(184)
            guard first <= end, end <= header.recordCount, kind <= 1, kind == 1 || (first == 0 && end == header.recordCount) else {
                throw fail("corrupted text index: id range \(first)..<\(end) (kind \(kind)) of \(header.recordCount) records")
            }
            header.idRange = first..<end
            header.isRangeShard = kind == 1
        }
        guard header.indexedRecordCount <= header.idRange.count else {
            throw fail("corrupted text index: \(header.indexedRecordCount) indexed records in \(header.idRange.count) ids")
        }
        guard header.length == headerLength else {
            throw fail("corrupted text index: header length \(headerLength), expected \(header.length)")
        }
        // The sections follow each other and end exactly at the end of the file.
        let expectedEnd = header.stringsOffset + header.stringsLength
        guard header.postingsOffset == headerLength,
              header.dictionaryOffset == header.postingsOffset + header.postingsLength,
              header.stringsOffset == header.dictionaryOffset + header.dictionaryLength,
              header.postingsLength >= PostingsCodec.readPadding,
              header.termCount <= header.dictionaryLength / entrySize,   // (no overflow in the product below)
              header.dictionaryLength == header.termCount * entrySize else {
            throw fail("corrupted text index: inconsistent section offsets")
        }
        guard expectedEnd == bytes.count else {
            throw fail(expectedEnd > bytes.count
                ? "truncated text index: \(bytes.count) bytes, the header describes \(expectedEnd)"
                : "corrupted text index: \(bytes.count) bytes, the header describes \(expectedEnd)")
        }
        return header
    }
}
