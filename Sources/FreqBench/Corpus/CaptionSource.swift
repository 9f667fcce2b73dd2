/// What a file reader yields for one record: its caption, or why the record is bad.
enum SourceRecord {
    case caption(String)
    /// A record that cannot be read. `consumesID`: whether it still counts as a sample
    /// (true for every record-level error; see `CorpusOptions.skipBadRecords`).
    case bad(FreqBenchError, consumesID: Bool)
}

/// Reads the records of one corpus file, in order.
protocol CaptionSource: AnyObject {
    /// The next record, or `nil` at the end of the file. Throws only for errors that are
    /// not about one record (the file cannot be opened or read).
    func next() throws -> SourceRecord?
}
