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

    @OptionGroup var input: CorpusArguments

    func run() throws {
        let reader = try input.makeReader()
        let scan = try CorpusScan.run(reader, progress: ProgressBar("corpus check"))
        print(JSONWriter(indent: 1).string(scan.json))
    }
}
