import ArgumentParser
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
        ]
    )

    /// Tunes the allocator for bulk work (see `AllocatorTuning`), then runs the command line.
    static func main() {
        AllocatorTuning.forBulkWork()
        main(nil as [String]?)
    }
}
