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

    init(url: URL, format: CorpusFormat, column: Column, hasHeader: Bool, quoting: CaptionQuoting) throws {
        guard let separator = format.separator else { preconditionFailure("\(format) is not a delimited format") }
        reader = try ByteChunkReader(url: url)
        parser = DelimitedRecordParser(separator: separator, quoting: quoting)
        self.column = column
        self.skipHeader = hasHeader
        switch format {
        case .cc3m: maximumFields = 2; layout = "caption<TAB>url"
        case .cc12m: maximumFields = 2; layout = "url<TAB>caption"
        default: maximumFields = nil; layout = format.rawValue
        }
        try reader.skipByteOrderMark()
    }

    func next() throws -> SourceRecord? {
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
                guard reader.canGrow else { return skipUnterminatedRecord(line: recordLine, tooLong: true) }
                try reader.refill()
            case .unterminatedQuote:
                return skipUnterminatedRecord(line: recordLine, tooLong: false)
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

    /// Reports a record whose quoted field never closes and resumes at the next line
    /// (the quote is taken as a damaged record of one line).
    private func skipUnterminatedRecord(line recordLine: Int, tooLong: Bool) -> SourceRecord {
        var index = reader.start
        let bytes = reader.buffer
        while index < reader.end, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") { index += 1 }
        if index < reader.end {
            if bytes[index] == UInt8(ascii: "\r"), index + 1 < reader.end, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            index += 1
        }
        reader.start = index
        line = recordLine + 1
        let reason = tooLong
            ? "record longer than \(reader.maximumRecordBytes) bytes (expected a line end or a closing \" before that)"
            : "unterminated quoted field (expected a closing \" before the end of the file)"
        return .bad(FreqBenchError(reason, file: reader.path, location: "line \(recordLine)"), consumesID: true)
    }
}
