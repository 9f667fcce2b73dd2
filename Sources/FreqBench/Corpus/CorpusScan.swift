import Foundation

/// Reads a whole corpus without annotating it: how many records it has, which are bad, and
/// how fast it reads (`freqbench corpus check`). Useful before a long annotation run.
public struct CorpusScan: Sendable {
    /// Files read, in order.
    public var files: [URL]
    /// Good records read.
    public var records: Int
    /// Bad records skipped.
    public var skippedRecords: Int
    /// The first skipped records' errors.
    public var skipReasons: [FreqBenchError]
    /// Caption bytes (UTF-8) read.
    public var captionBytes: Int
    /// Wall-clock seconds.
    public var seconds: Double

    /// Reads every record of `reader`.
    public static func run(_ reader: CorpusReader, progress: ProgressBar? = nil) throws -> CorpusScan {
        let start = Date()
        var records = 0
        var captionBytes = 0
        while true {
            let batch = try reader.nextBatch(maxCount: 65_536)
            if batch.isEmpty { break }
            for record in batch { captionBytes += record.caption.utf8.count }
            records += batch.count
            progress?.advance(by: batch.count)
        }
        progress?.finish()
        return CorpusScan(files: reader.files, records: records, skippedRecords: reader.skippedRecords,
                          skipReasons: reader.skipReasons, captionBytes: captionBytes, seconds: Date().timeIntervalSince(start))
    }

    /// The scan as JSON (records/s included).
    public var json: JSONValue {
        .object([
            "files": .int(files.count),
            "records": .int(records),
            "skipped_records": .int(skippedRecords),
            "skip_reasons": .array(skipReasons.map { .string($0.description) }),
            "caption_bytes": .int(captionBytes),
            "seconds": .double(seconds),
            "records_per_second": .double(seconds > 0 ? Double(records) / seconds : 0),
        ])
    }
}
