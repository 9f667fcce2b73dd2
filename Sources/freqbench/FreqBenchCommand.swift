import ArgumentParser
import Foundation
import FreqBench

/// The `freqbench` command line: one verb per pipeline stage. Commands parse their
/// arguments and call the engine; no pipeline logic lives here.
@main
struct FreqBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freqbench",
        abstract: "Concept-frequency indexing, search, evaluation and paper checks for CLIP-style models.",
        version: ToolVersion.current,
        subcommands: [
            InfoCommand.self,
            ParityCommand.self,
            AnnotateCommand.self,
            CorpusCommand.self,
            ReportCommand.self,
            GoldenCommand.self,
            EvalCommand.self,
            PlanCommand.self,
            IndexCommand.self,
            ClusterCommand.self,
            SearchCommand.self,
            MisalignmentCommand.self,
            ConceptsCommand.self,
            BenchCommand.self,
            FiguresCommand.self,
            VerifyCommand.self,
            EstimatorsCommand.self,
        ]
    )

    /// Tunes the allocator for bulk work (see `AllocatorTuning`), then runs the command line.
    /// Exit status: 0 success, 1 failure (or a failed verdict), 2 an invalid command line
    /// (swift-argument-parser's own is 64; README and `verify --help` promise 2).
    static func main() {
        AllocatorTuning.forBulkWork()
        installFaultInjection()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == ExitCode.validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// Crash-consistency tests only: with `FREQBENCH_FAULT_INJECTION=<stage>` (an
    /// `AtomicFile.Stage`: written, exchanged, replaced) the process dies with `_exit(86)` when
    /// any output reaches that stage of its replacement, as a kill there would leave it.
    static func installFaultInjection() {
        guard let name = ProcessInfo.processInfo.environment["FREQBENCH_FAULT_INJECTION"],
              let stage = AtomicFile.Stage(rawValue: name) else { return }
        AtomicFile.setFaultInjection { reached, _ in
            if reached == stage { _exit(86) }
        }
    }
}
