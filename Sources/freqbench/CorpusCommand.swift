import ArgumentParser
import Foundation
import FreqBench

/// `freqbench corpus`: work on caption corpora without annotating them.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Inspect caption corpora.",
        subcommands: [CorpusCheckCommand.self])
}

/// `freqbench corpus check`: read a whole corpus, report records, bad records and speed.
struct CorpusCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read every record of a corpus; print records, bad records and records/s as JSON.",
        discussion: "Example: freqbench corpus check cc3m_val.tsv --format cc3m --skip-bad-records")

    @Argument(help: "Corpus files or directories, read in order.")
    var corpus: [String]

    @Option(help: "Corpus format: \(CorpusFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: CorpusFormat

    @Option(help: "tsv/csv: caption column (index or header name); jsonl: field; wds: .json key.")
    var captionColumn: String?

    @Flag(inversion: .prefixedNo, help: "tsv/csv: whether each file starts with a header row.")
    var header: Bool?

    @Option(help: "How \" is read in tsv/csv files: csv or none.")
    var quoting: CaptionQuoting = .csv

    @Flag(help: "Count bad records instead of stopping at the first.")
    var skipBadRecords = false

    func run() throws {
        let options = CorpusOptions(format: format, captionColumn: captionColumn, quoting: quoting,
                                    skipBadRecords: skipBadRecords, hasHeader: header)
        let reader = try CorpusReader(paths: corpus.map { URL(fileURLWithPath: $0) }, options: options)
        let scan = try CorpusScan.run(reader, progress: ProgressBar("corpus check"))
        print(JSONWriter(indent: 1).string(scan.json))
    }
}
