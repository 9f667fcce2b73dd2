import ArgumentParser
import Foundation
import FreqBench

/// `freqbench verify`: check the Fixtures pipeline and the paper's analyses against their
/// goldens, or a user's own re-run outputs against the paper's. The exit status is the verdict.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the Fixtures goldens and the paper's analyses from its released data, or your re-run outputs against it.",
        discussion: """
        Prints one line per check (PASS, FAIL, XDEV = documented upstream deviation, SKIP = inputs \
        absent) and a summary line, and writes report.html, summary.json and junit.xml. Exit status: \
        0 when no check failed, 1 when any check failed, 2 when the command line or the tolerances \
        file is invalid.
        """)

    @Option(help: "The paper's released data (default: $FREQBENCH_UPSTREAM or ../shared/upstream).")
    var upstream: String?

    @Option(help: "A folder of your own re-run outputs (search_counts/, zero_shot_evaluations/, retrieval_evaluations/ or flat), compared with the released files.")
    var results: String?

    @Option(help: "Relative tolerance for search counts with --results (default: exact).")
    var countTolerance: Double?

    @Option(help: "The accuracy tolerances file (default: Golden/tolerances.json of the repository).")
    var tolerances: String?

    @Option(help: "Directory for report.html, summary.json and junit.xml (default: Reports/).")
    var report: String?

    @Flag(help: "Do not write the report files.")
    var noReport = false

    func run() throws {
        let upstreamURL = upstream.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DataPaths.upstream
        var resultTolerances = ResultTolerances(zeroShotAccuracyPercent: 0, retrievalRecallFraction: 0, plotRho: 0)
        if results != nil {
            let file = tolerances.map { URL(fileURLWithPath: $0) } ?? ResultTolerances.defaultFile
            do { resultTolerances = try ResultTolerances.read(contentsOf: file) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if let countTolerance {
            guard countTolerance >= 0 else { throw ValidationError("--count-tolerance must be ≥ 0") }
            resultTolerances.countRelative = countTolerance
        }
        let options = Verification.Options(upstream: upstreamURL, results: results.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                           tolerances: resultTolerances)
        let outcome = Verification.run(options)
        for check in outcome.checks { print(Verification.line(check)) }
        print(Verification.summary(outcome.checks))
        if !noReport {
            let writer = report.map { ReportWriter(directory: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ReportWriter()
            let files = try writer.write(Report(checks: outcome.checks, plots: outcome.plots))
            print("wrote \(files.html.path), \(files.summary.path), \(files.junit.path)")
        }
        if outcome.failed { throw ExitCode(1) }
    }
}
