import Foundation

/// Reads the captions of one Parquet file with Apache Arrow (`ParquetFile`), row group by
/// row group, as upstream's LAION loaders read them with pandas:
///
///     df[caption].replace('', nan); df[url].replace('', nan); df.dropna(subset=[caption, url])
///
/// so a row whose caption or url is null or the empty string is dropped before ids are
/// given (it consumes no id); a caption of only spaces is kept. `keepEmpty` keeps every row
/// (a null caption is then the empty caption). The caption column defaults, per file, to the
/// first of `caption`, `TEXT`, `text` the file has; the url column to the first of `url`,
/// `URL`. A caption that is not valid UTF-8 is a bad record (Arrow passes a string column's
/// bytes through unchecked).
final class ParquetCaptionSource: CaptionSource {
    static let captionColumnNames = ["caption", "TEXT", "text"]
    static let urlColumnNames = ["url", "URL"]

    private let file: ParquetFile
    private let keepEmpty: Bool
    private let countOnly: Bool
    private let columns: [Int]
    private let rowGroups: Range<Int>
    private var group: Int
    private var batch: ParquetBatch?
    private var row = 0
    private var fileSize: Int
    private var finished = false

    init(url: URL, options: CorpusOptions, countOnly: Bool = false) throws {
        file = try ParquetFile(url: url)
        keepEmpty = options.keepEmpty
        self.countOnly = countOnly
        let names = file.columns.map(\.name)
        let found = names.map { "\"\($0)\"" }.joined(separator: ", ")
        let captionName = options.captionColumn ?? Self.captionColumnNames.first { names.contains($0) }
        guard let captionName, let caption = file.columnIndex(captionName) else {
            let expected = options.captionColumn.map { "\"\($0)\"" } ?? Self.captionColumnNames.map { "\"\($0)\"" }.joined(separator: ", ")
            throw FreqBenchError("no caption column \(expected) (the file has \(found)); set --caption-column", file: url.path)
        }
        guard file.columns[caption].isText else {
            throw FreqBenchError("caption column \"\(captionName)\" has type \(file.columns[caption].type) (expected string)", file: url.path)
        }
        var columns = [caption]
        if !keepEmpty {
            let urlName = options.urlColumn ?? Self.urlColumnNames.first { names.contains($0) }
            guard let urlName, let urlIndex = file.columnIndex(urlName) else {
                let expected = options.urlColumn.map { "\"\($0)\"" } ?? Self.urlColumnNames.map { "\"\($0)\"" }.joined(separator: ", ")
                throw FreqBenchError("no url column \(expected) (the file has \(found)); set --url-column, or --keep-empty to keep every row",
                                     file: url.path)
            }
            columns.append(urlIndex)
        }
        self.columns = columns
        rowGroups = 0..<file.rowGroupCount
        group = rowGroups.lowerBound
        fileSize = (try? CorpusReader.fileSize(url)) ?? 0
    }

    func next() throws -> SourceRecord? {
        while true {
            if batch == nil || row >= batch?.rowCount ?? 0 {
                batch = nil
                guard group < rowGroups.upperBound else { finished = true; return nil }
                batch = try file.readRowGroup(group, columns: columns)
                group += 1
                row = 0
                continue
            }
            guard let batch else { continue }
            let index = row
            row += 1
            let caption = batch.value(row: index, column: 0)
            if !keepEmpty {
                guard let caption, !caption.isEmpty, let url = batch.value(row: index, column: 1), !url.isEmpty else { continue }
            }
            if countOnly { return .caption("") }
            guard let caption else { return .caption("") }
            guard let text = UTF8Text.string(validating: caption) else {
                return .bad(FreqBenchError("invalid UTF-8 in the caption (expected UTF-8 text)", file: file.url.path,
                                           location: "row group \(group - 1), row \(index)"), consumesID: true)
            }
            return .caption(text)
        }
    }

    /// Parquet files are read whole (by row group); plans do not split them.
    var position: SourcePosition? { nil }
    /// Arrow reads the asked columns' chunks, not the whole file; counted as the file's size.
    var bytesRead: Int { finished ? fileSize : 0 }
    /// The SHA-256 of the whole file (read for it: Arrow's reads are not seen here).
    func consumedDigest() throws -> [UInt8] { try SHA256.digest(ofFile: file.url) }
    func startSegmentDigests() {}
    func takeSegmentDigest() throws -> [UInt8] { try XXH3Hasher.digest(ofFile: file.url) }
}
