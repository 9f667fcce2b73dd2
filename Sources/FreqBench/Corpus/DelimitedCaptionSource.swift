import Foundation

/// Reads the captions of one TSV/CSV file (`cc3m`, `cc12m`, `tsv`, `csv`).
///
/// Which column holds the caption: `cc3m` column 0 of `caption<TAB>url`, `cc12m` column 1
/// of `url<TAB>caption` (both without header, at most 2 fields per record, as
/// `read_csv(names=[..., ...])` requires), `tsv`/`csv` the column named by
/// `CorpusOptions.captionColumn`. With a header row, the header fixes the number of
/// fields a record may have; a record with fewer fields is fine as long as it has the
/// caption column (pandas fills the rest with NaN).
final class DelimitedCaptionSource: CaptionSource {
    /// The caption column: known, or a header name to look up in the first record.
    enum Column {
        case index(Int)
        case name(String)
    }

    private let reader: ByteChunkReader
    private var parser: DelimitedRecordParser
    private var column: Column
    private var skipHeader: Bool
    /// The most fields a record may have (`nil`: any number).
    private var maximumFields: Int?
    private let layout: String
    /// Line number (1-based) of the next byte to parse.
    private var line = 1
    /// Find records without decoding them (plans).
    private let countOnly: Bool
    /// Bytes read to find the header of a range that starts after it.
    private var headerBytesRead = 0

    /// Opens `url` (or its byte `range`, which must start at a record: `range` of a plan).
    /// `firstLine`: the line number at the range's start, for messages. With `countOnly`,
    /// records are found but not decoded: every record yields an empty caption (for plans,
    /// which count records; bad records consume ids all the same).
    init(url: URL, format: CorpusFormat, column: Column, hasHeader: Bool, quoting: CaptionQuoting,
         range: Range<Int>? = nil, firstLine: Int = 1, countOnly: Bool = false, sha256: Bool = true) throws {
        guard let separator = format.separator else { preconditionFailure("\(format) is not a delimited format") }
        reader = try ByteChunkReader(url: url, range: range, sha256: sha256)
        parser = DelimitedRecordParser(separator: separator, quoting: quoting)
        self.column = column
        self.skipHeader = hasHeader
        self.countOnly = countOnly
        switch format {
        case .cc3m: maximumFields = 2; layout = "caption<TAB>url"
        case .cc12m: maximumFields = 2; layout = "url<TAB>caption"
        default: maximumFields = nil; layout = format.rawValue
        }
        line = firstLine
        if hasHeader, let range, range.lowerBound > 0 {
            // A range after the header row: read the header from the file's start.
            let header = try DelimitedCaptionSource(url: url, format: format, column: column, hasHeader: true,
                                                    quoting: quoting, headerOnly: true)
            _ = try header.next()
            headerBytesRead = header.bytesRead
            self.column = header.column
            maximumFields = header.maximumFields
            skipHeader = false
        }
        try reader.skipByteOrderMark()
    }

    /// Reads no more than the header row (small chunks): see the range case of `init`.
    private init(url: URL, format: CorpusFormat, column: Column, hasHeader: Bool, quoting: CaptionQuoting, headerOnly: Bool) throws {
        guard let separator = format.separator else { preconditionFailure("\(format) is not a delimited format") }
        reader = try ByteChunkReader(url: url, chunkBytes: 4096)
        parser = DelimitedRecordParser(separator: separator, quoting: quoting)
        self.column = column
        self.skipHeader = hasHeader
        self.countOnly = true
        maximumFields = nil
        layout = format.rawValue
        try reader.skipByteOrderMark()
    }

    var position: SourcePosition? { SourcePosition(offset: reader.position, line: line) }
    var bytesRead: Int { reader.bytesRead + headerBytesRead }
    func consumedDigest() throws -> [UInt8] { reader.consumedDigest() }
    func startSegmentDigests() { reader.startSegmentDigests() }
    func takeSegmentDigest() -> [UInt8] { reader.takeSegmentDigest() }

    func next() throws -> SourceRecord? {
        if countOnly && !skipHeader { return try nextCounted() }
        return try nextParsed()
    }

    /// `countOnly` (a plan's pass): finds the next record without the field parser where its
    /// line holds no quote (with csv quoting; any line with `.none`), the common case, by
    /// scanning 16 bytes at a time for a line break or a quote; a line with a quote, or one
    /// longer than the buffer, goes to the full parser. The records found are the same.
    private func nextCounted() throws -> SourceRecord? {
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let quote = parser.quoting == .csv ? UInt8(ascii: "\"") : newline
        let tabIsBlank = parser.separator != UInt8(ascii: "\t")
        while true {
            if reader.start == reader.end {
                if reader.atEOF { return nil }
                try reader.refill()
                continue
            }
            let bytes = reader.buffer, start = reader.start, end = reader.end
            var index = start
            let newlines = SIMD16<UInt8>(repeating: newline), returns = SIMD16<UInt8>(repeating: carriageReturn)
            let quotes = SIMD16<UInt8>(repeating: quote)
            while index + 16 <= end {
                let chunk = UnsafeRawPointer(bytes + index).loadUnaligned(as: SIMD16<UInt8>.self)
                if any((chunk .== newlines) .| (chunk .== returns) .| (chunk .== quotes)) { break }
                index += 16
            }
            while index < end, bytes[index] != newline, bytes[index] != carriageReturn, bytes[index] != quote { index += 1 }
            if index < end, bytes[index] == quote, parser.quoting == .csv { return try nextParsed() }
            let next: Int
            var lines = 1
            if index == end {
                // No line break in the buffer: the file's last line, or read on.
                guard reader.atEOF else {
                    guard reader.canGrow else { return try nextParsed() }
                    try reader.refill()
                    continue
                }
                next = end
                lines = 0
            } else if bytes[index] == newline {
                next = index + 1
            } else if index + 1 < end {
                next = bytes[index + 1] == newline ? index + 2 : index + 1
            } else if reader.atEOF {
                next = index + 1
            } else {
                try reader.refill()   // a \r at the buffer's end: its \n may follow
                continue
            }
            var blank = true
            var position = start
            while position < index {
                let byte = bytes[position]
                if byte != UInt8(ascii: " ") && !(tabIsBlank && byte == UInt8(ascii: "\t")) { blank = false; break }
                position += 1
            }
            reader.start = next
            line += lines
            if blank { continue }
            return .caption("")
        }
    }

    private func nextParsed() throws -> SourceRecord? {
        while true {
            if reader.start == reader.end {
                if reader.atEOF { return nil }
                try reader.refill()
                continue
            }
            let recordLine = line
            let outcome = parser.parse(reader.buffer, at: reader.start, end: reader.end, atEOF: reader.atEOF)
            switch outcome {
            case .incomplete:
                guard reader.canGrow else { return try skipUnterminatedRecord(line: recordLine, tooLong: true) }
                try reader.refill()
            case .unterminatedQuote:
                return try skipUnterminatedRecord(line: recordLine, tooLong: false)
            case let .blank(next, lines):
                reader.start = next
                line += lines
            case let .record(next, lines):
                line += lines
                // The record's fields point into the buffer: read them before moving on.
                let result = try record(line: recordLine)
                reader.start = next
                if let result { return result }
            }
        }
    }

    /// The caption of the record just parsed, or `nil` when it was the header row.
    private func record(line recordLine: Int) throws -> SourceRecord? {
        let fields = parser.fields
        if skipHeader {
            skipHeader = false
            let names = fields.map { field in
                parser.withFieldBytes(field, in: reader.buffer) { String(decoding: $0, as: UTF8.self) }
            }
            maximumFields = names.count
            if case let .name(name) = column {
                guard let index = names.firstIndex(of: name) else {
                    let found = names.map { "\"\($0)\"" }.joined(separator: ", ")
                    throw FreqBenchError("no column named \"\(name)\" in the header row (found \(found)); set the caption column",
                                         file: reader.path, location: "line \(recordLine)")
                }
                column = .index(index)
            }
            return nil
        }
        guard case let .index(index) = column else { preconditionFailure("caption column resolved by the header") }
        if countOnly { return .caption("") }
        var location: String { "line \(recordLine)" }
        if let maximumFields, fields.count > maximumFields {
            return .bad(FreqBenchError("expected at most \(maximumFields) fields (\(layout)), found \(fields.count)",
                                       file: reader.path, location: location), consumesID: true)
        }
        guard index < fields.count else {
            return .bad(FreqBenchError("missing caption column \(index) (expected \(layout) with at least \(index + 1) fields, found \(fields.count))",
                                       file: reader.path, location: location), consumesID: true)
        }
        let caption = parser.withFieldBytes(fields[index], in: reader.buffer) { UTF8Text.string(validating: $0) }
        guard let caption else {
            return .bad(FreqBenchError("invalid UTF-8 in the caption (expected UTF-8 text)", file: reader.path, location: location),
                        consumesID: true)
        }
        return .caption(caption)
    }

    /// Reports a record whose quoted field never closes, or that is longer than the reader
    /// keeps, and resumes at the next line: the quote is taken as a damaged record of one
    /// line; a too-long record's line is dropped whole, however long (the rest of it is not
    /// taken for a record of its own, so the ids after it do not move).
    private func skipUnterminatedRecord(line recordLine: Int, tooLong: Bool) throws -> SourceRecord {
        line = recordLine + (try reader.skipPastLineBreak())
        let reason = tooLong
            ? "record longer than \(reader.maximumRecordBytes) bytes (expected a line end or a closing \" before that)"
            : "unterminated quoted field (expected a closing \" before the end of the file)"
        return .bad(FreqBenchError(reason, file: reader.path, location: "line \(recordLine)"), consumesID: true)
    }
}
