import Foundation

/// A part of a corpus that a `CorpusReader` reads in one go: a whole file, or one byte range
/// of a file (a shard's piece in a `CorpusPlan`).
public struct CorpusPiece: Sendable, Equatable {
    /// The file.
    public var file: URL
    /// The bytes to read (starting at a record), or `nil` for the whole file.
    public var byteRange: Range<Int>?
    /// The sample id of the piece's first record; `nil`: the id after the previous piece's last.
    public var firstID: Int?
    /// The line number at the start of the range, for messages.
    public var firstLine: Int
    /// What a plan recorded of these bytes, checked as they are read: any difference means
    /// the file changed since the plan, an error naming it.
    public var expected: Expectation?

    /// A plan's record of a piece.
    public struct Expectation: Sendable, Equatable {
        /// The size of the whole file.
        public var fileSize: Int
        /// Sample ids the piece consumes (records, bad ones included).
        public var records: Int
        /// XXH3-128 of the piece's bytes.
        public var checksum: [UInt8]

        public init(fileSize: Int, records: Int, checksum: [UInt8]) {
            self.fileSize = fileSize
            self.records = records
            self.checksum = checksum
        }
    }

    public init(file: URL, byteRange: Range<Int>? = nil, firstID: Int? = nil, firstLine: Int = 1, expected: Expectation? = nil) {
        self.file = file
        self.byteRange = byteRange
        self.firstID = firstID
        self.firstLine = firstLine
        self.expected = expected
    }
}

/// What reading one piece found: for a whole file, what the corpus digest is made of.
public struct CorpusPieceSummary: Sendable, Equatable {
    public var file: URL
    /// Bytes of the piece (the file's size for a whole file).
    public var bytes: Int
    /// Sample ids consumed (records, bad ones included).
    public var records: Int
    /// Records read, and records skipped as bad (`skipBadRecords`).
    public var goodRecords = 0
    public var skippedRecords = 0
    /// SHA-256 of the piece's bytes (empty for a plan's pieces, which are checked by XXH3).
    public var sha256: [UInt8]
}
