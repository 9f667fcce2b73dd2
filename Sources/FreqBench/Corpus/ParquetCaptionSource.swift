import Foundation

/// Reads the captions of one Parquet file (or of some of its row groups) with Apache Arrow
/// (`ParquetFile`), row group by row group, as upstream's LAION loaders read them with pandas:
///
///     df[caption].replace('', nan); df[url].replace('', nan); df.dropna(subset=[caption, url])
///
/// so a row whose caption or url is null or the empty string is dropped before ids are
/// given (it consumes no id); a caption of only spaces is kept. `keepEmpty` keeps every row
/// (a null caption is then the empty caption). The caption column defaults, per file, to the
/// first of `caption`, `TEXT`, `text` the file has; the url column to the first of `url`,
/// `URL`. A caption that is not valid UTF-8 is a bad record (Arrow passes a string column's
/// bytes through unchecked).
///
/// Plans cut parquet files at row groups. In the byte space a plan uses, row group g starts
/// at the sum of the compressed sizes of the groups before it (from the footer); a byte
/// range holds the groups that start inside it, and `position` is that offset, reported only
/// between row groups.
///
/// A file is identified by its footer (`ParquetFooter`): the file digest is the footer's, and
/// the segment checksum (XXH3-128) is over the footer digest and the row groups of the
/// segment. Counting (`countOnly`, for plans) takes a row group's kept rows from its
/// statistics when they say (no empty caption or url: non-empty minimums; nulls in at most
/// one of the two: then exactly those rows are dropped), and reads the group otherwise; with
/// `keepEmpty` it reads nothing but the footer.
final class ParquetCaptionSource: CaptionSource {
    static let captionColumnNames = ["caption", "TEXT", "text"]
    static let urlColumnNames = ["url", "URL"]

    private let file: ParquetFile
    private let keepEmpty: Bool
    private let countOnly: Bool
    private let columns: [Int]
    private let rowGroups: Range<Int>
    /// `groupStarts[g]`: the plan offset of row group g (`groupStarts[count]` = all groups' bytes).
    private let groupStarts: [Int]
    private var group: Int
    private var batch: ParquetBatch?
    private var row = 0
    private let fileSize: Int
    private var finished = false
    private var checksum: XXH3Hasher?
    /// `ParquetFooter.digest` of the file.
    private let footerDigest: [UInt8]
    /// Counting: records of the current row group still to hand out without reading it.
    private var uncountedRows = 0
    /// Reading the whole file (no byte range): `bytesRead` is then the file's size.
    private let wholeFile: Bool
    /// The index in `columns` of the id column (`CorpusOptions.idColumn`).
    private var idColumn: Int?
    private(set) var lastSourceID: String?

    init(url: URL, options: CorpusOptions, byteRange: Range<Int>? = nil, countOnly: Bool = false) throws {
        file = try ParquetFile(url: url)
        footerDigest = try ParquetFooter.digest(of: url)
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
        if let idName = options.idColumn {
            guard let idIndex = file.columnIndex(idName) else {
                throw FreqBenchError("no id column \"\(idName)\" (the file has \(found))", file: url.path)
            }
            idColumn = columns.count
            columns.append(idIndex)
        }
        self.columns = columns
        var starts = [0]
        for index in 0..<file.rowGroupCount { starts.append(starts[index] + max(0, file.compressedBytes(ofRowGroup: index))) }
        groupStarts = starts
        if let byteRange {
            let first = starts.dropLast().firstIndex { $0 >= byteRange.lowerBound } ?? file.rowGroupCount
            let end = starts.dropLast().firstIndex { $0 >= byteRange.upperBound } ?? file.rowGroupCount
            rowGroups = first..<max(first, end)
        } else {
            rowGroups = 0..<file.rowGroupCount
        }
        group = rowGroups.lowerBound
        fileSize = try CorpusReader.fileSize(url)
        wholeFile = byteRange == nil
    }

    func next() throws -> SourceRecord? {
        while true {
            if uncountedRows > 0 {
                uncountedRows -= 1
                return .caption("")
            }
            if batch == nil || row >= batch?.rowCount ?? 0 {
                batch = nil
                guard group < rowGroups.upperBound else { finished = true; return nil }
                if let checksum { digest(group: group, into: checksum) }
                if countOnly, let kept = keptRowsFromFooter(group: group) {
                    uncountedRows = kept
                    group += 1
                    continue
                }
                let read = try file.readRowGroup(group, columns: columns)
                try checkAgainstFooter(read, group: group)
                batch = read
                group += 1
                row = 0
                continue
            }
            guard let batch else { continue }
            let index = row
            row += 1
            let caption = batch.value(row: index, column: 0)
            if !keepEmpty, !isKept(batch, row: index) { continue }
            if let idColumn {
                lastSourceID = batch.value(row: index, column: idColumn).map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            skipDroppedRows(batch)
            if countOnly { return .caption("") }
            guard let caption else { return .caption("") }
            guard let text = UTF8Text.string(validating: caption) else {
                return .bad(FreqBenchError("invalid UTF-8 in the caption (expected UTF-8 text)", file: file.url.path,
                                           location: "row group \(group - 1), row \(index)"), consumesID: true)
            }
            return .caption(text)
        }
    }

    /// Whether upstream keeps the row: caption and url both present and not empty.
    private func isKept(_ batch: ParquetBatch, row: Int) -> Bool {
        guard let caption = batch.value(row: row, column: 0), !caption.isEmpty,
              let url = batch.value(row: row, column: 1), !url.isEmpty else { return false }
        return true
    }

    /// The rows upstream keeps in row group `group`, when the footer alone says: every row with
    /// `keepEmpty`; otherwise when neither column has an empty value and at most one has nulls
    /// (then exactly its null rows are dropped). Nil: the group must be read.
    private func keptRowsFromFooter(group: Int) -> Int? {
        let rows = max(0, file.rowCount(ofRowGroup: group))
        if keepEmpty { return rows }
        guard let captionNulls = file.nullsIfNoEmptyValues(rowGroup: group, column: columns[0]),
              let urlNulls = file.nullsIfNoEmptyValues(rowGroup: group, column: columns[1]),
              captionNulls == 0 || urlNulls == 0 else { return nil }
        return max(0, rows - captionNulls - urlNulls)
    }

    /// Plans count row groups from the footer (`keptRowsFromFooter`), so a read checks that the
    /// footer tells the truth about what it read: the row count, and, where the statistics
    /// claim no empty caption or url, their null counts and that no value is empty. A file whose
    /// footer disagrees with its data is an error here as in a plan's shard.
    private func checkAgainstFooter(_ batch: ParquetBatch, group: Int) throws {
        let stated = file.rowCount(ofRowGroup: group)
        guard batch.rowCount == stated else {
            throw FreqBenchError("row group \(group) holds \(batch.rowCount) rows, its footer says \(stated) (a damaged file)",
                                 file: file.url.path)
        }
        guard !keepEmpty else { return }
        for column in 0..<2 {
            guard let nulls = file.nullsIfNoEmptyValues(rowGroup: group, column: columns[column]) else { continue }
            var (foundNulls, foundEmpty) = (0, 0)
            for row in 0..<batch.rowCount {
                if let value = batch.value(row: row, column: column) {
                    if value.isEmpty { foundEmpty += 1 }
                } else {
                    foundNulls += 1
                }
            }
            guard foundNulls == nulls, foundEmpty == 0 else {
                throw FreqBenchError("row group \(group): the footer's statistics of column \"\(file.columns[columns[column]].name)\" "
                    + "(\(nulls) nulls, no empty value) disagree with its data (\(foundNulls) nulls, \(foundEmpty) empty; a damaged file)",
                    file: file.url.path)
            }
        }
    }

    /// Passes the dropped rows that follow a kept one in its row group, so that after the
    /// group's last kept row the source stands at the next group's start (a plan's cut point).
    private func skipDroppedRows(_ batch: ParquetBatch) {
        guard !keepEmpty else { return }
        while row < batch.rowCount, !isKept(batch, row: row) { row += 1 }
    }

    /// Feeds row group `group` to the segment checksum: its index and rows (the footer digest
    /// starts each segment).
    private func digest(group: Int, into hasher: XXH3Hasher) {
        var fields: (UInt64, UInt64) = (UInt64(group).littleEndian, UInt64(max(0, file.rowCount(ofRowGroup: group))).littleEndian)
        withUnsafeBytes(of: &fields) { hasher.update(bytes: $0) }
    }


    /// Between row groups: the plan offset of the next group to read; inside one: nil.
    var position: SourcePosition? {
        if uncountedRows > 0 { return nil }
        if let batch, row < batch.rowCount { return nil }
        return SourcePosition(offset: groupStarts[group], line: group + 1)
    }

    /// The compressed bytes of the row groups read (Arrow reads only the asked columns of them).
    var bytesRead: Int {
        if finished && wholeFile { return fileSize }
        return groupStarts[group] - groupStarts[rowGroups.lowerBound]
    }

    /// The digest of the file's footer (`ParquetFooter`), which identifies a parquet file.
    func consumedDigest() throws -> [UInt8] { footerDigest }
    func startSegmentDigests() {
        let hasher = XXH3Hasher()
        footerDigest.withUnsafeBytes { hasher.update(bytes: $0) }
        checksum = hasher
    }
    func takeSegmentDigest() throws -> [UInt8] {
        guard let checksum else { throw FreqBenchError("internal: no checksum was started", file: file.url.path) }
        let digest = checksum.digest()
        checksum.reset()
        footerDigest.withUnsafeBytes { checksum.update(bytes: $0) }
        return digest
    }
}
