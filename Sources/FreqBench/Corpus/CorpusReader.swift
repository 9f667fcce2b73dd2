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
    public let options: CorpusOptions
    /// Bad records skipped so far (only with `skipBadRecords`).
    public private(set) var skippedRecords = 0
    /// The first `maximumSkipReasons` skipped records' errors, for the report.
    public private(set) var skipReasons: [FreqBenchError] = []
    /// How many skip reasons are kept.
    public static let maximumSkipReasons = 10

    private var fileIndex = 0
    private var source: CaptionSource?
    private var nextID = 0

    /// Opens a corpus. Throws when a path does not exist, a directory holds no corpus
    /// files, or the options do not fit the format.
    public init(paths: [URL], options: CorpusOptions) throws {
        self.options = options
        try Self.validate(options)
        files = try Self.files(in: paths, format: options.format)
    }

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
                .filter { !$0.hasPrefix(".") && (format != .wds || $0.hasSuffix(".tar")) }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let members = names.map { path.appendingPathComponent($0) }.filter { url in
                var memberIsDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.path, isDirectory: &memberIsDirectory) && !memberIsDirectory.boolValue
            }
            guard !members.isEmpty else {
                throw FreqBenchError("directory holds no corpus files\(format == .wds ? " (expected *.tar shards)" : "")", file: path.path)
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
        case .jsonl, .wds:
            break
        }
    }

    /// The next record, or `nil` at the end of the corpus.
    public func next() throws -> CorpusRecord? {
        while true {
            guard let source = try currentSource() else { return nil }
            switch try source.next() {
            case nil:
                self.source = nil
                fileIndex += 1
            case let .caption(caption)?:
                defer { nextID += 1 }
                return CorpusRecord(id: nextID, caption: caption)
            case let .bad(error, consumesID)?:
                guard options.skipBadRecords else { throw error }
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

    private func currentSource() throws -> CaptionSource? {
        if let source { return source }
        guard fileIndex < files.count else { return nil }
        let url = files[fileIndex]
        let opened: CaptionSource
        switch options.format {
        case .cc3m:
            opened = try DelimitedCaptionSource(url: url, format: .cc3m, column: .index(0), hasHeader: false, quoting: options.quoting)
        case .cc12m:
            opened = try DelimitedCaptionSource(url: url, format: .cc12m, column: .index(1), hasHeader: false, quoting: options.quoting)
        case .tsv, .csv:
            let name = options.captionColumn ?? "caption"
            let column: DelimitedCaptionSource.Column = Int(name).map { .index($0) } ?? .name(name)
            let hasHeader: Bool
            if case .name = column { hasHeader = true } else { hasHeader = options.hasHeader ?? false }
            opened = try DelimitedCaptionSource(url: url, format: options.format, column: column, hasHeader: hasHeader, quoting: options.quoting)
        case .jsonl:
            opened = try JSONLinesCaptionSource(url: url, field: options.captionColumn ?? "caption")
        case .wds:
            opened = try WebDatasetCaptionSource(url: url, jsonField: options.captionColumn)
        }
        source = opened
        return opened
    }
}
