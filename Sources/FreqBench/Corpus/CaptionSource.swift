/// What a file reader yields for one record: its caption, or why the record is bad.
enum SourceRecord {
    case caption(String)
    /// A record with several captions (clip-rocket's images): its terms are their union.
    case captions([String])
    /// A record that cannot be read. `consumesID`: whether it still counts as a sample
    /// (true for every record-level error; see `CorpusOptions.skipBadRecords`).
    case bad(FreqBenchError, consumesID: Bool)
}

/// Where a source stands in its file: the byte offset and the 1-based line number of the
/// next unread byte, i.e. where the next record starts (after the blank lines before it,
/// or at them). A reader started there reads the same records that follow.
struct SourcePosition: Equatable {
    var offset: Int
    var line: Int
}

/// Reads the records of one corpus file (or one byte range of it), in order.
protocol CaptionSource: AnyObject {
    /// The next record, or `nil` at the end of the file. Throws only for errors that are
    /// not about one record (the file cannot be opened or read).
    func next() throws -> SourceRecord?
    /// Where the next record starts; `nil` for sources that cannot start mid-file.
    var position: SourcePosition? { get }
    /// Bytes read from the file so far.
    var bytesRead: Int { get }
    /// SHA-256 of the file (or range) bytes read so far; once `next()` has returned `nil`,
    /// of the whole file or range (empty when the source was opened without SHA-256).
    func consumedDigest() throws -> [UInt8]
    /// Checksums the bytes in segments too, from here on (plans: call before reading).
    func startSegmentDigests()
    /// XXH3-128 of the bytes consumed since the last call or `startSegmentDigests()`.
    func takeSegmentDigest() throws -> [UInt8]
    /// The own id of the record `next()` returned last (`CorpusOptions.idColumn`), or nil.
    var lastSourceID: String? { get }
}

extension CaptionSource {
    var lastSourceID: String? { nil }
}
