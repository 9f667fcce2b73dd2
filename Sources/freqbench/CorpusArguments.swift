import ArgumentParser
import Foundation
import FreqBench

extension CorpusFormat: ExpressibleByArgument {}
extension CaptionQuoting: ExpressibleByArgument {}

/// The options every command that reads a caption corpus takes, declared once so they are
/// spelled, documented and honoured the same way everywhere (`annotate`, `corpus check`,
/// `index text`, `parity`, `concepts retrieval`).
struct CorpusArguments: ParsableArguments {
    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), read in order; sample ids are global across them.")
    var corpus: [String]

    @Option(help: "Corpus format.")
    var format: CorpusFormat

    @Option(help: "tsv/csv: caption column, 0-based index or header name; jsonl: field (default \"caption\"); wds: .json key (default: the .txt member).")
    var captionColumn: String?

    @Flag(inversion: .prefixedNo, help: "tsv/csv: whether each file starts with a header row (default: when --caption-column is a name).")
    var header: Bool?

    @Option(help: "How \" is read in tsv/csv files: csv (as pandas) or none (literal).")
    var quoting: CaptionQuoting = .csv

    @Flag(help: "Skip bad records (counted and reported; they keep their ids) instead of stopping at the first.")
    var skipBadRecords = false

    /// The reader options these arguments describe.
    var options: CorpusOptions {
        CorpusOptions(format: format, captionColumn: captionColumn, quoting: quoting,
                      skipBadRecords: skipBadRecords, hasHeader: header)
    }

    /// The corpus paths, in order.
    var paths: [URL] { corpus.map { URL(fileURLWithPath: $0) } }

    /// A reader over the whole corpus.
    func makeReader() throws -> CorpusReader {
        try CorpusReader(paths: paths, options: options)
    }

    /// With `--skip-bad-records`, tells the user on stderr how many records were skipped and why.
    func reportSkips(command: String, skipped: Int, reasons: [FreqBenchError]) {
        guard skipBadRecords else { return }
        var report = "\(command): \(skipped) bad records skipped\n"
        for reason in reasons { report += "  \(reason)\n" }
        if skipped > reasons.count { report += "  ...\n" }
        FileHandle.standardError.write(Data(report.utf8))
    }

    /// `reportSkips` for everything `reader` skipped.
    func reportSkips(command: String, of reader: CorpusReader) {
        reportSkips(command: command, skipped: reader.skippedRecords, reasons: reader.skipReasons)
    }
}
