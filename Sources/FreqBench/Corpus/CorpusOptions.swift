/// The layout of a caption corpus file.
///
/// - `cc3m`: Conceptual Captions 3M TSV, `caption<TAB>url`, no header.
/// - `cc12m`: CC12M / YFCC TSV, `url<TAB>caption`, no header.
/// - `tsv`, `csv`: a table with the caption in a column chosen by `captionColumn`
///   (a header name, or a 0-based index).
/// - `jsonl`: one JSON object per line, caption in a string field.
/// - `wds`: WebDataset `.tar` shards, caption in each sample's `.txt` or `.json` member.
/// - `parquet`: Parquet tables (LAION, img2dataset, DataComp metadata), read with Apache
///   Arrow; rows whose caption or url is null or empty are dropped before ids are given
///   (upstream's `dropna`), unless `keepEmpty`.
///
/// The text formats are read as upstream read them with pandas `read_csv` (see `CaptionQuoting`).
public enum CorpusFormat: String, CaseIterable, Sendable {
    case cc3m, cc12m, tsv, csv, jsonl, wds, parquet
    /// clip-rocket's metadata (`cc3m.npy`, `cc12m.npy`, `yfcc15m.pkl`), several captions per image.
    case clipRocket = "clip-rocket"

    /// The field separator of the delimited formats, `nil` for the others.
    var separator: UInt8? {
        switch self {
        case .cc3m, .cc12m, .tsv: return UInt8(ascii: "\t")
        case .csv: return UInt8(ascii: ",")
        case .jsonl, .wds, .parquet, .clipRocket: return nil
        }
    }
}

/// How quote characters in delimited files are read.
///
/// - `csv` (pandas' default): a field whose first byte is `"` is quoted; inside it `""` is
///   one literal `"`, and separators and line breaks are part of the field; text after the
///   closing quote, up to the next separator, is appended literally. A `"` anywhere else in
///   a field is literal.
/// - `none`: every byte is literal (`csv.QUOTE_NONE`); fields end at the separator or line end.
public enum CaptionQuoting: String, CaseIterable, Sendable {
    case csv, none
}

/// What a `CorpusReader` reads and how.
public struct CorpusOptions: Sendable, Equatable {
    /// The file layout.
    public var format: CorpusFormat
    /// Where the caption is. `tsv`/`csv`: a 0-based column index (`"1"`) or a header name
    /// (`"title"`, default `"caption"`); `jsonl`: the field name (default `"caption"`);
    /// `parquet`: the column (default, per file: the first of `caption`, `TEXT`, `text`);
    /// `wds`: `nil` reads the `.txt` member (or, without one, the `caption` key of the
    /// `.json` member), a name reads that key of the `.json` member. Not used by `cc3m`/`cc12m`.
    public var captionColumn: String?
    /// How `"` is read in delimited files (default `.csv`, as pandas).
    public var quoting: CaptionQuoting
    /// Turn bad records into counted skips instead of errors. A skipped record still
    /// consumes its sample id, so the ids of the records after it do not move.
    public var skipBadRecords: Bool
    /// Whether each `tsv`/`csv` file starts with a header row. `nil` (the default): a header
    /// exactly when `captionColumn` is a name. Ignored by the other formats.
    public var hasHeader: Bool?
    /// `parquet`: the url column (`nil`: the first of `url`, `URL` the file has).
    public var urlColumn: String?
    /// `parquet`: keep the rows upstream drops (null or empty caption or url), as empty captions.
    public var keepEmpty: Bool
    /// `parquet`: a column holding each row's own id (`key`, `SAMPLE_ID`, `uid`), recorded
    /// beside the global id in indexes (`SourceIDs`).
    public var idColumn: String?

    public init(format: CorpusFormat, captionColumn: String? = nil, quoting: CaptionQuoting = .csv,
                skipBadRecords: Bool = false, hasHeader: Bool? = nil, urlColumn: String? = nil, keepEmpty: Bool = false,
                idColumn: String? = nil) {
        self.format = format
        self.captionColumn = captionColumn
        self.quoting = quoting
        self.skipBadRecords = skipBadRecords
        self.hasHeader = hasHeader
        self.urlColumn = urlColumn
        self.keepEmpty = keepEmpty
        self.idColumn = idColumn
    }
}
