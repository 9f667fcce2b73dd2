import ArgumentParser
import Foundation
import FreqBench

extension CorpusFormat: ExpressibleByArgument {}
extension CaptionQuoting: ExpressibleByArgument {}

/// How a corpus is read, whatever names it: the options every command that reads captions
/// takes, declared once so they are spelled, documented and honoured the same way everywhere.
struct CorpusReadingArguments: ParsableArguments {
    @Option(help: "tsv/csv: caption column, 0-based index or header name; jsonl: field (default \"caption\"); wds: .json key (default: the .txt member); parquet: column (default: the first of caption, TEXT, text).")
    var captionColumn: String?

    @Flag(inversion: .prefixedNo, help: "tsv/csv: whether each file starts with a header row (default: when --caption-column is a name).")
    var header: Bool?

    @Option(help: "How \" is read in tsv/csv files: csv (as pandas) or none (literal).")
    var quoting: CaptionQuoting = .csv

    @Flag(help: "Skip bad records (counted and reported; they keep their ids) instead of stopping at the first.")
    var skipBadRecords = false

    @Option(help: "parquet: url column (default: the first of url, URL); rows with a null or empty url or caption are dropped before ids are given, as upstream.")
    var urlColumn: String?

    @Flag(help: "parquet: keep the rows upstream drops (null or empty caption or url) as empty captions.")
    var keepEmpty = false

    @Option(help: "parquet: a column of each row's own id (key, SAMPLE_ID, uid); index text records it beside the global id (source-ids.fbids).")
    var idColumn: String?

    /// The reader options for `format`.
    func options(format: CorpusFormat) -> CorpusOptions {
        CorpusOptions(format: format, captionColumn: captionColumn, quoting: quoting,
                      skipBadRecords: skipBadRecords, hasHeader: header, urlColumn: urlColumn, keepEmpty: keepEmpty,
                      idColumn: idColumn)
    }

    /// With `--skip-bad-records`, tells the user on stderr how many records were skipped and why.
    static func reportSkips(command: String, skipped: Int, reasons: [FreqBenchError], enabled: Bool) {
        guard enabled else { return }
        var report = "\(command): \(skipped) bad records skipped\n"
        for reason in reasons { report += "  \(reason)\n" }
        if skipped > reasons.count { report += "  ...\n" }
        FileHandle.standardError.write(Data(report.utf8))
    }
}

/// A corpus named on the command line and how to read it (`annotate`, `corpus check`,
/// `plan`, `parity`, `concepts retrieval`).
struct CorpusArguments: ParsableArguments {
    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), read in order; sample ids are global across them.")
    var corpus: [String]

    @Option(help: "Corpus format.")
    var format: CorpusFormat

    @OptionGroup var reading: CorpusReadingArguments

    /// The reader options these arguments describe.
    var options: CorpusOptions { reading.options(format: format) }

    /// The corpus paths, in order.
    var paths: [URL] { corpus.map { URL(fileURLWithPath: $0) } }

    /// A reader over the whole corpus.
    func makeReader() throws -> CorpusReader {
        try CorpusReader(paths: paths, options: options)
    }

    /// With `--skip-bad-records`, tells the user on stderr how many records were skipped and why.
    func reportSkips(command: String, skipped: Int, reasons: [FreqBenchError]) {
        CorpusReadingArguments.reportSkips(command: command, skipped: skipped, reasons: reasons, enabled: reading.skipBadRecords)
    }

    /// `reportSkips` for everything `reader` skipped.
    func reportSkips(command: String, of reader: CorpusReader) {
        reportSkips(command: command, skipped: reader.skippedRecords, reasons: reader.skipReasons)
    }
}
