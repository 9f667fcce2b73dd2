import Foundation

/// Streams the captions of a corpus, file after file, with their sample ids.
///
/// A corpus is one or more files read in the order given; a directory stands for its
/// files sorted by name (non-recursive, hidden files left out; for `wds` only `*.tar`).
/// Sample ids are 0-based and count records across all files, as upstream numbers them.
/// Memory stays constant in the corpus size: files are read in large chunks and parsed
/// as bytes.
///
/// ```swift
/// let reader = try CorpusReader(paths: [url], options: CorpusOptions(format: .cc3m))
/// while let record = try reader.next() { print(record.id, record.caption) }
/// ```
///
/// Bad records (missing caption column, invalid UTF-8, unterminated quote, malformed JSON,
/// missing caption field, truncated tar) throw a `FreqBenchError` naming the file, the
/// line or member and what was expected, unless `skipBadRecords` is set: then they are
/// counted in `skippedRecords` (the first reasons kept in `skipReasons`) and still consume
/// their id, so that ids stay aligned with other per-sample data (image tags). A truncated
/// tar shard is the exception: its lost samples cannot be counted, so it consumes no id.
public final class CorpusReader {
    /// The files of the corpus, in reading order.
    public let files: [URL]
    /// What is read: every file whole, or a plan shard's byte ranges.
    public let pieces: [CorpusPiece]
    public let options: CorpusOptions
    /// One summary per piece read to its end (size, ids consumed, SHA-256).
    public private(set) var summaries: [CorpusPieceSummary] = []
    /// Bytes read from the corpus files so far.
    public var bytesRead: Int { finishedBytesRead + (source?.bytesRead ?? 0) }
    /// Bad records skipped so far (only with `skipBadRecords`).
    public private(set) var skippedRecords = 0
    /// The first `maximumSkipReasons` skipped records' errors, for the report.
    public private(set) var skipReasons: [FreqBenchError] = []
    /// How many skip reasons are kept.
    public static let maximumSkipReasons = 10

    private var fileIndex = 0
    private var source: CaptionSource?
    private var nextID = 0
    /// The id of the current piece's first record.
    private var pieceFirstID = 0
    private var finishedBytesRead = 0
    /// Good and skipped records of the current piece, and its first skip's reason.
    private var pieceRecords = 0
    private var pieceSkips = 0
    private var pieceFirstSkip: FreqBenchError?
    /// Good records read so far, all pieces.

    /// Opens a corpus. Throws when a path does not exist, a directory holds no corpus
    /// files, or the options do not fit the format.
    public init(paths: [URL], options: CorpusOptions) throws {
        self.options = options
        try Self.validate(options)
        files = try Self.files(in: paths, format: options.format)
        pieces = files.map { CorpusPiece(file: $0) }
    }

    /// Opens the given pieces (a plan shard's), read in order with their own first ids.
    public init(pieces: [CorpusPiece], options: CorpusOptions) throws {
        self.options = options
        try Self.validate(options)
        self.pieces = pieces
        files = pieces.map(\.file)
        for piece in pieces {
            guard let expected = piece.expected else { continue }
            let size = try Self.fileSize(piece.file)
            guard size == expected.fileSize else {
                throw FreqBenchError("corpus file changed since the plan: \(size) bytes, the plan recorded \(expected.fileSize)"
                    + " (make a new plan, or restore the file)", file: piece.file.path)
            }
        }
    }

    /// The size in bytes of `url`.
    static func fileSize(_ url: URL) throws -> Int { try FileStatus(of: url).size }

    /// The files that `paths` stand for, in reading order (directories expanded).
    public static func files(in paths: [URL], format: CorpusFormat) throws -> [URL] {
        guard !paths.isEmpty else { throw FreqBenchError("no corpus files given") }
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw FreqBenchError("corpus file not found", file: path.path)
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let names = try FileManager.default.contentsOfDirectory(atPath: path.path)
                .filter { !$0.hasPrefix(".") && (format != .wds || $0.hasSuffix(".tar")) && (format != .parquet || $0.hasSuffix(".parquet")) }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let members = names.map { path.appendingPathComponent($0) }.filter { url in
                var memberIsDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.path, isDirectory: &memberIsDirectory) && !memberIsDirectory.boolValue
            }
            guard !members.isEmpty else {
                throw FreqBenchError("directory holds no corpus files\(format == .wds ? " (expected *.tar shards)" : format == .parquet ? " (expected *.parquet files)" : "")", file: path.path)
            }
            files.append(contentsOf: members)
        }
        return files
    }

    private static func validate(_ options: CorpusOptions) throws {
        switch options.format {
        case .cc3m, .cc12m:
            if options.captionColumn != nil {
                throw FreqBenchError("the caption column is fixed for \(options.format.rawValue); use --format tsv to choose one")
            }
        case .tsv, .csv:
            let column = options.captionColumn ?? "caption"
            if Int(column) == nil, options.hasHeader == false {
                throw FreqBenchError("caption column \"\(column)\" is a header name, but the files have no header row; give a 0-based index")
            }
            if let index = Int(column), index < 0 {
                throw FreqBenchError("caption column \(index) is negative; give a 0-based index or a header name")
            }
        case .jsonl, .wds, .parquet:
            break
        case .clipRocket:
            if options.captionColumn != nil { throw FreqBenchError("the captions of clip-rocket metadata are fixed; --caption-column does not apply") }
        }
        if options.format != .parquet, options.urlColumn != nil || options.keepEmpty || options.idColumn != nil {
            throw FreqBenchError("--url-column, --keep-empty and --id-column apply to --format parquet only")
        }
    }

    /// The longest caption read, in characters (Unicode scalars). A caption is a sentence or
    /// two; a longer "caption" is a document (or a damaged file), which the annotators' memory
    /// (linear in the length, with a large constant for the tagger's network rows) and spaCy's
    /// own `nlp.max_length` (1,000,000) are not meant for: it is a bad record.
    public static let maximumCaptionCharacters = 100_000

    /// The next record, or `nil` at the end of the corpus.
    public func next() throws -> CorpusRecord? {
        while true {
            guard let source = try currentSource() else { return nil }
            var record = try source.next()
            if case let .caption(caption)? = record, caption.utf8.count > Self.maximumCaptionCharacters,
               caption.unicodeScalars.count > Self.maximumCaptionCharacters {
                record = .bad(FreqBenchError("caption of \(caption.unicodeScalars.count) characters (expected at most "
                    + "\(Self.maximumCaptionCharacters): a caption, not a document)", file: pieces[fileIndex].file.path,
                    location: "record \(nextID)"), consumesID: true)
            }
            switch record {
            case nil:
                try finishPiece(source)
            case let .caption(caption)?:
                defer { nextID += 1 }
                pieceRecords += 1
                return CorpusRecord(id: nextID, caption: caption, sourceID: source.lastSourceID)
            case let .captions(captions)?:
                defer { nextID += 1 }
                pieceRecords += 1
                return CorpusRecord(id: nextID, caption: captions.first ?? "", sourceID: source.lastSourceID,
                                    additionalCaptions: Array(captions.dropFirst()))
            case let .bad(error, consumesID)?:
                guard options.skipBadRecords else { throw error }
                pieceSkips += 1
                if pieceFirstSkip == nil { pieceFirstSkip = error }
                skippedRecords += 1
                if skipReasons.count < Self.maximumSkipReasons { skipReasons.append(error) }
                if consumesID { nextID += 1 }
            }
        }
    }

    /// Up to `maxCount` next records; fewer only at the end of the corpus (empty there).
    public func nextBatch(maxCount: Int) throws -> [CorpusRecord] {
        var batch: [CorpusRecord] = []
        batch.reserveCapacity(min(maxCount, 1 << 16))
        while batch.count < maxCount, let record = try next() { batch.append(record) }
        return batch
    }

    /// Records the summary of the piece just read and checks it against the plan. A whole file
    /// whose every record was skipped as bad is an error even with `skipBadRecords`: it is a
    /// wrong option (caption column, format), not a few bad lines.
    private func finishPiece(_ finished: CaptionSource) throws {
        let piece = pieces[fileIndex]
        let wholeFile = piece.byteRange.map { $0.lowerBound == 0 && $0.upperBound == piece.expected?.fileSize } ?? true
        if wholeFile, pieceRecords == 0, pieceSkips > 0 {
            throw Self.everyRecordSkipped(file: piece.file, skips: pieceSkips, firstReason: pieceFirstSkip)
        }
        var summary = CorpusPieceSummary(file: piece.file, bytes: finished.bytesRead, records: nextID - pieceFirstID,
                                         sha256: piece.expected == nil ? try finished.consumedDigest() : [])
        (summary.goodRecords, summary.skippedRecords) = (pieceRecords, pieceSkips)
        if let expected = piece.expected {
            let what = piece.byteRange.map { "bytes \($0.lowerBound)..<\($0.upperBound)" } ?? "the file"
            let checksum = try finished.takeSegmentDigest()
            if summary.records != expected.records || checksum != expected.checksum {
                throw FreqBenchError("corpus file changed since the plan: \(what) hold \(summary.records) records with XXH3 "
                    + "\(SHA256.hex(bytes: checksum)), the plan recorded \(expected.records) records with "
                    + "\(SHA256.hex(bytes: expected.checksum)) (make a new plan, or restore the file)", file: piece.file.path)
            }
        }
        summaries.append(summary)
        finishedBytesRead += finished.bytesRead
        source = nil
        fileIndex += 1
    }

    private func currentSource() throws -> CaptionSource? {
        if let source { return source }
        // (Parts of files, a plan shard's pieces, may hold only bad records: shards record their
        // pieces' good and skipped records, and merges refuse a file none of whose records is good.)
        guard fileIndex < pieces.count else { return nil }
        let piece = pieces[fileIndex]
        if let firstID = piece.firstID { nextID = firstID }
        pieceFirstID = nextID
        (pieceRecords, pieceSkips, pieceFirstSkip) = (0, 0, nil)
        let opened = try Self.openSource(piece, options: options, countOnly: false, sha256: piece.expected == nil)
        if piece.expected != nil { opened.startSegmentDigests() }
        source = opened
        return opened
    }

    /// The error for a file of `skips` records that were all bad (with `--skip-bad-records`).
    static func everyRecordSkipped(file: URL, skips: Int, firstReason: FreqBenchError?, what: String = "file") -> FreqBenchError {
        FreqBenchError("every record of the \(what) is bad (\(skips) skipped, none read): check --format and --caption-column; "
                       + "the first: \(firstReason.map { "\($0)" } ?? "unknown")", file: file.path)
    }

    /// A source over one piece of a corpus in `options`' format.
    /// `sha256`: digest the bytes (a plan's shard checks its pieces with XXH3 only).
    static func openSource(_ piece: CorpusPiece, options: CorpusOptions, countOnly: Bool, sha256: Bool = true) throws -> CaptionSource {
        let url = piece.file
        let range = piece.byteRange
        switch options.format {
        case .cc3m:
            return try DelimitedCaptionSource(url: url, format: .cc3m, column: .index(0), hasHeader: false, quoting: options.quoting,
                                              range: range, firstLine: piece.firstLine, countOnly: countOnly, sha256: sha256)
        case .cc12m:
            return try DelimitedCaptionSource(url: url, format: .cc12m, column: .index(1), hasHeader: false, quoting: options.quoting,
                                              range: range, firstLine: piece.firstLine, countOnly: countOnly, sha256: sha256)
        case .tsv, .csv:
            let name = options.captionColumn ?? "caption"
            let column: DelimitedCaptionSource.Column = Int(name).map { .index($0) } ?? .name(name)
            let hasHeader: Bool
            if case .name = column { hasHeader = true } else { hasHeader = options.hasHeader ?? false }
            return try DelimitedCaptionSource(url: url, format: options.format, column: column, hasHeader: hasHeader,
                                              quoting: options.quoting, range: range, firstLine: piece.firstLine, countOnly: countOnly, sha256: sha256)
        case .jsonl:
            return try JSONLinesCaptionSource(url: url, field: options.captionColumn ?? "caption", range: range,
                                              firstLine: piece.firstLine, countOnly: countOnly, sha256: sha256)
        case .wds:
            guard range == nil else { throw FreqBenchError("WebDataset shards are read whole; a plan never splits one", file: url.path) }
            return try WebDatasetCaptionSource(url: url, jsonField: options.captionColumn)
        case .parquet:
            return try ParquetCaptionSource(url: url, options: options, byteRange: range, countOnly: countOnly)
        case .clipRocket:
            guard range == nil else { throw FreqBenchError("clip-rocket metadata is read whole; a plan never splits it", file: url.path) }
            return try ClipRocketCaptionSource(url: url)
        }
    }
}
