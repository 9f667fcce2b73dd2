import Foundation

/// Runs the Fixtures pipeline: every registered `FixtureStage` over `Fixtures/`, each with
/// its own scratch directory. A stage that throws is recorded (with its error), never fatal
/// to the others.
public struct FixturePipeline: Sendable {
    /// What one stage produced, or why it failed.
    public struct Run: Sendable {
        public var stage: String
        public var outputs: [FixtureStage.Output]
        /// The error text when the stage failed (then `outputs` is empty).
        public var failure: String?
        /// The stage's `FixtureStage.compareOnlyGoldens` folder, nil for store goldens.
        public var compareOnlyGoldens: URL? = nil
    }

    /// `Fixtures/` under the repository root.
    public static var defaultFixtures: URL {
        DataPaths.repositoryRoot.appendingPathComponent("Fixtures", isDirectory: true)
    }

    public var stages: [FixtureStage]
    public var fixtures: URL

    public init(stages: [FixtureStage] = FixtureRegistry.stages, fixtures: URL = FixturePipeline.defaultFixtures) {
        self.stages = stages
        self.fixtures = fixtures
    }

    /// Which computation of each stage to run.
    public enum Source: Sendable {
        /// The engine (`FixtureStage.run`): what verify checks.
        case engine
        /// The stage's independent reference where it has one, else the engine: what
        /// `golden update` writes.
        case reference
    }

    /// Runs every stage in order.
    public func run(_ source: Source = .engine) -> [Run] {
        stages.map { stage in
            let scratch = FileManager.default.temporaryDirectory
                .appendingPathComponent("freqbench-fixture-\(stage.name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            do {
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                let context = FixtureStage.Context(fixtures: fixtures, scratch: scratch)
                let outputs = try (source == .reference ? stage.reference ?? stage.run : stage.run)(context)
                try FixturePipeline.validate(outputs, stage: stage.name)
                return Run(stage: stage.name, outputs: outputs, failure: nil, compareOnlyGoldens: stage.compareOnlyGoldens)
            } catch {
                return Run(stage: stage.name, outputs: [], failure: "\(error)", compareOnlyGoldens: stage.compareOnlyGoldens)
            }
        }
    }

    private static func validate(_ outputs: [FixtureStage.Output], stage: String) throws {
        var seen = Set<String>()
        for output in outputs {
            let allowed = !output.name.isEmpty && !output.name.hasPrefix(".")
                && output.name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
            guard allowed else { throw FreqBenchError("stage \(stage): output name \"\(output.name)\" is not [A-Za-z0-9._-]+") }
            guard seen.insert(output.name).inserted else { throw FreqBenchError("stage \(stage): output \"\(output.name)\" produced twice") }
        }
    }
}
