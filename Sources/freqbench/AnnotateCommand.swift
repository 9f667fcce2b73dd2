import ArgumentParser
import Foundation
import FreqBench


/// `freqbench annotate`: caption terms of a corpus as JSON Lines.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Write the noun terms of every caption of a corpus, one JSON line per caption.",
        discussion: """
            Each output line is {"id": N, "nouns": [sorted terms]} (Python json.dumps format).
            Example: freqbench annotate cc3m_val.tsv --format cc3m --annotator spacy --out nouns.jsonl
            """)

    @OptionGroup var input: CorpusArguments

    @Option(help: "Annotator: \(AnnotatorRegistry.names.joined(separator: "|")).")
    var annotator: String = AnnotatorRegistry.defaultName

    @Option(help: "Annotator worker processes (default: one per core).")
    var workers: Int?

    @Option(help: "Captions per annotator batch.")
    var batchSize: Int = 1000

    @Option(help: "Output JSON Lines file.")
    var out: String

    func run() throws {
        let reader = try input.makeReader()
        let annotator = try AnnotatorRegistry.make(annotator, options: AnnotatorOptions(workers: workers, batchSize: batchSize))
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let summary = try NounsFile.write(reader, annotator: annotator, batchSize: batchSize * max(1, workerCount) * 4,
                                          to: URL(fileURLWithPath: out), progress: ProgressBar("annotate"))
        input.reportSkips(command: "annotate", skipped: summary.skippedRecords, reasons: summary.skipReasons)
    }
}
