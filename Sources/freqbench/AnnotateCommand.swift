import ArgumentParser
import Foundation
import FreqBench

extension CorpusFormat: ExpressibleByArgument {}
extension CaptionQuoting: ExpressibleByArgument {}

/// `freqbench annotate`: caption terms of a corpus as JSON Lines.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Write the noun terms of every caption of a corpus, one JSON line per caption.",
        discussion: """
            Each output line is {"id": N, "nouns": [sorted terms]} (Python json.dumps format).
            Example: freqbench annotate cc3m_val.tsv --format cc3m --annotator spacy --out nouns.jsonl
            """)

    @Argument(help: "Corpus files or directories (a directory = its files sorted by name), read in order.")
    var corpus: [String]

    @Option(help: "Corpus format: \(CorpusFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: CorpusFormat

    @Option(help: "tsv/csv: caption column, 0-based index or header name (default \"caption\"); jsonl: field (default \"caption\"); wds: .json key (default: the .txt member).")
    var captionColumn: String?

    @Flag(inversion: .prefixedNo, help: "tsv/csv: whether each file starts with a header row (default: when --caption-column is a name).")
    var header: Bool?

    @Option(help: "How \" is read in tsv/csv files: csv (as pandas) or none (literal).")
    var quoting: CaptionQuoting = .csv

    @Flag(help: "Skip bad records (counted and reported on stderr; they keep their ids) instead of stopping.")
    var skipBadRecords = false

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Annotator worker processes (default: one per core).")
    var workers: Int?

    @Option(help: "Captions per annotator batch.")
    var batchSize: Int = 1000

    @Option(help: "Output JSON Lines file.")
    var out: String

    func run() throws {
        let options = CorpusOptions(format: format, captionColumn: captionColumn, quoting: quoting,
                                    skipBadRecords: skipBadRecords, hasHeader: header)
        let reader = try CorpusReader(paths: corpus.map { URL(fileURLWithPath: $0) }, options: options)
        let annotator = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: workers, batchSize: batchSize))
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let summary = try NounsFile.write(reader, annotator: annotator, batchSize: batchSize * max(1, workerCount) * 4,
                                          to: URL(fileURLWithPath: out), progress: ProgressBar("annotate"))
        if skipBadRecords {
            var report = "annotate: \(summary.records) captions written, \(summary.skippedRecords) bad records skipped\n"
            for reason in summary.skipReasons { report += "  \(reason)\n" }
            if summary.skippedRecords > summary.skipReasons.count { report += "  ...\n" }
            FileHandle.standardError.write(Data(report.utf8))
        }
    }
}
