import ArgumentParser
import Foundation
import FreqBench

/// `freqbench figures`: recompute the figure data of every figure file the paper released.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Compute the data of all 820 released figure files from the released counts and results.",
        discussion: """
        Writes <name>.json (exp_bins, cum_means, cum_stds, as the released figure files) for every \
        figure whose inputs exist, and status.tsv with one row per figure name saying whether it was \
        computed and what to expect of it (equal to the release, differs as documented, or why not computed).
        """)

    @Option(help: "The upstream data folder (default: $FREQBENCH_UPSTREAM or ../shared/upstream).")
    var upstream: String?

    @Option(help: "Where to write the figure files and status.tsv.")
    var out: String

    func run() throws {
        let upstreamURL = upstream.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataPaths.upstream
        let statuses = try FigureGeneration.run(upstream: upstreamURL, output: URL(fileURLWithPath: out, isDirectory: true))
        let tally = FigureGeneration.tally(statuses)
        let summary = FigureStatus.State.allCases.map { "\($0.rawValue) \(tally[$0, default: 0])" }.joined(separator: ", ")
        print("\(statuses.count) figures: \(summary); written to \(out)")
    }
}
